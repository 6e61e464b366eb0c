"""The team's alerting rules (Prometheus rule files and Kubernetes PrometheusRule documents),
read safely, and each alert linked to its runbooks."""

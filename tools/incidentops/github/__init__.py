"""The GitHub edge: declare incidents from the issue form, run slash-commands from issue
comments, preview on-call changes on pull requests.

Pure parts (no network, no git): ``event`` (the webhook payload), ``form`` (the issue form and
its rendered body), ``commands`` (slash-command parsing and what each one changes), ``text``
(what the bot writes, with people's text neutralised), ``labels``. Side effects live in
``api`` (PyGithub, with our own retry policy) and ``flows`` (the steps of each command)."""

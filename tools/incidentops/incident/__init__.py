"""One incident's life, pure: transitions, the timeline, declaring, updates, the postmortem
draft, the Declare form and its templates."""

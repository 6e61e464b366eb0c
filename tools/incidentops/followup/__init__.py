"""After and during incidents: action items across postmortems, the reminders that are due,
the weekly report (pure; they read the index)."""

"""The iCalendar feed of milestones and meetings (`feed`) and its API views (`api`)."""

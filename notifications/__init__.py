"""Deadline reminders: who is due (`selectors`), claiming, sweeping and sending (`services`), the
digest e-mail (`emails`), the Celery tasks (`tasks`), and each user's preferences and
notifications pages (`forms`, `views`). The models are `notifications.models`: the reminder
log, the daily digests and each user's preferences.

The app lies below `commitments` and `dialogues`: it knows nothing of milestones, commitments
or action items. They add their reminder sources, and the markings of the items their
reminders name, to `declaration_tracker.core.registry` when they are ready
(`commitments/reminders.py`, `dialogues/reminders.py`); the user model is reached through
`get_user_model()`.

Imports go one way: tasks → services → selectors and emails.
"""

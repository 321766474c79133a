"""Deadline reminders: who is due (`selectors`), claiming, sweeping and sending (`services`), the
digest e-mail (`emails`), the Celery tasks (`tasks`), and each user's preferences and
notifications pages (`forms`, `views`). The models are in `commitments.models.notifications`.

Imports go one way: tasks → services → selectors and emails.
"""

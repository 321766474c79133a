from django.db import models


class Heartbeat(models.Model):
    """The last time a process of a kind said it is alive (`worker`: a Celery worker ran the
    heartbeat task beat sends every 30 seconds)."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"

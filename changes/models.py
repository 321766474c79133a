"""The change log the feed is read from.

A `ChangeEntry` is written in the transaction of the change it records, by the model signals
(`recording`), so a change never lacks its entry and a rolled-back change leaves none. It names
the object (its feed type and key) and the markings that decide who may learn of the change:
the object's marking before and after it, and whether everything that changed is governed by
that marking (`governed`). It holds no text of the object: the feed represents the object as it
is when read, through the API's own gate.

An entry gets its positions only once committed, from one sequencer at a time (`sequencing`):
one position in each audience's own sequence whose readers may learn of the change (`public`,
`india`, `japan`). So a reader's sequence counts only changes they may learn of, and a position
is never handed out below one a reader has already passed.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from access.visibility import side_markings

# Who reads alike: the readers of the same markings (`access.visibility.reader_markings`).
AUDIENCES = ("public", "india", "japan")
AUDIENCE_MARKINGS = {
    audience: side_markings("" if audience == "public" else audience) for audience in AUDIENCES
}


class ChangeEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    type = models.CharField(max_length=20)
    key = models.CharField(max_length=60)
    # The object's marking before the change (blank: it did not exist) and after (blank: it
    # is gone).
    marking_before = models.CharField(max_length=12, blank=True)
    marking_after = models.CharField(max_length=12, blank=True)
    # Everything the change touched is governed by the object's marking (a wholly marked
    # object, a status update's re-marking, a national milestone's share of a commitment's
    # internal progress): only readers of the marking before or after may learn of it.
    governed = models.BooleanField(default=False)
    sequenced = models.BooleanField(default=False)
    pos_public = models.BigIntegerField(null=True, blank=True)
    pos_india = models.BigIntegerField(null=True, blank=True)
    pos_japan = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "change entry"
        verbose_name_plural = "change entries"
        constraints = [
            models.UniqueConstraint(
                fields=[f"pos_{audience}"],
                condition=Q(**{f"pos_{audience}__isnull": False}),
                name=f"change_pos_{audience}_unique",
            )
            for audience in AUDIENCES
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(sequenced=False), name="change_unsequenced"),
            models.Index(fields=["at"], name="change_at"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.key}"

    def reaches(self, audience: str) -> bool:
        """Say whether readers of `audience` may learn of this change: a change to what every
        reader reads, or one under a marking they read before or after it."""
        markings = AUDIENCE_MARKINGS[audience]
        return (
            not self.governed or self.marking_before in markings or self.marking_after in markings
        )


class ChangeSequence(models.Model):
    """The one row of the sequencer's state: each audience's last position handed out, and the
    last one compacted away (a token below it has lost changes: 410)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_public = models.BigIntegerField(default=0)
    last_india = models.BigIntegerField(default=0)
    last_japan = models.BigIntegerField(default=0)
    compacted_public = models.BigIntegerField(default=0)
    compacted_india = models.BigIntegerField(default=0)
    compacted_japan = models.BigIntegerField(default=0)
    sequenced_at = models.DateTimeField(null=True, blank=True)
    compacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "change sequence"

    def __str__(self) -> str:
        return "change sequence"

"""Abstract models both apps build on: rows users edit under a version, and rows written once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """A row users edit: a version every write checks and moves on, and its timestamps."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletions; the database's trigger refuses the rest."""

    what = "This table"

    def update(self, **kwargs):
        raise TypeError(f"{self.what} is append-only: updates are refused.")

    def delete(self):
        raise TypeError(f"{self.what} is append-only: deletions are refused.")


class AppendOnly(models.Model):
    """A row written once: saving it again or deleting it is refused (and, in the database,
    by the trigger `declaration_tracker.core.db.append_only_operations` adds)."""

    what = "This table"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError(f"{self.what} is append-only: an entry cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self.what} is append-only: an entry cannot be deleted.")

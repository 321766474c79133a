"""No lost updates: every write of an edited row locks it, checks the version the writer saw,
and moves the version on; a write based on an old version is refused."""

from django.db import models
from django.utils.translation import gettext as _


class ConflictError(Exception):
    """A write the record's present state refuses: a change already answered, or awaiting an
    answer that must come first (the API's 409)."""


class StaleVersionError(Exception):
    """A write was based on a version of the object that is no longer current."""

    def __init__(self, obj, expected_version: int | None):
        self.obj = obj
        self.expected_version = expected_version
        self.current_version = obj.version
        super().__init__(
            _(
                "%(obj)s was changed by someone else (you had version %(expected)s, it is now "
                "version %(current)s). Reload it and apply your change again."
            )
            % {"obj": obj, "expected": expected_version, "current": obj.version}
        )


def lock_for_write(instance: models.Model, expected_version: int | None) -> models.Model:
    """Lock the row of `instance` for this transaction and check the caller saw its version.

    Concurrent writers queue on the row lock; the second finds the version moved on and is
    refused, so no update silently overwrites another. `expected_version=None` is for
    writes that do not come from a user's copy (loading the declaration, progress roll-up).
    """
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(locked, expected_version)
    return locked


def versioned_save(instance: models.Model) -> models.Model:
    """Validate and save a row, moving its version on if it already existed."""
    instance.full_clean()
    if instance.pk and hasattr(instance, "version"):
        instance.version += 1
    instance.save()
    return instance

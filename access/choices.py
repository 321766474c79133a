"""The sides, the roles and the release markings: the vocabulary of who may read and do what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    INDIA = "india", _("India")
    JAPAN = "japan", _("Japan")


class Marking(models.TextChoices):
    """Who may read an item, widest reach first (after FIRST's Traffic Light Protocol 2.0)."""

    PUBLIC = "public", _("Public")
    BILATERAL = "bilateral", _("Bilateral")
    INDIA_ONLY = "india_only", _("India only")
    JAPAN_ONLY = "japan_only", _("Japan only")


# How far each marking reaches: a larger number, more readers.
MARKING_REACH = {
    Marking.PUBLIC: 3,
    Marking.BILATERAL: 2,
    Marking.INDIA_ONLY: 1,
    Marking.JAPAN_ONLY: 1,
}
# What both governments read: the official figures (progress, counts, the trail's progress
# entries, the version other readers see) are computed from items under these alone.
SHARED_MARKINGS = (Marking.PUBLIC, Marking.BILATERAL)
# The national marking of each side, and the side of each national marking.
NATIONAL_MARKING = {"india": Marking.INDIA_ONLY, "japan": Marking.JAPAN_ONLY}
MARKING_SIDE = {marking: side for side, marking in NATIONAL_MARKING.items()}
MARKING_HELP = {
    Marking.PUBLIC: _("May be published (TLP:CLEAR)."),
    Marking.BILATERAL: _(
        "Both governments' users of the tracker, nobody else (TLP:AMBER, the two governments)."
    ),
    Marking.INDIA_ONLY: _("India's users only (national handling, as TLP:AMBER+STRICT)."),
    Marking.JAPAN_ONLY: _("Japan's users only (national handling, as TLP:AMBER+STRICT)."),
}


class Role(models.TextChoices):
    """The groups a user can belong to; the operator (a superuser) stands outside them."""

    ANALYST = "Analyst", _("Analyst")
    MANAGER = "Manager", _("Manager")
    VIEWER = "Viewer", _("Viewer")
    # Administers the people of their own government: adds and deactivates them, changes their
    # roles and pillars, resets their second factor, ends their sessions.
    ADMINISTRATOR = "Administrator", _("Side administrator")


def counterpart(side: str) -> str:
    """The other government."""
    return Side.JAPAN if side == Side.INDIA else Side.INDIA

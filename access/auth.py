"""Signing in and loading the signed-in user: one query brings the user, roles and pillars."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import CharField
from django.db.models.functions import Cast

from declaration_tracker.core.db import Joined

from . import permissions


def _split(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


class UserBackend(ModelBackend):
    """Django's model backend, but each request's user arrives with its roles and pillars.

    Every page asks what the user may do; without this that is two more queries a request.
    """

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.annotate(
                role_names=Joined("groups__name", distinct=True),
                pillar_ids=Joined(Cast("pillars__id", CharField()), distinct=True),
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        permissions.remember(
            user,
            roles=_split(user.role_names),
            pillar_ids=[int(pk) for pk in _split(user.pillar_ids)],
        )
        return user

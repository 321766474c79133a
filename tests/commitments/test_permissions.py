"""The role rules, asked of the one module every edge shares."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from access import permissions
from access.choices import Role
from commitments.models import Pillar
from tests.factories import analyst, chief, manager, superuser, viewer

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.mark.parametrize(
    ("make_user", "edits_maritime", "edits_defence", "reassigns", "exports"),
    [
        (lambda: AnonymousUser(), False, False, False, False),
        (viewer, False, False, False, False),
        (manager, False, False, True, True),
        (lambda: analyst("maritime"), True, False, False, True),
        (lambda: analyst("maritime", is_active=False), False, False, False, False),
        (chief, True, True, True, True),
        (superuser, False, False, False, False),  # the operator: no content, no export
    ],
)
def test_who_may_do_what(make_user, edits_maritime, edits_defence, reassigns, exports):
    user = make_user()
    maritime, defence = Pillar.objects.get(slug="maritime"), Pillar.objects.get(slug="defence")

    assert permissions.can_edit_pillar(user, maritime) is edits_maritime
    assert permissions.can_edit_pillar(user, defence.pk) is edits_defence
    assert permissions.can_reassign_owners(user) is reassigns
    assert permissions.can_export(user) is exports


def test_every_role_reads_and_nobody_without_a_role_does():
    assert all(permissions.can_read(make()) for make in (viewer, manager, superuser))
    assert permissions.can_read(analyst())
    assert not permissions.can_read(AnonymousUser())
    assert not permissions.can_read(analyst().__class__.objects.create(username="nobody"))


def test_role_groups_hold_exactly_their_model_permissions():
    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert all(name.startswith("view_") for name in codenames(Role.VIEWER))
    assert {"view_commitment", "view_meeting"} <= codenames(Role.VIEWER)
    assert codenames(Role.MANAGER) - codenames(Role.VIEWER) == {"change_commitment"}
    assert {"add_statusupdate", "add_milestone", "change_meeting", "add_actionitem"} <= (
        codenames(Role.ANALYST)
    )
    assert not any(
        name.startswith("change_statusupdate") or name.startswith("delete_statusupdate")
        for role in Role.values
        for name in codenames(role)
    )

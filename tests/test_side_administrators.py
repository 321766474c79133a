"""Each government administers its own people (issue 25): a side administrator lists, adds,
changes and resets the second factor of their own side's users only, in both directions; the
other side's users are neither listed nor reachable (404); the changes are audited and shown to
that side's managers only."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from access.choices import Role
from audit.models import AuditEvent
from audit.selectors import audit_event_list
from commitments.models import Pillar, User
from tests.factories import UserFactory, analyst, manager, viewer

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db]

USERS = "/admin/commitments/user/"
SIDES = [("india", "japan"), ("japan", "india")]


def side_admin(side: str, **kwargs) -> User:
    return UserFactory(role=Role.ADMINISTRATOR, side=side, is_staff=True, **kwargs)


def change_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "groups": [g.pk for g in user.groups.all()],
        "organisation": "",
        "time_zone": user.time_zone,
        "language": "",
        "pillars": [p.pk for p in user.pillars.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.parametrize("own, other", SIDES)
def test_a_side_administrator_lists_and_opens_their_own_sides_users_only(client, own, other):
    admin = side_admin(own, username=f"admin-{own}")
    ours = viewer(side=own, username=f"ours-{own}")
    theirs = viewer(side=other, username=f"theirs-{other}")
    client.force_login(admin)

    listing = client.get(USERS).content.decode()

    assert ours.username in listing
    assert theirs.username not in listing
    assert client.get(f"{USERS}{ours.pk}/change/").status_code == 200
    assert client.get(f"{USERS}{theirs.pk}/change/").status_code == 404
    assert client.get(f"{USERS}{theirs.pk}/history/").status_code == 404
    before = theirs.groups.count()
    forged = client.post(f"{USERS}{theirs.pk}/change/", change_form(theirs, is_active=""))
    assert forged.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.groups.count() == before


@pytest.mark.parametrize("own, other", SIDES)
def test_a_side_administrator_changes_roles_and_pillars_and_their_managers_see_it(
    client, own, other
):
    admin = side_admin(own, username=f"admin-{own}")
    person = viewer(side=own, username=f"person-{own}")
    client.force_login(admin)
    analysts = Group.objects.get(name=Role.ANALYST)
    maritime = Pillar.objects.get(slug="maritime")

    answer = client.post(
        f"{USERS}{person.pk}/change/",
        change_form(person, groups=[analysts.pk], pillars=[maritime.pk], is_superuser="on"),
    )

    assert answer.status_code == 302, answer.content.decode()[:2000]
    person.refresh_from_db()
    assert list(person.groups.values_list("name", flat=True)) == [Role.ANALYST]
    assert list(person.pillars.values_list("slug", flat=True)) == ["maritime"]
    assert not person.is_superuser and person.side == own  # not theirs to give
    events = AuditEvent.objects.filter(content_type__model="user", object_id=str(person.pk))
    assert events.filter(actor=admin).exists()
    own_manager, other_manager = manager(side=own), manager(side=other)
    assert audit_event_list(own_manager).filter(object_id=str(person.pk)).exists()
    assert (
        not audit_event_list(other_manager)
        .filter(content_type__model="user", object_id=str(person.pk))
        .exists()
    )


@pytest.mark.parametrize("own, other", SIDES)
def test_a_side_administrator_resets_the_second_factor_of_their_side_only(client, own, other):
    admin = side_admin(own, username=f"admin-{own}")
    ours = manager(side=own, username=f"ours-{own}")
    theirs = manager(side=other, username=f"theirs-{other}")
    for user in (ours, theirs):
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    client.force_login(admin)

    client.post(
        USERS,
        {"action": "second_factor_reset", "_selected_action": [ours.pk, theirs.pk]},
    )

    assert not Authenticator.objects.filter(user=ours).exists()
    assert Authenticator.objects.filter(user=theirs).exists()
    ours.refresh_from_db()
    assert ours.session_epoch == 1  # their sessions ended too
    assert AuditEvent.objects.filter(
        object_id=str(ours.pk), changes__second_factor=["enrolled", "reset"]
    ).exists()


def test_a_side_administrator_adds_a_user_of_their_own_side(client):
    admin = side_admin("japan", username="admin-jp")
    client.force_login(admin)

    answer = client.post(
        f"{USERS}add/",
        {
            "username": "new-official",
            "password1": "a-long-test-password-9",
            "password2": "a-long-test-password-9",
            "usable_password": "true",
        },
    )

    assert answer.status_code == 302
    assert User.objects.get(username="new-official").side == "japan"


@pytest.mark.parametrize("make", [analyst, manager, viewer])
def test_other_roles_do_not_administer_people(client, make):
    person = viewer(username="someone")
    # Staff, as the demo makes everyone: they reach the admin, not its user pages.
    client.force_login(make("maritime", is_staff=True) if make is analyst else make(is_staff=True))

    assert client.get(USERS).status_code == 403
    assert client.get(f"{USERS}{person.pk}/change/").status_code == 403

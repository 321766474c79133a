"""Every URL the tracker serves × every role, against a declared rule.

The URLs are read from the URL configuration itself: a new URL without a rule here fails
this test, so nothing is published without someone deciding who may reach it. Object-level
rules (an analyst only in assigned pillars) are checked on objects of a pillar the analyst
has and of one they do not.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from access.choices import Role
from audit.models import AuditEvent
from commitments import services
from commitments.models import User
from dialogues import services as dialogue_services
from dialogues.models import DialogueMechanism
from tests.api_base import token_for
from tests.factories import (
    UserFactory,
    analyst,
    chief,
    commitment,
    days,
    manager,
    superuser,
    viewer,
)

pytestmark = pytest.mark.usefixtures("loaded")

ROLES = (
    "anonymous",
    "no_role",
    "viewer",
    "manager",
    "analyst_in",
    "analyst_out",
    "admin_in",  # India's side administrator
    "admin_jp",  # Japan's side administrator
    "operator",  # the superuser: of neither side, holding no role
)
# The expected status of a GET for each role, in ROLES order.
PUBLIC = (200,) * 9
UI_READ = (302, 403, 200, 200, 200, 200, 200, 200, 200)
UI_SIGNED_IN = (302, 200, 200, 200, 200, 200, 200, 200, 200)
# The world's milestone, action item and India's context are bilateral: the operator, which
# reads what a public reader reads, does not find them.
UI_EDIT_FORM = (302, 403, 403, 403, 200, 403, 403, 403, 404)
UI_READ_BILATERAL = (302, 403, 200, 200, 200, 200, 200, 200, 404)
UI_EXPORT = (302, 403, 403, 200, 200, 200, 403, 403, 403)
UI_MANAGER = (302, 403, 403, 200, 403, 403, 403, 403, 403)
# The audit log: managers and side administrators (the operator's actions, both sides').
UI_AUDIT = (302, 403, 403, 200, 403, 403, 200, 200, 403)
# The reports: anyone with a role; the operator reports for neither side.
UI_REPORT = (302, 403, 200, 200, 200, 200, 200, 200, 403)
POST_ONLY = (302,) + (405,) * 8
API_READ = (401, 403, 200, 200, 200, 200, 200, 200, 200)
API_READ_BILATERAL = (401, 403, 200, 200, 200, 200, 200, 200, 404)
API_MANAGER = (401, 403, 403, 200, 403, 403, 403, 403, 403)
API_AUDIT = (401, 403, 403, 200, 403, 403, 200, 200, 403)
API_NO_TOKEN_YET = (401, 403) + (404,) * 9
FEED_KEY_REQUIRED = (401,) * 9
GET_NOT_ALLOWED = (302,) + (405,) * 8
API_POST_ONLY = (401, 403) + (405,) * 7
NOT_THEIRS = (302, 403) + (404,) * 9
API_MANAGER_NONE = (401, 403, 403, 404, 403, 403, 403, 403, 403)
API_MANAGER_POST_ONLY = (401, 403, 403, 405, 403, 403, 403, 403, 403)
UI_MANAGER_NONE = (302, 403, 403, 404, 403, 403, 403, 403, 403)
# The account pages: any signed-in user, role or none (a second factor, a password, sessions).
ACCOUNT_PAGE = (302,) + (200,) * 8
# Sent to sign in, or (adding or removing a second factor) to confirm who they are first.
ACCOUNT_PAGE_SENT_ON = (302,) * 9
# Pages of a second factor the user has not enrolled yet.
ACCOUNT_NOT_YET = (302,) + (404,) * 8
# The health probe: no sign-in, the same answer for everyone (here 503: the test runs no
# worker, so the worker's heartbeat is missing).
PROBE = (503,) * 9
# Prometheus's scrape: no sign-in, the same answer for everyone (with TRACKER_METRICS_TOKEN
# unset, as here; set, everyone without the token gets 401: tests/test_metrics.py).
SCRAPE = (200,) * 9

RULES = {
    # the browser
    "": UI_READ,
    "commitments/": UI_READ,
    "commitments/export.csv": UI_EXPORT,
    "commitments/export.xlsx": UI_EXPORT,
    "commitments/<str:code>/": UI_READ,
    "commitments/<str:code>/status/": POST_ONLY,
    "commitments/<str:code>/confirm/": POST_ONLY,
    "commitments/<str:code>/milestones/": POST_ONLY,
    "commitments/<str:code>/milestones/<int:pk>/edit/": UI_EDIT_FORM,
    "commitments/<str:code>/milestones/<int:pk>/done/": POST_ONLY,
    "commitments/<str:code>/changes/<int:pk>/<str:answer>/": POST_ONLY,
    "commitments/<str:code>/contexts/<str:side>/": POST_ONLY,
    "audit/": UI_AUDIT,
    "declaration/": UI_READ,
    "markings/<str:kind>/<int:pk>/": POST_ONLY,
    "notifications/": UI_READ,
    "notifications/preferences/": UI_READ,
    "dialogues/": UI_READ,
    "dialogues/<slug:slug>/": UI_READ,
    "dialogues/<slug:slug>/brief.pdf": UI_REPORT,
    "reports/summit.pdf": UI_REPORT,
    "reports/summit.xlsx": UI_REPORT,
    # Another user's report job, or none: not found for every reader.
    "reports/jobs/<uuid:pk>/": NOT_THEIRS,
    "reports/jobs/<uuid:pk>/download/": NOT_THEIRS,
    "dialogues/<slug:slug>/meetings/": POST_ONLY,
    "dialogues/<slug:slug>/cadence/": POST_ONLY,
    "dialogues/meetings/<int:pk>/": UI_READ,
    # its form lives on the meeting page: a GET goes there
    "dialogues/meetings/<int:pk>/edit/": (302, 403) + (302,) * 7,
    "dialogues/meetings/<int:pk>/action-items/": POST_ONLY,
    "dialogues/action-items/<int:pk>/edit/": UI_EDIT_FORM,
    # attachments (discussion): each item's panel; the operator does not find the bilateral
    # milestone and action item
    "commitments/<str:code>/attachments/": UI_READ,
    "commitments/<str:code>/milestones/<int:pk>/attachments/": UI_READ_BILATERAL,
    "dialogues/meetings/<int:pk>/attachments/": UI_READ,
    "dialogues/action-items/<int:pk>/attachments/": UI_READ_BILATERAL,
    # the world has no attachment: not found for every reader (tests/discussion)
    "attachments/<int:pk>/download/": NOT_THEIRS,
    "attachments/<int:pk>/remove/": POST_ONLY,
    # accounts (django-allauth's views): a signed-in user is sent on from the log-in page
    "accounts/login/": (200,) + (302,) * 8,
    "accounts/logout/": ACCOUNT_PAGE,
    "accounts/inactive/": PUBLIC,
    "accounts/reauthenticate/": ACCOUNT_PAGE,
    "accounts/password/change/": ACCOUNT_PAGE,
    "accounts/password/set/": ACCOUNT_PAGE_SENT_ON,
    "accounts/password/reset/": PUBLIC,
    "accounts/password/reset/done/": PUBLIC,
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": PUBLIC,
    "accounts/password/reset/key/done/": PUBLIC,
    "accounts/2fa/": ACCOUNT_PAGE,
    "accounts/2fa/authenticate/": (302,) * 9,
    "accounts/2fa/reauthenticate/": ACCOUNT_PAGE_SENT_ON,
    "accounts/2fa/totp/activate/": ACCOUNT_PAGE_SENT_ON,
    "accounts/2fa/totp/deactivate/": ACCOUNT_NOT_YET,
    "accounts/2fa/recovery-codes/": ACCOUNT_NOT_YET,
    "accounts/2fa/recovery-codes/generate/": ACCOUNT_PAGE_SENT_ON,
    "accounts/2fa/recovery-codes/download/": ACCOUNT_NOT_YET,
    "accounts/2fa/webauthn/": ACCOUNT_PAGE,
    "accounts/2fa/webauthn/add/": ACCOUNT_PAGE_SENT_ON,
    "accounts/2fa/webauthn/reauthenticate/": ACCOUNT_PAGE_SENT_ON,
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": ACCOUNT_PAGE_SENT_ON,
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": ACCOUNT_PAGE_SENT_ON,
    "accounts/oidc/<str:provider_id>/login/": (404,) * 9,
    "accounts/oidc/<str:provider_id>/login/callback/": (404,) * 9,
    "accounts/provider/cancelled/": PUBLIC,
    # django-allauth's page for a provider's failed sign-in answers 401 to everyone
    "accounts/provider/error/": (401,) * 9,
    "accounts/provider/signup/": (302,) * 9,
    "accounts/sessions/": ACCOUNT_PAGE,
    "accounts/sessions/<int:pk>/end/": POST_ONLY,
    # the language switcher (Django's set_language): a GET goes back to the page
    "i18n/setlang/": (302,) * 9,
    # the JavaScript catalogue of the charts' words: any signed-in user
    "jsi18n/": (302,) + (200,) * 8,
    # the API: the schema and its docs describe, they hold no data
    "health/": PROBE,
    "metrics": SCRAPE,
    "api/schema/": PUBLIC,
    "api/docs/": PUBLIC,
    "api/v1/declaration/": API_READ,
    "api/v1/dashboard/": API_READ,
    "api/v1/changes/": API_READ,
    "api/v1/dashboard/trend/": API_READ,
    "api/v1/^webhooks/$": API_MANAGER,
    # No subscription has the world's id: managers find none, others are refused first.
    "api/v1/^webhooks/(?P<pk>[^/.]+)/$": API_MANAGER_NONE,
    "api/v1/^webhooks/(?P<pk>[^/.]+)/deliveries/$": API_MANAGER_NONE,
    "api/v1/^webhooks/(?P<pk>[^/.]+)/rotate-secret/$": API_MANAGER_POST_ONLY,
    "api/v1/^webhooks/(?P<pk>[^/.]+)/send-again/$": API_MANAGER_POST_ONLY,
    "webhooks/": UI_MANAGER,
    "webhooks/<int:pk>/": UI_MANAGER_NONE,
    "webhooks/<int:pk>/events/<uuid:event_id>/send-again/": POST_ONLY,
    "api/v1/markings/": API_POST_ONLY,
    "api/v1/calendar.ics": FEED_KEY_REQUIRED,
    "api/v1/calendar-feed/": API_NO_TOKEN_YET,
    "api/v1/^pillars/$": API_READ,
    "api/v1/^pillars/(?P<slug>[^/.]+)/$": API_READ,
    "api/v1/^organisations/$": API_READ,
    "api/v1/^organisations/(?P<slug>[^/.]+)/$": API_READ,
    "api/v1/^commitments/$": API_READ,
    "api/v1/^commitments/(?P<code>[A-Za-z]{3}-[0-9]{2,3})/$": API_READ,
    "api/v1/^commitments/(?P<code>[A-Za-z]{3}-[0-9]{2,3})/status-updates/$": API_READ,
    "api/v1/^commitments/(?P<code>[A-Za-z]{3}-[0-9]{2,3})/confirm/$": API_POST_ONLY,
    "api/v1/^commitments/(?P<code>[A-Za-z]{3}-[0-9]{2,3})/contexts/(?P<side>india|japan)/$": (
        API_READ_BILATERAL
    ),
    **{
        f"api/v1/^commitments/(?P<code>[A-Za-z]{{3}}-[0-9]{{2,3}})/changes/"
        f"(?P<change_id>[0-9]{{1,18}})/{answer}/$": API_POST_ONLY
        for answer in ("confirm", "decline", "withdraw")
    },
    "api/v1/^audit-events/$": API_AUDIT,
    "api/v1/^audit-events/(?P<pk>[^/.]+)/$": API_AUDIT,
    "api/v1/^milestones/$": API_READ,
    "api/v1/^milestones/(?P<pk>[^/.]+)/$": API_READ_BILATERAL,
    "api/v1/^dialogues/$": API_READ,
    "api/v1/^dialogues/(?P<slug>[^/.]+)/$": API_READ,
    "api/v1/^meetings/$": API_READ,
    "api/v1/^meetings/(?P<pk>[^/.]+)/$": API_READ,
    "api/v1/^action-items/$": API_READ,
    "api/v1/^action-items/(?P<pk>[^/.]+)/$": API_READ_BILATERAL,
    # comments (issue 26): the world's comment is bilateral, on MAR-01
    "discussion/<str:kind>/<str:ref>/comments/": POST_ONLY,
    "comments/<int:pk>/edit/": POST_ONLY,
    "comments/<int:pk>/delete/": POST_ONLY,
    "api/v1/commitments/<str:code>/comments/": API_READ,
    "api/v1/milestones/<int:pk>/comments/": API_READ_BILATERAL,
    "api/v1/meetings/<int:pk>/comments/": API_READ,
    "api/v1/action-items/<int:pk>/comments/": API_READ_BILATERAL,
    "api/v1/comments/<int:pk>/": API_READ_BILATERAL,
    # reconciliations (issue 26): bilateral, so the operator finds none
    "reconciliations/": UI_READ,
    "reconciliations/<int:pk>/": UI_READ_BILATERAL,
    "reconciliations/<int:pk>/due/": POST_ONLY,
    "reconciliations/<int:pk>/attachments/": UI_READ_BILATERAL,
    "api/v1/reconciliations/": API_READ,
    "api/v1/reconciliations/<int:pk>/": API_READ_BILATERAL,
    "api/v1/reconciliations/<int:pk>/comments/": API_READ_BILATERAL,
    "api/v1/reconciliations/<int:pk>/attachments/": API_READ_BILATERAL,
    "api/v1/commitments/<str:code>/attachments/": API_READ,
    "api/v1/milestones/<int:pk>/attachments/": API_READ_BILATERAL,
    "api/v1/meetings/<int:pk>/attachments/": API_READ,
    "api/v1/action-items/<int:pk>/attachments/": API_READ_BILATERAL,
    # the world has no attachment: readers find none
    "api/v1/^attachments/(?P<pk>[^/.]+)/$": (401, 403) + (404,) * 7,
    "api/v1/^attachments/(?P<pk>[^/.]+)/download/$": (401, 403) + (404,) * 7,
}
# Writes by form: who may POST (an empty form: editors get their form back, others a 403).
# an editor of the pillar and the side (India's analyst of maritime, dialogue); the operator
# does not find a bilateral item
EDITOR_POST = (302, 403, 403, 403, 200, 403, 403, 403, 403)
EDITOR_POST_BILATERAL = (302, 403, 403, 403, 200, 403, 403, 403, 404)
POST_RULES = {
    "commitments/<str:code>/status/": EDITOR_POST,
    "commitments/<str:code>/confirm/": EDITOR_POST,
    "commitments/<str:code>/milestones/": EDITOR_POST,
    "commitments/<str:code>/milestones/<int:pk>/edit/": EDITOR_POST_BILATERAL,
    # India's context: India's editors of the pillar get the form back with its errors (400)
    "commitments/<str:code>/contexts/<str:side>/": (302, 403, 403, 403, 400, 403, 403, 403, 403),
    "dialogues/<slug:slug>/meetings/": EDITOR_POST,
    "dialogues/<slug:slug>/cadence/": (302, 403, 403, 200, 403, 403, 403, 403, 403),
    "dialogues/meetings/<int:pk>/edit/": EDITOR_POST,
    "dialogues/meetings/<int:pk>/action-items/": EDITOR_POST,
    "dialogues/action-items/<int:pk>/edit/": EDITOR_POST_BILATERAL,
    # an empty marking: refused with a message and back to the page, for whoever may read it
    "markings/<str:kind>/<int:pk>/": (302, 403) + (302,) * 6 + (404,),
    "webhooks/<int:pk>/events/<uuid:event_id>/send-again/": UI_MANAGER_NONE,
    "api/v1/^webhooks/(?P<pk>[^/.]+)/rotate-secret/$": API_MANAGER_NONE,
    "api/v1/^webhooks/(?P<pk>[^/.]+)/send-again/$": API_MANAGER_NONE,
    # an empty comment on the world's milestone: analysts and managers of a side are sent back
    # to the page with the error; the operator and side administrators write none
    "discussion/<str:kind>/<str:ref>/comments/": (302, 403, 403, 302, 302, 302, 403, 403, 403),
    # the world's comment is the chief's: nobody else edits or deletes it
    "comments/<int:pk>/edit/": (302, 403, 403, 403, 403, 403, 403, 403, 404),
    "comments/<int:pk>/delete/": (302, 403, 403, 403, 403, 403, 403, 403, 404),
    # no due date: a manager of a side gets the form back with the error beside the field
    "reconciliations/<int:pk>/due/": (302, 403, 403, 400, 403, 403, 403, 403, 404),
}


def routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "admin/":
                continue  # the admin answers with its own log-in; its rules are tested apart
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_url_has_a_declared_rule():
    assert sorted(set(routes()) - set(RULES)) == []
    assert sorted(set(RULES) - set(routes())) == []


@pytest.fixture
def world():
    """A milestone, a meeting and an action item in pillars the analyst has (maritime,
    dialogue), and the users of every role."""
    admin = chief(username="world-chief")
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=admin, title="Step", due_date=days(5)
    )
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    meeting = dialogue_services.meeting_create(mechanism=mechanism, actor=admin, date=days(-3))
    item = dialogue_services.action_item_create(meeting=meeting, actor=admin, title="Do it")
    services.context_write(
        commitment=commitment("MAR-01"), actor=admin, side="india", text="India's background."
    )
    from discussion.comment_services import comment_create

    comment = comment_create(target=commitment("MAR-01"), actor=admin, body="On the record.")
    from discussion.models import Reconciliation

    reconciliation = Reconciliation.objects.create(
        commitment=commitment("MAR-01"), about_terms=True, due_on=days(30)
    )
    users = {
        "anonymous": AnonymousUser(),
        "no_role": User.objects.create_user("no-role", password="a-long-test-password"),
        "viewer": viewer(),
        "manager": manager(),
        "analyst_in": analyst("maritime", "dialogue"),
        "analyst_out": analyst("defence"),
        "admin_in": UserFactory(role=Role.ADMINISTRATOR, side="india", is_staff=True),
        "admin_jp": UserFactory(role=Role.ADMINISTRATOR, side="japan", is_staff=True),
        "operator": superuser(),
    }
    values = {
        "code": "MAR-01",
        "slug": {"pillars": "maritime", "organisations": "in-navy"},
        "mechanism": mechanism.slug,
        "milestone": milestone.pk,
        "meeting": meeting.pk,
        "action": item.pk,
        "comment": comment.pk,
        "reconciliation": reconciliation.pk,
        "audit": AuditEvent.objects.order_by("-id").values_list("pk", flat=True).first(),
    }
    return users, values


def concrete(route: str, values: dict) -> str:
    """Turn a route into a URL naming the objects of `world`."""
    path = route.replace("/^", "/").removesuffix("$")
    path = re.sub(r"\(\?P<code>[^)]*\)|<str:code>", values["code"], path)
    for kind in ("pillars", "organisations"):
        if path.startswith(f"api/v1/{kind}/"):
            path = path.replace("(?P<slug>[^/.]+)", values["slug"][kind])
    path = path.replace("(?P<slug>[^/.]+)", values["mechanism"]).replace(
        "<slug:slug>", values["mechanism"]
    )
    path = path.replace("<str:kind>", "milestone").replace("<str:answer>", "confirm")
    # A password-reset link of no user; a provider that is not configured.
    path = path.replace("(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)", "zz-set-password")
    path = path.replace("<str:provider_id>", "nowhere")
    path = re.sub(r"\(\?P<change_id>[^)]*\)", "1", path)
    path = re.sub(r"\(\?P<side>[^)]*\)|<str:side>", "india", path)
    if path.startswith("discussion/"):
        path = path.replace("<str:ref>", str(values["milestone"]))
    if "milestones" in path or path.startswith("markings/"):
        key = "milestone"
    elif "action-items/<int:pk>" in path or "action-items/(?P<pk>" in path:
        key = "action"
    elif "audit-events/" in path:
        key = "audit"
    elif path.startswith(("comments/", "api/v1/comments/")):
        key = "comment"
    elif path.startswith(("reconciliations/", "api/v1/reconciliations/")):
        key = "reconciliation"
    elif path.startswith(("attachments/", "api/v1/attachments/")):
        key = "attachment"
    else:
        key = "meeting"
    path = re.sub(r"\(\?P<pk>[^)]*\)|<int:pk>", str(values.get(key, 0)), path)
    path = path.replace("<uidb64>", "MQ").replace("<token>", "set-password")
    for name in ("<uuid:pk>", "<uuid:event_id>"):
        path = path.replace(name, "00000000-0000-4000-8000-000000000000")
    return "/" + path + ONE_SMALL_PILLAR.get(route, "")


# The summit report of one small pillar: who may open it does not depend on its size, and the
# whole declaration's takes seconds to lay out each time a crawl asks for it.
ONE_SMALL_PILLAR = {
    "reports/summit.pdf": "?pillar=dialogue",
    "reports/summit.xlsx": "?pillar=dialogue",
}


def client_for(user) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_login(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_declared(world, role):
    users, values = world
    client = client_for(users[role])
    index = ROLES.index(role)

    wrong = {}
    for route, rule in RULES.items():
        url = concrete(route, values)
        status = client.get(url).status_code
        if status != rule[index]:
            wrong[url] = (status, rule[index])
    for route, rule in POST_RULES.items():
        url = concrete(route, values)
        status = client.post(url, {}).status_code
        if status != rule[index]:
            wrong[f"POST {url}"] = (status, rule[index])

    assert wrong == {}, f"{role}: (got, expected) {wrong}"


# --- each government gives its own assessment: role × side × pillar ------------------------

SIDED_USERS = {
    "viewer": lambda side: viewer(side=side),
    "manager": lambda side: manager(side=side),
    "analyst_in": lambda side: analyst("maritime", side=side),
    "analyst_out": lambda side: analyst("defence", side=side),
    "administrator": lambda side: UserFactory(role=Role.ADMINISTRATOR, side=side),
}


def sided_user(role: str, side: str):
    if role == "operator":
        return superuser(side=side)  # given a side, it keeps none
    if role == "anonymous":
        return AnonymousUser()
    if role == "no_role":
        return User.objects.create_user("no-role", password="a-long-test-password", side=side)
    return SIDED_USERS[role](side)


def may_update_status(role: str, side: str, for_side: str) -> bool:
    """The rule: an analyst of the pillar, for their own side only (issue 23; issue 25: the
    operator, of neither side, gives no side's)."""
    return role == "analyst_in" and side == for_side


WRITES = ("api-status", "api-confirm", "ui-status", "ui-confirm")


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("for_side", ["india", "japan"])
@pytest.mark.parametrize("side", ["india", "japan"])
@pytest.mark.parametrize("role", ["anonymous", "no_role", *SIDED_USERS, "operator"])
def test_each_side_gives_and_confirms_only_its_own_assessment(role, side, for_side, write):
    """MAR-01 (maritime, joint) with the sides apart: India at risk, Japan not started."""
    from commitments.choices import Status

    target = commitment("MAR-01")
    services.status_update_create(
        commitment=target,
        author=chief(username="setter"),
        side="india",
        status=Status.AT_RISK,
        note="Apart.",
        expected_version=None,
    )
    trail = target.status_updates.count()
    user = sided_user(role, side)
    client = client_for(user)
    api = write.startswith("api")
    confirming = write.endswith("confirm")
    if api:
        path = f"/api/v1/commitments/MAR-01/{'confirm' if confirming else 'status-updates'}/"
        body = {"note": "Mine.", "side": for_side}
        if not confirming:
            body["status"] = Status.OFF_TRACK
        response = client.post(path, body, format="json")
    else:
        path = f"/commitments/MAR-01/{'confirm' if confirming else 'status'}/"
        body = {"note": "Mine.", "side": for_side, "version": commitment("MAR-01").version}
        if not confirming:
            body["status"] = Status.OFF_TRACK
        response = client.post(path, body, format="multipart")

    allowed = may_update_status(role, side, for_side)
    if role == "anonymous":
        expected = 401 if api else 302
    elif allowed:
        expected = 201 if api else 302
    else:
        expected = 403
    errors = [line for line in response.content.decode().splitlines() if "error" in line]
    assert response.status_code == expected, errors[:5]
    written = commitment("MAR-01").status_updates.count() - trail
    assert written == (1 if allowed else 0)
    if allowed:
        update = commitment("MAR-01").status_updates.order_by("-id").first()
        assert update.side == for_side
        expected_status = Status.AT_RISK if confirming and for_side == "japan" else None
        if confirming and for_side == "india":
            expected_status = Status.NOT_STARTED  # India takes Japan's status
        assert update.assessment == (expected_status or Status.OFF_TRACK)


# --- release markings: who may give which, by role and side ----------------------------------


@pytest.mark.parametrize("marking", ["public", "bilateral", "india_only", "japan_only"])
@pytest.mark.parametrize("side", ["india", "japan"])
@pytest.mark.parametrize("role", [*SIDED_USERS, "operator"])
def test_each_role_and_side_gives_only_the_markings_it_may(role, side, marking):
    """A new milestone of MAR-01 (maritime), written through the API: editors of the pillar
    give public, bilateral or their own side's marking; nobody the other side's."""
    user = sided_user(role, side)
    response = client_for(user).post(
        "/api/v1/milestones/",
        {"commitment": "MAR-01", "title": "Marked", "due_date": "2027-01-15", "marking": marking},
        format="json",
    )

    editor = role == "analyst_in"
    national_of = {"india_only": "india", "japan_only": "japan"}.get(marking)
    allowed = editor and national_of in (None, side)
    assert response.status_code == (201 if allowed else 403), response.content[:300]
    if allowed:
        assert response.json()["marking"] == marking

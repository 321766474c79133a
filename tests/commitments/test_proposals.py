"""Shared terms need both sides: a commitment's lead side, start and target dates and priority
change by one side's proposal and the other's confirmation, through the services, the API and
the page, in both directions (India → Japan and Japan → India)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from access.choices import Side
from audit.models import AuditEvent
from commitments import services
from commitments.models import (
    Commitment,
    Organisation,
    ProposalState,
    SharedTermChange,
    StatusUpdate,
)
from declaration_tracker.core import events
from declaration_tracker.core.versioning import ConflictError
from tests.api_base import api_client, assert_error, url
from tests.factories import analyst, chief, commitment, manager, superuser, viewer

pytestmark = pytest.mark.usefixtures("loaded")

SIDES = [(Side.INDIA, Side.JAPAN), (Side.JAPAN, Side.INDIA)]
TARGET = datetime.date(2027, 3, 31)


def person(side: str, name: str = "") -> object:
    return analyst("maritime", username=name or f"{side}_analyst", side=side)


def propose(user, code="MAR-01", **terms) -> Commitment:
    target = commitment(code)
    return services.commitment_update(
        commitment=target, actor=user, expected_version=target.version, **terms
    )


@pytest.fixture
def heard():
    """The domain events emitted during the test: (type, change)."""
    seen = []

    def listen(event):
        seen.append((str(event.type), event.change))

    types = ["commitment.terms_proposed", "commitment.terms_decided", "commitment.changed"]
    events.register(listen, types)
    yield seen
    for kind in types:
        events._handlers[kind].remove(listen)


# --------------------------------------------------------------------------- services


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_a_proposal_leaves_the_terms_until_the_other_side_confirms(proposer, answerer, heard):
    before = commitment()
    updated = propose(person(proposer), target_date=TARGET, priority="high", title="Renamed")

    change = updated.proposal
    assert change.state == ProposalState.PENDING
    assert change.proposed_by_side == proposer
    assert change.fields == {"target_date": "2027-03-31", "priority": "high"}
    assert change.before == {
        "target_date": before.target_date and before.target_date.isoformat(),
        "priority": before.priority,
    }
    now = commitment()
    assert (now.target_date, now.priority) == (before.target_date, before.priority)
    assert now.title == "Renamed"  # the other fields apply at once

    services.terms_confirm(change=change, actor=person(answerer))

    now = commitment()
    assert (now.target_date, now.priority) == (TARGET, "high")
    change.refresh_from_db()
    assert change.state == ProposalState.CONFIRMED and change.decided_at is not None
    assert ("commitment.terms_proposed", {"id": change.pk, "side": proposer,
            "fields": ["priority", "target_date"], "state": "pending"}) in heard  # fmt: skip
    assert ("commitment.changed", {"fields": ["priority", "target_date"]}) in heard
    assert heard[-2][0] == "commitment.terms_decided"


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_the_proposing_side_cannot_confirm_its_own_proposal(proposer, answerer):
    change = propose(person(proposer), lead_side=proposer).proposal
    colleague = person(proposer, "colleague")
    with pytest.raises(PermissionDenied, match="cannot confirm its own proposal"):
        services.terms_confirm(change=change, actor=colleague)
    with pytest.raises(PermissionDenied):
        services.terms_decline(change=change, actor=colleague, note="No.")
    with pytest.raises(PermissionDenied):
        services.terms_withdraw(change=change, actor=person(answerer))
    assert commitment().lead_side == "joint"


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_decline_needs_a_note_and_keeps_the_terms(proposer, answerer):
    change = propose(person(proposer), priority="low").proposal
    other = person(answerer)
    with pytest.raises(ValidationError):
        services.terms_decline(change=change, actor=other, note=" ")
    services.terms_decline(change=change, actor=other, note="Still a priority for us.")
    change.refresh_from_db()
    assert (change.state, change.note) == (ProposalState.DECLINED, "Still a priority for us.")
    assert commitment().priority != "low"
    with pytest.raises(ConflictError):
        services.terms_confirm(change=change, actor=other)


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_the_proposing_side_withdraws(proposer, answerer):
    change = propose(person(proposer), priority="low").proposal
    services.terms_withdraw(change=change, actor=person(proposer, "colleague"))
    change.refresh_from_db()
    assert change.state == ProposalState.WITHDRAWN
    with pytest.raises(ConflictError):
        services.terms_confirm(change=change, actor=person(answerer))


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_a_new_proposal_replaces_the_sides_own_and_the_other_side_answers_first(
    proposer, answerer, heard
):
    first = propose(person(proposer), priority="low").proposal
    second = propose(person(proposer), priority="high").proposal
    first.refresh_from_db()
    assert first.state == ProposalState.WITHDRAWN
    assert second.state == ProposalState.PENDING
    # Who follows the first proposal's id hears it answered, then the second proposed.
    assert heard[-2:] == [
        (
            "commitment.terms_decided",
            {"id": first.pk, "side": proposer, "fields": ["priority"], "state": "withdrawn"},
        ),
        (
            "commitment.terms_proposed",
            {"id": second.pk, "side": proposer, "fields": ["priority"], "state": "pending"},
        ),
    ]
    with pytest.raises(ConflictError, match="awaits your side's answer"):
        propose(person(answerer), priority="low")
    # A term the pending proposal does not touch may be proposed meanwhile.
    assert propose(person(answerer), target_date=TARGET).proposal.proposed_by_side == answerer


def test_a_user_of_neither_side_and_a_manager_cannot_propose_or_answer():
    operator = superuser(username="operator", side="")
    with pytest.raises(PermissionDenied):
        propose(operator, priority="low")
    with pytest.raises(PermissionDenied):
        propose(manager(side=Side.JAPAN), priority="low")
    change = propose(person(Side.INDIA), priority="low").proposal
    with pytest.raises(PermissionDenied):
        services.terms_confirm(change=change, actor=operator)
    with pytest.raises(PermissionDenied):
        services.terms_confirm(change=change, actor=analyst("defence", side=Side.JAPAN))


def test_a_chief_of_a_side_is_held_to_the_rule():
    boss = chief(username="boss", side=Side.INDIA)
    change = propose(boss, priority="low").proposal
    with pytest.raises(PermissionDenied):
        services.terms_confirm(change=change, actor=boss)
    services.terms_confirm(change=change, actor=chief(username="boss_jp", side=Side.JAPAN))
    assert commitment().priority == "low"


def test_a_proposal_of_the_present_value_proposes_nothing_and_bad_values_are_refused():
    current = commitment()
    assert propose(person(Side.INDIA), priority=current.priority).proposal is None
    with pytest.raises(ValidationError) as refused:
        propose(person(Side.INDIA), priority="urgent")
    assert "priority" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        propose(
            person(Side.INDIA),
            start_date=datetime.date(2027, 5, 1),
            target_date=datetime.date(2027, 1, 1),
        )
    assert "target_date" in refused.value.message_dict
    assert not SharedTermChange.objects.exists()


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_every_step_is_in_the_trail_and_the_audit_log(proposer, answerer):
    india_user, other = person(proposer), person(answerer)
    change = propose(india_user, target_date=TARGET).proposal
    services.terms_decline(change=change, actor=other, note="Too late for us.")
    change2 = propose(india_user, target_date=TARGET).proposal
    services.terms_withdraw(change=change2, actor=india_user)
    change3 = propose(india_user, target_date=TARGET).proposal
    services.terms_confirm(change=change3, actor=other)

    trail = list(
        StatusUpdate.objects.filter(commitment__code="MAR-01", kind="terms").order_by("id")
    )
    assert [(e.message, e.side) for e in trail] == [
        ("terms_proposed", proposer),
        ("terms_declined", answerer),
        ("terms_proposed", proposer),
        ("terms_withdrawn", proposer),
        ("terms_proposed", proposer),
        ("terms_confirmed", answerer),
    ]
    assert "target_date" in trail[0].note and "2027-03-31" in trail[0].note
    assert "Too late for us." in trail[1].note
    logged = AuditEvent.objects.filter(
        content_type__model="sharedtermchange", commitment_code="MAR-01"
    )
    assert logged.filter(action="created", actor=india_user).count() == 3
    assert logged.filter(action="changed", actor=other, changes__state__1="confirmed").exists()
    assert logged.filter(action="changed", actor=other, changes__state__1="declined").exists()
    changed = AuditEvent.objects.filter(
        content_type__model="commitment", commitment_code="MAR-01", actor=other
    )
    assert any("target_date" in e.changes for e in changed)


# --------------------------------------------------------------------------- API


def client_of(side: str, name: str = ""):
    return api_client(person(side, name))


def etag(code="MAR-01") -> dict:
    return {"HTTP_IF_MATCH": f'"{commitment(code).version}"'}


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_the_api_answers_202_with_the_pending_change_and_the_other_side_confirms(
    proposer, answerer
):
    before = commitment()
    response = client_of(proposer).patch(
        url("commitments", "MAR-01"), {"target_date": "2027-03-31"}, format="json", **etag()
    )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert {"id", "fields", "proposed_by_side", "proposed_at", "state"} <= set(body)
    assert body["fields"] == {"target_date": "2027-03-31"}
    assert (body["proposed_by_side"], body["state"]) == (proposer, "pending")
    assert commitment().target_date == before.target_date

    shown = api_client(viewer()).get(url("commitments", "MAR-01")).json()
    assert [c["id"] for c in shown["pending_changes"]] == [body["id"]]
    assert shown["target_date"] == (before.target_date and before.target_date.isoformat())

    own = client_of(proposer, "colleague").post(
        url("commitments", "MAR-01", "changes", body["id"], "confirm"), {}, format="json"
    )
    assert "cannot confirm its own proposal" in assert_error(own, 403)["message"]

    done = client_of(answerer).post(
        url("commitments", "MAR-01", "changes", body["id"], "confirm"), {}, format="json"
    )
    assert done.status_code == 200, done.json()
    assert done.json()["state"] == "confirmed"
    assert done["ETag"] == f'"{commitment().version}"'
    assert commitment().target_date == TARGET
    again = client_of(answerer).post(
        url("commitments", "MAR-01", "changes", body["id"], "confirm"), {}, format="json"
    )
    assert "no longer pending" in assert_error(again, 409)["message"]
    shown = api_client(viewer()).get(url("commitments", "MAR-01")).json()
    assert shown["pending_changes"] == []


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_the_api_declines_with_a_note_and_withdraws(proposer, answerer):
    patch = {"priority": "low"}
    first = (
        client_of(proposer)
        .patch(url("commitments", "MAR-01"), patch, format="json", **etag())
        .json()
    )
    refused = client_of(answerer).post(
        url("commitments", "MAR-01", "changes", first["id"], "decline"), {}, format="json"
    )
    assert_error(refused, 400, fields=["note"])
    declined = client_of(answerer).post(
        url("commitments", "MAR-01", "changes", first["id"], "decline"),
        {"note": "Not yet."},
        format="json",
    )
    assert declined.status_code == 200
    assert (declined.json()["state"], declined.json()["note"]) == ("declined", "Not yet.")

    second = (
        client_of(proposer)
        .patch(url("commitments", "MAR-01"), patch, format="json", **etag())
        .json()
    )
    other = client_of(answerer).post(
        url("commitments", "MAR-01", "changes", second["id"], "withdraw"), {}, format="json"
    )
    assert_error(other, 403)
    withdrawn = client_of(proposer).post(
        url("commitments", "MAR-01", "changes", second["id"], "withdraw"), {}, format="json"
    )
    assert withdrawn.json()["state"] == "withdrawn"
    assert commitment().priority != "low"


def test_the_api_applies_other_fields_at_once_and_still_answers_202():
    response = client_of(Side.INDIA).patch(
        url("commitments", "MAR-01"),
        {"title": "A clearer title", "lead_side": "india"},
        format="json",
        **etag(),
    )
    assert response.status_code == 202
    assert response.json()["fields"] == {"lead_side": "india"}
    now = commitment()
    assert (now.title, now.lead_side) == ("A clearer title", "joint")


def test_without_shared_terms_the_api_answers_200_as_before():
    response = client_of(Side.INDIA).patch(
        url("commitments", "MAR-01"), {"title": "Plain"}, format="json", **etag()
    )
    assert response.status_code == 200
    assert response.json()["pending_changes"] == []


def test_unknown_change_is_404_and_a_user_of_neither_side_is_403():
    assert_error(
        client_of(Side.JAPAN).post(
            url("commitments", "MAR-01", "changes", 999999, "confirm"), {}, format="json"
        ),
        404,
    )
    operator = api_client(superuser(username="operator", side=""))
    assert_error(
        operator.patch(url("commitments", "MAR-01"), {"priority": "low"}, format="json", **etag()),
        403,
    )
    change = propose(person(Side.INDIA), priority="low").proposal
    assert_error(
        operator.post(url("commitments", "MAR-01", "changes", change.pk, "confirm"), {}),
        403,
    )
    # A change is answered only under its own commitment.
    assert_error(
        client_of(Side.JAPAN).post(
            url("commitments", "MAR-02", "changes", change.pk, "confirm"), {}, format="json"
        ),
        404,
    )


def test_the_other_side_proposing_a_pending_term_is_409():
    client_of(Side.INDIA).patch(
        url("commitments", "MAR-01"), {"priority": "low"}, format="json", **etag()
    )
    response = client_of(Side.JAPAN).patch(
        url("commitments", "MAR-01"), {"priority": "high"}, format="json", **etag()
    )
    assert "awaits your side's answer" in assert_error(response, 409)["message"]


# --------------------------------------------------------------------------- the page

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_of(client, user, code="MAR-01") -> str:
    client.force_login(user)
    return client.get(f"/commitments/{code}/").content.decode()


def answer_url(change, answer: str, code="MAR-01") -> str:
    return f"/commitments/{code}/changes/{change.pk}/{answer}/"


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_the_page_shows_the_proposal_with_the_other_sides_buttons(client, proposer, answerer):
    change = propose(person(proposer), target_date=TARGET).proposal

    theirs = page_of(client, person(answerer))
    assert 'id="proposals"' in theirs and f'id="confirm-change-{change.pk}"' in theirs
    assert f'id="decline-change-{change.pk}"' in theirs
    assert f'id="withdraw-change-{change.pk}"' not in theirs
    label = {"india": "India", "japan": "Japan"}
    assert f"Proposed by {label[proposer]}" in theirs
    assert f"awaiting {label[answerer]}" in theirs
    assert "31 Mar 2027" in theirs

    own = page_of(client, person(proposer, "colleague"))
    assert f'id="withdraw-change-{change.pk}"' in own
    assert f'id="confirm-change-{change.pk}"' not in own

    reader = page_of(client, viewer())
    assert 'id="proposals"' in reader and "-change-" not in reader


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_other_side_confirms_and_declines_on_the_page(client, proposer, answerer, headers):
    change = propose(person(proposer), target_date=TARGET).proposal
    client.force_login(person(answerer))

    response = client.post(answer_url(change, "confirm"), {}, **headers)

    assert response.status_code in (200, 302)
    assert commitment().target_date == TARGET
    later = propose(person(proposer), priority="low").proposal
    client.force_login(person(answerer))
    refused = client.post(answer_url(later, "decline"), {"note": " "}, **headers)
    assert refused.status_code == 400
    assert "A note is required" in refused.content.decode()
    client.post(answer_url(later, "decline"), {"note": "Not now."}, **headers)
    later.refresh_from_db()
    assert (later.state, later.note) == ("declined", "Not now.")


@pytest.mark.parametrize(("proposer", "answerer"), SIDES)
def test_forged_posts_are_refused(client, proposer, answerer):
    change = propose(person(proposer), target_date=TARGET).proposal
    # The proposing side's own confirmation, a decline, and the other side's withdrawal.
    client.force_login(person(proposer, "colleague"))
    assert client.post(answer_url(change, "confirm")).status_code == 403
    assert client.post(answer_url(change, "decline"), {"note": "x"}).status_code == 403
    client.force_login(person(answerer))
    assert client.post(answer_url(change, "withdraw")).status_code == 403
    # A reader, an analyst of another pillar, a user of neither side.
    for user in (
        viewer(side=answerer),
        analyst("defence", side=answerer),
        superuser(username="operator", side=""),
    ):
        client.force_login(user)
        assert client.post(answer_url(change, "confirm")).status_code == 403
    # Under another commitment, or an answer that is none: not found.
    client.force_login(person(answerer))
    assert client.post(answer_url(change, "confirm", code="MAR-02")).status_code == 404
    assert client.post(answer_url(change, "apply")).status_code == 404
    assert commitment().target_date is None
    change.refresh_from_db()
    assert change.state == "pending"
    # Already answered: a conflict, said on the page.
    client.post(answer_url(change, "confirm"))
    again = client.post(answer_url(change, "confirm"), **HTMX)
    assert again.status_code == 409


def test_the_proposer_withdraws_on_the_page(client):
    change = propose(person(Side.JAPAN), priority="low").proposal
    client.force_login(person(Side.JAPAN, "colleague"))
    client.post(answer_url(change, "withdraw"), **HTMX)
    change.refresh_from_db()
    assert change.state == "withdrawn"


def test_the_trail_on_the_page_says_each_step_in_the_readers_language(client):
    change = propose(person(Side.INDIA), priority="low").proposal
    services.terms_decline(change=change, actor=person(Side.JAPAN), note="Too soon.")
    page = page_of(client, viewer())
    assert "Proposed a change of shared terms, awaiting the other side: priority" in page
    assert "Declined the other side&#x27;s change of shared terms" in page
    japanese = viewer(language="ja")
    page = page_of(client, japanese)
    assert "共通条件の変更を提案" in page


# --------------------------------------------------------------------------- reminders


@pytest.mark.parametrize(
    ("proposer", "answerer", "days", "reminded"),
    [
        (Side.INDIA, Side.JAPAN, 2, False),
        (Side.INDIA, Side.JAPAN, 3, True),
        (Side.JAPAN, Side.INDIA, 3, True),
        (Side.JAPAN, Side.INDIA, 10, True),
        (Side.JAPAN, Side.INDIA, 5, False),
    ],
)
def test_a_proposal_reminds_the_awaited_sides_analysts(proposer, answerer, days, reminded):
    from notifications import selectors as reminder_selectors
    from notifications import services as reminder_services
    from notifications.models import Reminder

    now = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)
    awaited = person(answerer, "awaited")
    proposing = person(proposer, "proposing")
    analyst("defence", username="elsewhere", side=answerer)  # another pillar
    change = propose(proposing, priority="low").proposal
    SharedTermChange.objects.filter(pk=change.pk).update(
        proposed_at=now - datetime.timedelta(days=days, hours=1)
    )

    reminder_services.reminders_claim(reminder_selectors.reminders_due(now), now=now)

    found = set(Reminder.objects.values_list("recipient__username", "kind", "item_key"))
    expected = {("awaited", "awaiting", f"proposal:{change.pk}")}
    assert {f for f in found if f[2].startswith("proposal:")} == (expected if reminded else set())
    if reminded:
        side = {"india": "India", "japan": "Japan"}[answerer]
        assert Reminder.objects.get(recipient=awaited).detail.startswith(
            f"a change of shared terms awaits {side}'s answer since"
        )
    change.refresh_from_db()
    services.terms_withdraw(change=change, actor=proposing)
    Reminder.objects.all().delete()
    later = now + datetime.timedelta(days=7)
    reminder_services.reminders_claim(reminder_selectors.reminders_due(later), now=later)
    assert not Reminder.objects.filter(item_key__startswith="proposal:").exists()


# --------------------------------------------------------------------------- property


VALUES = {
    "lead_side": st.sampled_from(["india", "japan", "joint"]),
    "priority": st.sampled_from(["high", "medium", "low"]),
    # Every start before every target: the dates are never refused.
    "start_date": st.sampled_from([None, datetime.date(2026, 1, 1), datetime.date(2026, 6, 1)]),
    "target_date": st.sampled_from([None, datetime.date(2026, 9, 1), datetime.date(2027, 1, 1)]),
}
SIDE = st.sampled_from([Side.INDIA, Side.JAPAN])
STEPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("propose"),
            SIDE,
            st.dictionaries(
                st.sampled_from(sorted(VALUES)), st.none(), min_size=1, max_size=2
            ).flatmap(lambda keys: st.fixed_dictionaries({k: VALUES[k] for k in keys})),
        ),
        st.tuples(st.sampled_from(["confirm", "decline", "withdraw"]), SIDE, st.integers(0, 5)),
    ),
    max_size=10,
)


class Reference:
    """What the rule says: the terms, and each proposal's side, values and state."""

    def __init__(self, terms: dict):
        self.terms = dict(terms)
        self.proposals: list[dict] = []  # in order: {"side", "fields", "state"}

    def propose(self, side: str, values: dict) -> str:
        fields = {k: v for k, v in values.items() if v != self.terms[k]}
        if not fields:
            return "nothing"
        pending = [p for p in self.proposals if p["state"] == "pending"]
        if any(p["side"] != side and set(p["fields"]) & set(fields) for p in pending):
            return "conflict"
        for own in pending:
            if own["side"] == side and set(own["fields"]) & set(fields):
                own["state"] = "withdrawn"
        self.proposals.append({"side": side, "fields": fields, "state": "pending"})
        return "proposed"

    def answer(self, answer: str, side: str, n: int) -> str:
        proposal = self.proposals[n]
        if (answer == "withdraw") != (side == proposal["side"]):
            return "forbidden"
        if proposal["state"] != "pending":
            return "conflict"
        proposal["state"] = {"confirm": "confirmed", "decline": "declined"}.get(answer, "withdrawn")
        if answer == "confirm":
            self.terms.update(proposal["fields"])
        return "done"


@pytest.fixture
def both_sides():
    return {side: person(side) for side in (Side.INDIA, Side.JAPAN)}


def terms_of(code="MAR-01") -> dict:
    current = commitment(code)
    return {name: getattr(current, name) for name in VALUES}


@hsettings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_a_shared_term_never_changes_without_the_other_sides_confirmation(both_sides, steps):
    from django.db import transaction

    with transaction.atomic():
        reference = Reference(terms_of())
        changes: list[SharedTermChange] = []
        for action, side, argument in steps:
            before = terms_of()
            if action == "propose":
                expected = reference.propose(side, argument)
                try:
                    change = propose(both_sides[side], **argument).proposal
                    outcome = "proposed" if change is not None else "nothing"
                    if change is not None:
                        changes.append(change)
                except ConflictError:
                    outcome = "conflict"
                assert outcome == expected
                assert terms_of() == before  # a proposal never changes a term
                continue
            if not changes:
                continue
            n = argument % len(changes)
            expected = reference.answer(action, side, n)
            service = {
                "confirm": services.terms_confirm,
                "decline": services.terms_decline,
                "withdraw": services.terms_withdraw,
            }[action]
            try:
                service(change=changes[n], actor=both_sides[side], note="Because.")
                outcome = "done"
            except PermissionDenied:
                outcome = "forbidden"
            except ConflictError:
                outcome = "conflict"
            assert outcome == expected, (action, side, n)
            after = terms_of()
            if after != before:
                # Only the other side's confirmation moves a term, to the value proposed.
                assert (action, outcome) == ("confirm", "done")
                assert side != changes[n].proposed_by_side
                assert {k: after[k] for k in reference.proposals[n]["fields"]} == (
                    reference.proposals[n]["fields"]
                )
            assert after == reference.terms
        states = list(
            SharedTermChange.objects.filter(pk__in=[c.pk for c in changes])
            .order_by("id")
            .values_list("state", flat=True)
        )
        assert states == [p["state"] for p in reference.proposals]
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- each side's owners


def other_side(side: str) -> str:
    return Side.JAPAN if side == Side.INDIA else Side.INDIA


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_each_side_sets_its_own_responsible_user_only(side):
    actor, colleague = person(side), person(side, "colleague")
    other = other_side(side)
    theirs = person(other, "theirs")

    done = propose(actor, **{f"responsible_{side}": colleague})
    assert done.side_responsible(side) == colleague and done.proposal is None

    with pytest.raises(PermissionDenied):
        propose(actor, **{f"responsible_{other}": theirs})
    with pytest.raises(ValidationError) as refused:
        propose(actor, **{f"responsible_{side}": theirs})
    assert f"responsible_{side}" in refused.value.message_dict
    assert commitment().side_responsible(other) is None


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_each_side_sets_its_own_responsible_user_through_the_api(side):
    other = other_side(side)
    client = client_of(side)
    refused = client.patch(
        url("commitments", "MAR-01"),
        {f"responsible_{other}": person(other, "theirs").username},
        format="json",
        **etag(),
    )
    assert_error(refused, 403)
    wrong = client.patch(
        url("commitments", "MAR-01"),
        {f"responsible_{side}": person(other, "theirs").username},
        format="json",
        **etag(),
    )
    assert_error(wrong, 400, fields=[f"responsible_{side}"])
    done = client.patch(
        url("commitments", "MAR-01"),
        {f"responsible_{side}": person(side, "ours").username},
        format="json",
        **etag(),
    )
    assert done.status_code == 200
    assert done.json()[f"responsible_{side}"]["username"] == "ours"
    assert done.json()[f"responsible_{other}"] is None
    # `responsible` is read-only now (deprecated): a write says where to write instead.
    old = client.patch(
        url("commitments", "MAR-01"), {"responsible": "ours"}, format="json", **etag()
    )
    assert "responsible_india" in assert_error(old, 400, fields=["responsible"])["message"]


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_each_side_replaces_its_own_lead_organisations_only(side):
    other = other_side(side)
    own, theirs = {"india": ("in-", "jp-"), "japan": ("jp-", "in-")}[side]
    before = {o.slug for o in commitment("MAR-03").lead_organisations.all()}
    kept = {slug for slug in before if slug.startswith(theirs)}
    assert kept, "MAR-03 has lead organisations of both sides"
    client = client_of(side)

    # Only one's own sent: the other government's stay as they are.
    done = client.patch(
        url("commitments", "MAR-03"), {"lead_organisations": []}, format="json", **etag("MAR-03")
    )
    assert done.status_code == 200
    assert {o["slug"] for o in done.json()["lead_organisations"]} == kept

    # Another of the other government's: refused, naming the field.
    stranger = next(
        o.slug
        for o in Organisation.objects.filter(side=other).order_by("slug")
        if o.slug not in kept
    )
    refused = client.patch(
        url("commitments", "MAR-03"),
        {"lead_organisations": [stranger]},
        format="json",
        **etag("MAR-03"),
    )
    assert_error(refused, 400, fields=["lead_organisations"])
    assert {o.slug for o in commitment("MAR-03").lead_organisations.all()} == kept

    # The other's sent back as they are, with one's own: taken.
    mine = Organisation.objects.filter(side=side).order_by("slug").first().slug
    done = client.patch(
        url("commitments", "MAR-03"),
        {"lead_organisations": [*kept, mine]},
        format="json",
        **etag("MAR-03"),
    )
    assert done.status_code == 200
    assert {o["slug"] for o in done.json()["lead_organisations"]} == {*kept, mine}
    assert mine.startswith(own)


def test_a_user_of_neither_side_sets_no_sides_owners():
    operator = superuser(username="operator", side="")
    with pytest.raises(PermissionDenied):
        propose(operator, responsible_india=person(Side.INDIA))
    with pytest.raises(PermissionDenied):
        propose(operator, lead_organisations=[])


def test_the_page_shows_each_sides_responsible_user(client):
    Commitment.objects.filter(code="MAR-01").update(
        responsible_india=person(Side.INDIA, "asha"), responsible_japan=person(Side.JAPAN, "ken")
    )
    page = page_of(client, viewer())
    assert 'id="responsible-india">India: asha' in page
    assert 'id="responsible-japan">Japan: ken' in page

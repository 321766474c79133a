"""Demo data for trying the tracker: clearly marked, idempotent, written through the services."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from access import signin
from access.choices import Marking, Role, Side
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Organisation, Pillar, User
from dialogues import services as dialogue_services
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import DialogueMechanism

DEMO_MARK = "[Demo]"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    role: str | None
    side: str
    organisation: str
    pillars: tuple[str, ...] = ()
    superuser: bool = False
    language: str = ""  # the saved language; blank: the browser's


ALL_PILLARS = ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")
DEMO_USERS = (
    # The operator: runs the system for both governments and acts for neither (no side).
    DemoUser("admin", "Demo Operator", None, "", "", superuser=True),
    DemoUser(
        "analyst",
        "Demo Analyst (India)",
        Role.ANALYST,
        Side.INDIA,
        "in-mod",
        ("defence", "maritime"),
    ),
    DemoUser(
        "analyst_jp",
        "Demo Analyst (Japan)",
        Role.ANALYST,
        Side.JAPAN,
        "jp-mod",
        # Every pillar: Japan answers for its own assessment wherever India reports.
        ALL_PILLARS,
        language="ja",
    ),
    # India's analyst of the other pillars, who gives India's assessment there.
    DemoUser(
        "analyst2",
        "Demo Analyst (India, other pillars)",
        Role.ANALYST,
        Side.INDIA,
        "in-mea",
        ("industry", "technology", "multilateral", "dialogue"),
    ),
    DemoUser("manager", "Demo Manager (India)", Role.MANAGER, Side.INDIA, "in-nscs", ALL_PILLARS),
    DemoUser(
        "manager_jp",
        "Demo Manager (Japan)",
        Role.MANAGER,
        Side.JAPAN,
        "jp-nss",
        ALL_PILLARS,
        language="ja",
    ),
    # Each government's administrator of its own people (the admin's user pages).
    DemoUser(
        "admin_in", "Demo Side Administrator (India)", Role.ADMINISTRATOR, Side.INDIA, "in-mea"
    ),
    DemoUser(
        "admin_jp",
        "Demo Side Administrator (Japan)",
        Role.ADMINISTRATOR,
        Side.JAPAN,
        "jp-mofa",
        language="ja",
    ),
    DemoUser("viewer", "Demo Viewer (India)", Role.VIEWER, Side.INDIA, "in-mea"),
    DemoUser("viewer_jp", "Demo Viewer (Japan)", Role.VIEWER, Side.JAPAN, "jp-mofa", language="ja"),
    # A viewer of neither government: sees what is marked public only, as a publication portal
    # or an answer to a parliamentary question would.
    DemoUser("public_reader", "Demo Public Reader", Role.VIEWER, "", ""),
)

# (days from today the milestone is due, weight, done?) for each demo commitment, so that
# some milestones are overdue, some due within 14 days, some done and some further out.
MILESTONE_PLANS = (
    ((-40, 2, True), (-8, 1, False), (7, 2, False), (75, 3, False)),
    ((-25, 1, True), (0, 1, False), (120, 2, False)),
    ((-1, 2, False), (14, 1, False), (45, 1, False)),
    ((-60, 1, True), (-30, 1, True), (1, 2, False)),
)
# Where the two governments' views part in the demo (maritime, where both demo analysts
# update the status): (code, [(updating user, status, note)]). Each leaves the sides apart, so
# that the list, the dashboard and the reminders have disagreements and a pending confirmation
# to show.
SIDE_STORIES = (
    (
        "MAR-02",
        [
            ("analyst", Status.AT_RISK, "Coast guard port call postponed; no new date yet."),
            ("analyst_jp", Status.ON_TRACK, "A new date is being set; we see no risk to the aim."),
        ],
    ),
    (
        "MAR-03",
        [("analyst_jp", Status.AT_RISK, "Liaison posting to IFC-IOR delayed on our side.")],
    ),
    (
        "MAR-05",
        [("analyst", Status.COMPLETED, "Counter-piracy coordination arrangement in place.")],
    ),
)
STATUS_STORIES = (
    (Status.ON_TRACK, "Work plan agreed at the working-level meeting; first steps under way."),
    (Status.AT_RISK, "Scheduling slipped on one side; dates being renegotiated."),
    (Status.ON_TRACK, "Revised schedule agreed; back on track."),
)


class NotADemoUser(Exception):
    """A real user already has a demo user's name; the demo leaves real accounts alone."""


def _demo_user(spec: DemoUser, password: str) -> User:
    user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
    if user.pk and user.last_name != DEMO_MARK:
        raise NotADemoUser(
            f"A user named {spec.username!r} exists and is not a demo user; the demo data "
            "is meant for a fresh database and leaves real accounts alone."
        )
    user.first_name = spec.first_name
    user.last_name = DEMO_MARK
    user.email = f"{spec.username}@example.org"
    user.side = spec.side
    user.language = spec.language
    user.organisation = (
        Organisation.objects.get(slug=spec.organisation) if spec.organisation else None
    )
    user.is_staff = True
    user.is_superuser = spec.superuser
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name=spec.role) if spec.role else [])
    user.pillars.set(Pillar.objects.filter(slug__in=spec.pillars))
    return user


@transaction.atomic
def demo_totp_enrol(user: User, secret: str) -> bool:
    """Give `user` an authenticator app with `secret` (base32) if the second-factor policy
    requires one of them (replacing a demo one they had); say whether it did."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not signin.second_factor_required(user):
        return False
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    return True


def demo_seed(
    *, password: str, today: datetime.date | None = None, totp_secret: str | None = None
) -> dict[str, int]:
    """Create demo users, milestones, status history, meetings and action items, once. With
    `totp_secret`, the demo users whose role requires a second factor get an authenticator app
    with that secret, so that scripts and demos can sign in."""
    today = today or timezone.localdate()
    services.roles_sync()
    users = {spec.username: _demo_user(spec, password) for spec in DEMO_USERS}
    if totp_secret:
        enrolled = [user for user in users.values() if demo_totp_enrol(user, totp_secret)]
    counts = {"users": len(users), "milestones": 0, "status updates": 0, "meetings": 0}
    if totp_secret:
        counts["second factors"] = len(enrolled)
    for pillar in Pillar.objects.all():
        analyst = (
            users["analyst"] if pillar.slug in ("defence", "maritime") else users["analyst_jp"]
        )
        # India's analyst of the pillar: adds its milestones, and gives India's assessment
        # where Japan's analyst reports.
        india = _india_analyst(users, pillar.slug)
        for plan, commitment in zip(
            MILESTONE_PLANS,
            Commitment.objects.filter(pillar=pillar).order_by("code")[:4],
            strict=False,
        ):
            if commitment.milestones.filter(title__startswith=DEMO_MARK).exists():
                continue
            # The dates are shared terms, which the two sides agree (a proposal and its
            # confirmation); the demo seeds them as agreed, as the declaration's loader seeds
            # its data, and the pillar's analyst sets their own side's owner, themselves.
            Commitment.objects.filter(pk=commitment.pk).update(
                start_date=commitment.declaration.date,
                target_date=today + datetime.timedelta(days=365),
                inferred_fields=[
                    f for f in commitment.inferred_fields if f not in ("start_date", "target_date")
                ],
            )
            commitment.refresh_from_db()
            commitment = services.commitment_update(
                commitment=commitment,
                actor=analyst,
                expected_version=commitment.version,
                **{f"responsible_{analyst.side}": analyst},
            )
            for number, (days, weight, done) in enumerate(plan, start=1):
                due = today + datetime.timedelta(days=days)
                services.milestone_create(
                    commitment=commitment,
                    actor=india,
                    title=f"{DEMO_MARK} {commitment.code} step {number}",
                    due_date=due,
                    owner=analyst,
                    weight=weight,
                    completed_on=due if done else None,
                )
                counts["milestones"] += 1
            commitment.refresh_from_db()
            # The pillar's analyst gives a status; the other government's analyst of the pillar
            # confirms it, so the sides agree: each side answers for its own assessment.
            counterpart = users["analyst_jp"] if analyst.side == Side.INDIA else india
            other_side = Side.JAPAN if analyst.side == Side.INDIA else Side.INDIA
            # How far its story goes follows its code, so every database tells the same one.
            told = 1 + int(commitment.code.rsplit("-", 1)[1]) % len(STATUS_STORIES)
            for status, note in STATUS_STORIES[:told]:
                services.status_update_create(
                    commitment=commitment,
                    author=analyst,
                    status=status,
                    note=f"{DEMO_MARK} {note}",
                    evidence_url="https://example.org/demo-evidence",
                    expected_version=None,
                )
                counts["status updates"] += 1
                commitment.refresh_from_db()
                if commitment.india_status == commitment.japan_status:
                    continue  # both sides already give it (the benchmark's data, say)
                services.assessment_confirm(
                    commitment=commitment,
                    author=counterpart,
                    side=other_side,
                    note=f"{DEMO_MARK} Agreed at the working-level review.",
                    expected_version=None,
                )
                counts["status updates"] += 1
    counts["status updates"] += _demo_differences(users)
    counts["status updates"] += _demo_markings(users, today)
    counts["meetings"] = _demo_meetings(users, today)
    return counts


def _india_analyst(users: dict[str, User], pillar: str) -> User:
    """India's demo analyst of a pillar (by its slug)."""
    return users["analyst"] if pillar in ("defence", "maritime") else users["analyst2"]


def _demo_differences(users: dict[str, User]) -> int:
    """The demo's disagreements and pending confirmation, each written once."""
    written = 0
    for code, updates in SIDE_STORIES:
        commitment = Commitment.objects.get(code=code)
        if commitment.status_updates.filter(note=f"{DEMO_MARK} {updates[0][2]}").exists():
            continue
        for username, status, note in updates:
            services.status_update_create(
                commitment=commitment,
                author=users[username],
                status=status,
                note=f"{DEMO_MARK} {note}",
                expected_version=None,
            )
            written += 1
    return written


def _demo_markings(users: dict[str, User], today: datetime.date) -> int:
    """A note for India only, a milestone for Japan only, a public status update and each
    side's context (Japan's for Japan only), once: what each reader sees of them shows the
    markings at work."""
    note = f"{DEMO_MARK} Internal: the berthing budget still awaits the finance ministry."
    mar01 = Commitment.objects.get(code="MAR-01")
    if mar01.status_updates.filter(note=note).exists():
        return 0
    services.status_update_create(
        commitment=mar01,
        author=users["analyst"],
        status=mar01.india_status,
        note=note,
        expected_version=None,
        marking=Marking.INDIA_ONLY,
    )
    # Each government's own context: India's for both sides, Japan's for Japan only.
    services.context_write(
        commitment=mar01,
        actor=users["analyst"],
        side=Side.INDIA,
        text=f"{DEMO_MARK} The Navy reads this as covering the Malabar and JIMEX cycles.",
        marking=Marking.BILATERAL,
    )
    services.context_write(
        commitment=mar01,
        actor=users["analyst_jp"],
        side=Side.JAPAN,
        text=f"{DEMO_MARK} 海上自衛隊の参加艦艇は、来年度予算の成立後に確定する見込みです。",
        marking=Marking.JAPAN_ONLY,
    )
    mar04 = Commitment.objects.get(code="MAR-04")
    services.status_update_create(
        commitment=mar04,
        author=users["analyst_jp"],
        status=mar04.japan_status,
        note=f"{DEMO_MARK} IPMDA data shared with the Indian Navy since October.",
        expected_version=None,
        marking=Marking.PUBLIC,
    )
    services.milestone_create(
        commitment=mar04,
        actor=users["analyst_jp"],
        title=f"{DEMO_MARK} Internal review of the data-sharing arrangement",
        due_date=today + datetime.timedelta(days=20),
        owner=users["analyst_jp"],
        marking=Marking.JAPAN_ONLY,
    )
    return 2


def _demo_meetings(users: dict[str, User], today: datetime.date) -> int:
    created = 0
    for offset, mechanism in enumerate(DialogueMechanism.objects.filter(established=True)[:4]):
        if mechanism.meetings.filter(outcome_summary__startswith=DEMO_MARK).exists():
            continue
        mechanism.leads.add(users["manager"])
        # India's analyst of the mechanism's pillar records its meetings (India's records).
        india = _india_analyst(users, mechanism.pillar.slug)
        held = dialogue_services.meeting_create(
            mechanism=mechanism,
            actor=india,
            date=today - datetime.timedelta(days=90 + 200 * offset),
            place="New Delhi" if offset % 2 else "Tokyo",
            state=MeetingState.HELD,
            outcome_summary=f"{DEMO_MARK} Reviewed progress; agreed next steps.",
        )
        commitment = mechanism.pillar.commitments.order_by("code").first()
        for number, days in enumerate((-10, 6, 40), start=1):
            dialogue_services.action_item_create(
                meeting=held,
                actor=india,
                title=f"{DEMO_MARK} Follow-up {number} from {mechanism.name}",
                owner=users["analyst_jp"],
                due_date=today + datetime.timedelta(days=days),
                state=ActionItemState.DONE if number == 1 and offset % 2 else ActionItemState.OPEN,
                commitment=commitment,
            )
        dialogue_services.meeting_create(
            mechanism=mechanism,
            actor=india,
            date=today + datetime.timedelta(days=30 + 20 * offset),
            place="Tokyo" if offset % 2 else "New Delhi",
            state=MeetingState.PLANNED,
            outcome_summary=f"{DEMO_MARK} Next round.",
        )
        created += 2
    return created

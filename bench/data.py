"""A synthetic data set N times the declaration, for the benchmarks and load tests.

`python -m bench.generate_data --scale N` (or `generate(scale=N)`) writes it.

Everything it writes is marked so that it never passes for real data: usernames start with
``SYN-``, titles, notes and meeting outcomes with ``[Synthetic]``, dialogue mechanism slugs
with ``syn-``, and commitment codes have three digits (``MAR-100`` …) where the declaration's
own have two. The code validator (``^[A-Z]{3}-\\d{2,3}$``, and a code starts with its pillar's
prefix) leaves 1,000 three-digit codes per pillar, so at most 6,000 synthetic commitments:
exactly 60·N up to scale 100, capped at 6,000 above it (said so in the output).

At scale N: 60·N commitments spread evenly over the six pillars, 600·N milestones (weights 1-5,
due within a year either side of today, about 30% done, owned by the pillar's analysts),
3,000·N status updates (valid from → to chains, versions 2, 3, … per commitment), 50·N users
(half India, half Japan, with e-mail addresses, roles and pillars), 7·N dialogue mechanisms
and 20·N meetings with action items. ``--users`` and ``--milestones`` set those two counts
directly (the reminder benchmark uses them).

The rows are written with bulk_create in batches, in one transaction, not through the
services (which would take hours at scale 100), but as the services leave them: each
commitment's version is its last status update's, its progress the completed share of its
milestones' weight, rounded as ``commitment_progress_from_milestones`` rounds it.

It refuses to run on a database that already holds synthetic data: the status trail is
append-only (a trigger refuses UPDATE and DELETE), so synthetic rows cannot be taken out
again. To start over, drop and re-create the database, migrate and load the declaration.
"""

import datetime
import itertools
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from access.choices import Role, Side
from commitments.choices import DEFAULT_TIME_ZONES, LeadSide, Priority, Status, TrailKind
from commitments.models import (
    Commitment,
    Declaration,
    Milestone,
    Organisation,
    Pillar,
    StatusUpdate,
    User,
)
from commitments.services import roles_sync
from declaration_tracker.core.events import emit, figures_changed
from dialogues.choices import ActionItemState, Cadence, MeetingState
from dialogues.models import ActionItem, DialogueMechanism, Meeting

SYNTHETIC_MARK = "[Synthetic]"
USERNAME_PREFIX = "SYN-"
MECHANISM_SLUG_PREFIX = "syn-"
EMAIL_DOMAIN = "synthetic.example.org"

PER_SCALE = {
    "users": 50,
    "commitments": 60,
    "milestones": 600,
    "status updates": 3_000,
    "mechanisms": 7,
    "meetings": 20,
}
CODES_PER_PILLAR = 1_000  # three-digit numbers: 100-999 first, then 000-099
BATCH_SIZE = 5_000
# Roles by position, so that both sides get every role: 10% managers, 60% analysts, 30% viewers.
ROLE_CYCLE = (Role.MANAGER,) + (Role.ANALYST,) * 6 + (Role.VIEWER,) * 3
LATER_STATUSES = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
FINAL_STATUSES = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.DISCONTINUED)
FINAL_WEIGHTS = (60, 25, 12, 3)


def synthetic_data_present() -> dict[str, int]:
    """Count the synthetic rows already in the database (all zero when there are none)."""
    return {
        "users": User.objects.filter(username__startswith=USERNAME_PREFIX).count(),
        "commitments": Commitment.objects.filter(title__startswith=SYNTHETIC_MARK).count(),
        "mechanisms": DialogueMechanism.objects.filter(
            slug__startswith=MECHANISM_SLUG_PREFIX
        ).count(),
    }


def spread(total: int, parts: int) -> list[int]:
    """Split `total` into `parts` whole shares that differ by at most one."""
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def chunks(rows: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def insert(model: type[models.Model], rows: Iterable) -> list:
    """bulk_create `rows` in batches; return the saved objects, with their ids."""
    saved = []
    for chunk in chunks(rows):
        saved += model.objects.bulk_create(chunk)
    return saved


def insert_counted(model: type[models.Model], rows: Iterable) -> int:
    """bulk_create `rows` in batches, keeping none in memory; return how many were written."""
    written = 0
    for chunk in chunks(rows):
        model.objects.bulk_create(chunk)
        written += len(chunk)
    return written


class Generator:
    def __init__(self, *, counts: dict[str, int], seed: int, today: datetime.date):
        self.counts = counts
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
        self.today = today
        self.midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        self.written: dict[str, int] = defaultdict(int)
        self.notes: list[str] = []

    def days(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def run(self) -> dict[str, int]:
        self.declaration = Declaration.objects.order_by("-date").first()
        self.pillars = list(Pillar.objects.order_by("position", "slug"))
        self.start_date = min(self.declaration.date, self.days(-400))
        self.users()
        self.commitments()
        self.mechanisms()
        return dict(self.written)

    # Users --------------------------------------------------------------------------------

    def users(self) -> None:
        rng = self.rng
        organisations = {
            side: list(Organisation.objects.filter(side=side).order_by("slug"))
            for side in Side.values
        }
        groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
        plans = []
        for number in range(1, self.counts["users"] + 1):
            side = Side.INDIA if number % 2 else Side.JAPAN
            role = ROLE_CYCLE[(number - 1) // 2 % len(ROLE_CYCLE)]
            if role == Role.ANALYST:
                # The first pillar in turn, so every pillar has analysts even at scale 1.
                first = self.pillars[(number // 2) % len(self.pillars)]
                pillars = {first, *rng.sample(self.pillars, rng.choice((0, 0, 1)))}
            elif role == Role.MANAGER:
                first = self.pillars[(number // 20) % len(self.pillars)]
                pillars = {first, *rng.sample(self.pillars, rng.randint(0, 2))}
            else:
                pillars = set()
            username = f"{USERNAME_PREFIX}user-{number:05d}"
            user = User(
                username=username,
                password=make_password(None),
                first_name=f"Synthetic {role.lower()} {number:05d}",
                last_name=SYNTHETIC_MARK,
                email=f"{username.lower()}@{EMAIL_DOMAIN}",
                side=side,
                organisation=organisations[side][number % len(organisations[side])],
                time_zone=DEFAULT_TIME_ZONES[side],
            )
            plans.append((user, role, pillars))
        saved = insert(User, (user for user, _role, _pillars in plans))
        self.written["users"] = len(saved)
        self.analysts: dict[int, list[int]] = defaultdict(list)
        self.managers: dict[int, list[int]] = defaultdict(list)
        group_rows, pillar_rows = [], []
        for user, role, pillars in plans:
            group_rows.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
            for pillar in pillars:
                pillar_rows.append(User.pillars.through(user_id=user.pk, pillar_id=pillar.pk))
                (self.analysts if role == Role.ANALYST else self.managers)[pillar.pk].append(
                    user.pk
                )
        insert_counted(User.groups.through, group_rows)
        insert_counted(User.pillars.through, pillar_rows)
        self.written["pillar assignments"] = len(pillar_rows)
        everyone = [user.pk for user in saved]
        self.all_analysts = sorted({pk for pks in self.analysts.values() for pk in pks}) or everyone
        self.all_managers = sorted({pk for pks in self.managers.values() for pk in pks}) or everyone

    def analyst_of(self, pillar_id: int) -> int:
        return self.rng.choice(self.analysts.get(pillar_id) or self.all_analysts)

    # Commitments, milestones, status trail ------------------------------------------------

    def codes(self, pillar: Pillar, wanted: int) -> list[str]:
        taken = set(
            Commitment.objects.filter(code__startswith=f"{pillar.code_prefix}-").values_list(
                "code", flat=True
            )
        )
        numbers = itertools.chain(range(100, 1000), range(100))
        free = (f"{pillar.code_prefix}-{n:03d}" for n in numbers)
        return list(itertools.islice((code for code in free if code not in taken), wanted))

    def commitments(self) -> None:
        rng = self.rng
        wanted = self.counts["commitments"]
        real = defaultdict(list)
        for commitment in Commitment.objects.exclude(title__startswith=SYNTHETIC_MARK).order_by(
            "code"
        ):
            real[commitment.pillar_id].append(commitment)
        every_real = [c for commitments in real.values() for c in commitments]
        organisations = list(Organisation.objects.values_list("pk", flat=True))
        plans = []
        for pillar, share in zip(self.pillars, spread(wanted, len(self.pillars)), strict=True):
            codes = self.codes(pillar, share)
            if len(codes) < share:
                self.notes.append(
                    f"{pillar.code_prefix}: {len(codes)} commitments, not {share} "
                    f"(the code validator allows {CODES_PER_PILLAR} three-digit codes a pillar)"
                )
            templates = real.get(pillar.pk) or every_real
            for index, code in enumerate(codes):
                template = templates[index % len(templates)]
                plans.append((pillar, code, template))
        milestone_shares = spread(self.counts["milestones"], len(plans))
        update_shares = spread(self.counts["status updates"], len(plans))
        commitments, milestone_plans, chains, leads = [], [], [], []
        for (pillar, code, template), n_milestones, n_updates in zip(
            plans, milestone_shares, update_shares, strict=True
        ):
            milestones = [self.milestone_plan(pillar.pk) for _ in range(n_milestones)]
            total = sum(weight for _due, weight, _done, _owner in milestones)
            done = sum(weight for _due, weight, completed, _owner in milestones if completed)
            if total:
                progress = round(100 * done / total)
            else:
                progress = rng.randint(0, 100) if n_updates else 0
            if not n_updates:
                status, progress = Status.NOT_STARTED, 0
            elif progress == 100 and rng.random() < 0.8:
                status = Status.COMPLETED
            else:
                status = rng.choices(FINAL_STATUSES, FINAL_WEIGHTS)[0]
            responsible = self.analyst_of(pillar.pk)
            commitments.append(
                Commitment(
                    code=code,
                    declaration=self.declaration,
                    pillar=pillar,
                    title=f"{SYNTHETIC_MARK} {pillar.name}: load-test commitment {code}",
                    description=f"{SYNTHETIC_MARK} Generated for load tests; not in the "
                    "declaration.",
                    source_clause=template.source_clause,
                    paragraph=template.paragraph,
                    lead_side=rng.choice(LeadSide.values),
                    # Synthetic: the pillar's analyst, in India's slot whatever their side.
                    responsible_india_id=responsible,
                    status=status,
                    # Synthetic trails speak for both sides at once (see `trail`).
                    india_status=status,
                    japan_status=status,
                    priority=rng.choice(Priority.values),
                    start_date=self.start_date,
                    target_date=self.days(rng.randint(365, 900)),
                    progress=progress,
                    version=1 + n_updates,
                )
            )
            milestone_plans.append(milestones)
            chains.append((n_updates, status, progress, responsible))
            leads.append(rng.sample(organisations, rng.randint(1, 2)))
        commitments = insert(Commitment, commitments)
        self.written["commitments"] = len(commitments)
        self.synthetic_commitments: dict[int, list[int]] = defaultdict(list)
        for commitment in commitments:
            self.synthetic_commitments[commitment.pillar_id].append(commitment.pk)
        insert_counted(
            Commitment.lead_organisations.through,
            (
                Commitment.lead_organisations.through(
                    commitment_id=commitment.pk, organisation_id=organisation
                )
                for commitment, chosen in zip(commitments, leads, strict=True)
                for organisation in chosen
            ),
        )
        self.written["milestones"] = insert_counted(
            Milestone,
            (
                Milestone(
                    commitment_id=commitment.pk,
                    title=f"{SYNTHETIC_MARK} {commitment.code} step {number}",
                    due_date=due,
                    owner_id=owner,
                    weight=weight,
                    completed_on=completed,
                    # Each government adds about half of a commitment's milestones.
                    side=("india", "japan")[number % 2],
                )
                for commitment, milestones in zip(commitments, milestone_plans, strict=True)
                for number, (due, weight, completed, owner) in enumerate(milestones, start=1)
            ),
        )
        self.written["status updates"] = insert_counted(
            StatusUpdate,
            (
                update
                for commitment, chain in zip(commitments, chains, strict=True)
                for update in self.trail(commitment, *chain)
            ),
        )

    def milestone_plan(self, pillar_id: int) -> tuple:
        """(due date, weight, completed on or None, owner id or None) of one milestone."""
        rng = self.rng
        offset = rng.randint(-365, 365)
        due = self.days(offset)
        # Past milestones are done more often than future ones: about 30% in all.
        done = rng.random() < (0.45 if offset < 0 else 0.15)
        completed = None
        if done:
            completed = max(self.start_date, min(due, self.today) - self.delta(rng.randint(0, 30)))
        owner = self.analyst_of(pillar_id) if rng.random() < 0.95 else None
        return due, rng.randint(1, 5), completed, owner

    @staticmethod
    def delta(days: int) -> datetime.timedelta:
        return datetime.timedelta(days=days)

    def trail(
        self, commitment: Commitment, n_updates: int, status: str, progress: int, author: int
    ) -> Iterator[StatusUpdate]:
        """The commitment's status trail: a valid from → to chain ending at its current state."""
        if not n_updates:
            return
        rng = self.rng
        # Most commitments were updated lately; a fifth have gone quiet for three months or more.
        quiet = rng.randint(90, 300) if rng.random() < 0.2 else rng.randint(0, 60)
        last = self.midnight - datetime.timedelta(days=quiet, seconds=rng.randint(1, 86_399))
        first = datetime.datetime.combine(
            self.start_date, datetime.time(9), tzinfo=datetime.UTC
        ) + self.delta(1)
        step = (last - first) / n_updates
        progresses = [*sorted(rng.randint(0, progress) for _ in range(n_updates - 1)), progress]
        statuses = [*(rng.choice(LATER_STATUSES) for _ in range(n_updates - 1)), status]
        from_status, from_progress = Status.NOT_STARTED, 0
        for index in range(n_updates):
            when = last if index == n_updates - 1 else first + step * (index + rng.random() / 2)
            to_status, to_progress = statuses[index], progresses[index]
            yield StatusUpdate(
                commitment_id=commitment.pk,
                author_id=author,
                created_at=when,
                # One status for both sides, as the trail was before per-side assessments: the
                # load does not need two governments' exchanges, and stays consistent.
                kind=TrailKind.SHARED,
                assessment=to_status,
                from_status=from_status,
                to_status=to_status,
                from_progress=from_progress,
                to_progress=to_progress,
                note=f"{SYNTHETIC_MARK} Update {index + 1} of {commitment.code}: "
                f"{to_status.replace('_', ' ')}, {to_progress}% done.",
                evidence_url=(
                    f"https://{EMAIL_DOMAIN}/evidence/{commitment.code}/{index + 1}"
                    if rng.random() < 0.3
                    else ""
                ),
                version=index + 2,
            )
            from_status, from_progress = to_status, to_progress

    # Dialogue mechanisms, meetings, action items --------------------------------------------

    def mechanisms(self) -> None:
        rng = self.rng
        templates = list(
            DialogueMechanism.objects.exclude(slug__startswith=MECHANISM_SLUG_PREFIX).order_by(
                "slug"
            )
        )
        organisations = list(Organisation.objects.values_list("pk", flat=True))
        wanted = self.counts["mechanisms"] if templates else 0
        mechanisms, leads = [], []
        for number in range(1, wanted + 1):
            template = templates[number % len(templates)]
            pillar = self.pillars[number % len(self.pillars)]
            mechanisms.append(
                DialogueMechanism(
                    slug=f"{MECHANISM_SLUG_PREFIX}mechanism-{number:05d}",
                    declaration=self.declaration,
                    name=f"{SYNTHETIC_MARK} {template.name} #{number:05d}",
                    description=f"{SYNTHETIC_MARK} Generated for load tests.",
                    cadence=rng.choices(Cadence.values, (2, 5, 2, 2, 1))[0],
                    pillar=pillar,
                    established=rng.random() < 0.9,
                    source_clause=template.source_clause,
                    paragraph=template.paragraph,
                )
            )
            pool = self.managers.get(pillar.pk) or self.all_managers
            leads.append(rng.sample(pool, min(len(pool), rng.randint(1, 2))))
        mechanisms = insert(DialogueMechanism, mechanisms)
        self.written["mechanisms"] = len(mechanisms)
        insert_counted(
            DialogueMechanism.leads.through,
            (
                DialogueMechanism.leads.through(dialoguemechanism_id=mechanism.pk, user_id=user)
                for mechanism, chosen in zip(mechanisms, leads, strict=True)
                for user in chosen
            ),
        )
        insert_counted(
            DialogueMechanism.lead_organisations.through,
            (
                DialogueMechanism.lead_organisations.through(
                    dialoguemechanism_id=mechanism.pk, organisation_id=organisation
                )
                for mechanism in mechanisms
                for organisation in rng.sample(organisations, rng.randint(1, 2))
            ),
        )
        meetings = []
        for mechanism, count in zip(
            mechanisms, spread(self.counts["meetings"], len(mechanisms)), strict=True
        ):
            planned = count and rng.random() < 0.4
            for index in range(count):
                if planned and index == count - 1:
                    date, state = self.days(rng.randint(1, 180)), MeetingState.PLANNED
                else:
                    date = self.days(-rng.randint(1, 600))
                    state = rng.choices(
                        (MeetingState.HELD, MeetingState.POSTPONED, MeetingState.CANCELLED),
                        (85, 10, 5),
                    )[0]
                place = rng.choice(("New Delhi", "Tokyo"))
                meetings.append(
                    Meeting(
                        mechanism=mechanism,
                        date=date,
                        place=place,
                        # The host government records the meeting.
                        side="india" if place == "New Delhi" else "japan",
                        state=state,
                        outcome_summary=f"{SYNTHETIC_MARK} "
                        + ("Agenda being prepared." if state == "planned" else "Reviewed."),
                    )
                )
        meetings = insert(Meeting, meetings)
        self.written["meetings"] = len(meetings)
        self.written["action items"] = insert_counted(
            ActionItem,
            (
                item
                for meeting in meetings
                if meeting.state == MeetingState.HELD
                for item in self.action_items(meeting)
            ),
        )

    def action_items(self, meeting: Meeting) -> Iterator[ActionItem]:
        rng = self.rng
        pillar_id = meeting.mechanism.pillar_id
        commitments = self.synthetic_commitments.get(pillar_id, [])
        for number in range(1, rng.randint(2, 5) + 1):
            due = meeting.date + self.delta(rng.randint(14, 365))
            late = due < self.today
            state = rng.choices(
                (ActionItemState.OPEN, ActionItemState.DONE, ActionItemState.DROPPED),
                (35, 55, 10) if late else (88, 10, 2),
            )[0]
            completed = None
            if state == ActionItemState.DONE:
                completed = max(meeting.date, min(due, self.today) - self.delta(rng.randint(0, 20)))
            yield ActionItem(
                meeting=meeting,
                title=f"{SYNTHETIC_MARK} Follow-up {number} of meeting {meeting.pk}",
                owner_id=self.analyst_of(pillar_id) if rng.random() < 0.95 else None,
                due_date=due,
                state=state,
                completed_on=completed,
                commitment_id=rng.choice(commitments)
                if commitments and rng.random() < 0.7
                else None,
                side=meeting.side,
            )


class Command(BaseCommand):
    help = (
        "Add a synthetic data set N times the declaration's size (users SYN-…, titles "
        "[Synthetic], codes with three digits) for load tests. Refuses if synthetic data is "
        "already there: drop the database to start over."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, required=True, help="N: 60·N commitments, 600·N milestones, …"
        )
        parser.add_argument("--seed", type=int, default=2025, help="Random seed (default 2025).")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="The day the dates are spread around (YYYY-MM-DD; default: today).",
        )
        parser.add_argument("--users", type=int, help="Number of users (default 50·N).")
        parser.add_argument("--milestones", type=int, help="Number of milestones (default 600·N).")

    def handle(self, *args, scale, seed=2025, today=None, users=None, milestones=None, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        counts = {kind: per * scale for kind, per in PER_SCALE.items()}
        for kind, value in (("users", users), ("milestones", milestones)):
            if value is not None:
                if value < 1:
                    raise CommandError(f"--{kind} must be 1 or more.")
                counts[kind] = value
        wanted_commitments = counts["commitments"]
        counts["commitments"] = min(wanted_commitments, 6 * CODES_PER_PILLAR)
        started = time.perf_counter()
        with transaction.atomic():
            # Lock the declaration row, so that two runs at once cannot both find nothing.
            declaration = Declaration.objects.select_for_update().order_by("-date").first()
            if declaration is None or not Pillar.objects.exists():
                raise CommandError("Load the declaration first: python manage.py load_declaration")
            present = synthetic_data_present()
            if any(present.values()):
                found = ", ".join(f"{n:,} {kind}" for kind, n in present.items() if n)
                raise CommandError(
                    f"This database already holds synthetic data ({found}); nothing was added. "
                    "The status trail cannot be deleted from, so to start over drop the "
                    "database, re-create it, migrate, load the declaration and run this again."
                )
            roles_sync()
            generator = Generator(counts=counts, seed=seed, today=today or timezone.localdate())
            written = generator.run()
            emit(figures_changed())  # written in bulk, not by the services: said once
        with connection.cursor() as cursor:
            # Planner statistics now, not whenever autovacuum gets to the new rows: without them
            # PostgreSQL takes the big tables for empty and joins before it limits.
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        if wanted_commitments > counts["commitments"]:
            generator.notes.insert(
                0,
                f"{counts['commitments']:,} commitments instead of {wanted_commitments:,}: the "
                f"code validator allows {CODES_PER_PILLAR:,} three-digit codes in each of the "
                "six pillars",
            )
        for note in generator.notes:
            self.stdout.write(self.style.WARNING(f"Note: {note}."))
        summary = ", ".join(f"{n:,} {kind}" for kind, n in written.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic data at scale {scale} (seed {seed}, dates around "
                f"{generator.today.isoformat()}): {summary}; in {elapsed:.1f} s."
            )
        )


def generate(**options) -> None:
    """Write the synthetic data set: `scale`, and optionally `seed`, `today`, `users`,
    `milestones`, `stdout` (as the command line's options)."""
    call_command(Command(), **options)

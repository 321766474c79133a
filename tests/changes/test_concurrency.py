"""The feed loses nothing however transactions interleave (issue 24).

Transactions are held open in threads of their own (`tests.changes.writers`) and commit in
another order than they began, with clients reading the feed between them: the deterministic
test shows the case `updated_since` loses, the property test draws random interleavings of
both governments' writers (creates, updates, deletes, re-markings, contexts, status updates)
and polls, then checks that each reader's replayed copy is exactly what the API shows that
reader now — for an Indian, a Japanese and the public reader — and that the other
government's national items never reached a reader's feed at all.
"""

import contextlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from access.choices import Marking
from commitments import services
from commitments.models import Commitment, Milestone, User
from tests.api_base import api_client, url
from tests.changes.sync import Replica, fresh
from tests.changes.writers import Writer
from tests.factories import analyst, days, manager

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db(transaction=True)]

# Each government writes on a commitment of its own, so the writers never wait on one
# another's row locks (the step-by-step driver would wait for ever).
CODES = {"india": "MAR-01", "japan": "MAR-02"}


def user(username, make):
    return User.objects.filter(username=username).first() or make()


def people():
    found = {}
    for side in ("india", "japan"):
        found[side] = user(
            f"race-{side}", lambda s=side: analyst("maritime", username=f"race-{s}", side=s)
        )
        found[f"{side}_manager"] = user(
            f"race-{side}-mgr", lambda s=side: manager(username=f"race-{s}-mgr", side=s)
        )
    found["public"] = user("race-public", lambda: manager(username="race-public", side=""))
    return found


def milestone_create(actor, side, title, marking=Marking.BILATERAL):
    return services.milestone_create(
        commitment=Commitment.objects.get(code=CODES[side]),
        actor=actor,
        title=title,
        due_date=days(90),
        marking=marking,
    )


def rename(actor, pk, title):
    found = Milestone.objects.get(pk=pk)
    return services.milestone_update(
        milestone=found, actor=actor, expected_version=found.version, title=title
    )


def test_a_transaction_that_commits_after_a_later_one_is_not_missed():
    users = people()
    shared = milestone_create(users["india"], "india", "Port call plan")
    client = api_client(users["japan_manager"])
    replica = Replica(client).run()
    slow, quick = Writer("slow"), Writer("quick")
    try:
        # The slow transaction begins first and renames the milestone...
        slow.begin()
        slow.do(lambda: rename(users["india"], shared.pk, "Port call plan, renamed slowly"))
        stamped = Milestone.objects.get(pk=shared.pk).updated_at  # as committed: not yet
        # ...a later one writes and commits while it is still open...
        quick.begin()
        later = quick.do(lambda: milestone_create(users["japan"], "japan", "Quick step"))
        quick.commit()
        polled_at = timezone.now()
        replica.run()
        assert replica.copy[("milestone", later.pk)]["title"] == "Quick step"
        assert replica.copy[("milestone", shared.pk)]["title"] == "Port call plan"
        # ...and the slow one commits last, its rows stamped before the client's run.
        slow.commit()
    finally:
        slow.close()
        quick.close()
    renamed = Milestone.objects.get(pk=shared.pk)
    assert stamped == shared.updated_at and renamed.updated_at < polled_at
    # `updated_since` the client's last run would never return it: the loss the feed avoids.
    since = client.get(url("milestones"), {"updated_since": polled_at.isoformat()}).json()
    assert shared.pk not in [row["id"] for row in since["results"]]
    replica.run()
    assert replica.copy[("milestone", shared.pk)]["title"] == "Port call plan, renamed slowly"
    assert replica.copy == fresh(client)


def test_a_rolled_back_write_leaves_no_change():
    users = people()
    client = api_client(users["india_manager"])
    replica = Replica(client).run()
    writer = Writer("doomed")
    try:
        writer.begin()
        writer.do(lambda: milestone_create(users["india"], "india", "Never happened"))
        writer.rollback()
    finally:
        writer.close()
    before = len(replica.seqs)
    replica.run()
    assert len(replica.seqs) == before


# --- the property ---------------------------------------------------------------------------

SIDES = ("india", "japan")
MARKINGS = {side: [Marking.PUBLIC, Marking.BILATERAL, f"{side}_only"] for side in SIDES}
OPERATIONS = ("create", "rename", "complete", "delete", "remark", "context", "report")
STEP = st.one_of(
    st.tuples(
        st.just("write"), st.sampled_from(SIDES), st.sampled_from(OPERATIONS), st.integers(0, 99)
    ),
    st.tuples(st.just("commit"), st.sampled_from(SIDES), st.just(""), st.just(0)),
    st.tuples(
        st.just("poll"), st.sampled_from(("india", "japan", "public")), st.just(""), st.just(0)
    ),
)


class World:
    """Both governments' writers and the three readers' replicas of one example."""

    def __init__(self, users):
        self.users = users
        self.writers = {side: Writer(f"writer-{side}") for side in SIDES}
        self.open = dict.fromkeys(SIDES, False)
        self.readers = {
            "india": users["india_manager"],
            "japan": users["japan_manager"],
            "public": users["public"],
        }
        self.replicas = {
            name: Replica(api_client(reader)).run() for name, reader in self.readers.items()
        }
        # Milestones each side made national and never shared: the other side must never
        # hear of them.
        self.national: dict[str, set[int]] = {side: set() for side in SIDES}
        self.mine: dict[str, list[int]] = {side: [] for side in SIDES}
        self.n = 0

    def write(self, side, operation, choice):
        """One write in `side`'s open transaction; a write the rules refuse (a loosening by
        an analyst) changes nothing, which the end state checks too."""
        with contextlib.suppress(PermissionDenied, ValidationError):
            self._write(side, operation, choice)

    def _write(self, side, operation, choice):
        writer, actor = self.writers[side], self.users[side]
        if not self.open[side]:
            writer.begin()
            self.open[side] = True
        self.n += 1
        markings = MARKINGS[side]
        marking = markings[choice % len(markings)]
        mine = self.mine[side]
        target = mine[choice % len(mine)] if mine else None
        if operation == "create" or (
            target is None and operation in ("rename", "complete", "delete", "remark")
        ):
            made = writer.do(
                lambda: milestone_create(actor, side, f"{side} step {self.n}", marking)
            )
            mine.append(made.pk)
            if made.marking == f"{side}_only":
                self.national[side].add(made.pk)
        elif operation == "rename":
            writer.do(lambda: rename(actor, target, f"{side} step {self.n}, renamed"))
        elif operation == "complete":
            # Done or reopened: the official progress moves, and its trail entry quotes the
            # milestone's title under the milestone's marking (a copy that follows it).

            def complete():
                found = Milestone.objects.get(pk=target)
                return services.milestone_update(
                    milestone=found,
                    actor=actor,
                    expected_version=found.version,
                    completed_on=None if found.completed_on else days(-1),
                )

            writer.do(complete)
        elif operation == "delete":

            def delete():
                found = Milestone.objects.get(pk=target)
                services.milestone_delete(
                    milestone=found, actor=actor, expected_version=found.version
                )

            writer.do(delete)
            mine.remove(target)
        elif operation == "remark":

            def remark():
                found = Milestone.objects.get(pk=target)
                return services.marking_change(
                    item=found,
                    actor=self.users[f"{side}_manager"],
                    marking=marking,
                    pillar_id=found.commitment.pillar_id,
                )

            writer.do(remark)
            if marking != f"{side}_only":
                self.national[side].discard(target)
        elif operation == "context":
            writer.do(
                lambda: services.context_write(
                    commitment=Commitment.objects.get(code=CODES[side]),
                    actor=actor,
                    side=side,
                    text=f"{side} context {self.n}",
                    marking=marking,
                )
            )
        else:
            writer.do(
                lambda: services.status_update_create(
                    commitment=Commitment.objects.get(code=CODES[side]),
                    author=actor,
                    status=("on_track", "at_risk", "off_track")[choice % 3],
                    note=f"{side} note {self.n}",
                    expected_version=None,
                    marking=marking,
                    side=side,
                )
            )

    def commit(self, side):
        if self.open[side]:
            self.writers[side].commit()
            self.open[side] = False

    def poll(self, reader):
        self.replicas[reader].run()

    def close(self):
        for side in SIDES:
            self.commit(side)
        for writer in self.writers.values():
            writer.close()


def entries_about(replica_seen: list, kind: str, ids: set) -> list:
    return [entry for entry in replica_seen if entry[0] == kind and entry[1] in ids]


@settings(
    max_examples=12,
    deadline=None,
    # Each example is real transactions in threads: no minutes-long shrinking in CI.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=4, max_size=16))
def test_any_interleaving_of_writers_and_polls_ends_with_exactly_what_each_reader_may_read(
    steps,
):
    world = World(people())
    seen: dict[str, list] = {name: [] for name in world.replicas}
    originals = {name: replica.apply for name, replica in world.replicas.items()}
    for name, replica in world.replicas.items():
        replica.apply = (  # remember every entry a reader was given
            lambda entry, name=name: (
                seen[name].append((entry["type"], entry["id"])),
                originals[name](entry),
            )
        )
    try:
        for action, who, operation, choice in steps:
            if action == "write":
                world.write(who, operation, choice)
            elif action == "commit":
                world.commit(who)
            else:
                world.poll(who)
    finally:
        world.close()
    for name, reader in world.readers.items():
        world.replicas[name].run()
        assert world.replicas[name].copy == fresh(api_client(reader)), name
    # The other government never heard of a side's national milestones: no upsert, no delete.
    for side, other in (("india", "japan"), ("japan", "india")):
        assert entries_about(seen[other], "milestone", world.national[side]) == []
        assert entries_about(seen["public"], "milestone", world.national[side]) == []
    connection.close()

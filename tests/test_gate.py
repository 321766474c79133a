"""The gate holds by construction: an endpoint written without naming its reader (a page, a
DRF view set with `queryset = Model.objects.all()`, a foreign key followed, a prefetch) still
shows each government only what it may read, in both directions; and a blanked copy of an
item can never be saved over the stored one."""

import pytest
from rest_framework.test import APIClient

from access.choices import Marking, Side
from access.markings import reading_as, system_reads
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Milestone
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism
from tests.factories import analyst, commitment, days, manager

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.urls("tests.naive_endpoints")]

NATIONAL = {Side.INDIA: Marking.INDIA_ONLY, Side.JAPAN: Marking.JAPAN_ONLY}
CODE = {Side.INDIA: "MAR-01", Side.JAPAN: "MAR-02"}


@pytest.fixture
def world():
    """Each side plants its own national text in every markable field."""
    people = {}
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    for side in (Side.INDIA, Side.JAPAN):
        author = analyst("maritime", "dialogue", username=f"gate-{side}", side=side)
        people[side] = author
        code, marking, word = CODE[side], NATIONAL[side], f"GATE-{side.upper()}"
        services.marking_change(
            item=commitment(code),
            actor=manager(username=f"gate-mgr-{side}", side=side),
            marking=marking,
            pillar_id=commitment(code).pillar_id,
        )
        Commitment.objects.filter(code=code).update(context=f"{word}-context")
        services.status_update_create(
            commitment=commitment(code),
            author=author,
            status=Status.AT_RISK,
            note=f"{word}-note",
            expected_version=None,
            marking=marking,
        )
        services.milestone_create(
            commitment=commitment(code),
            actor=author,
            title=f"{word}-milestone",
            due_date=days(-1),
            completed_on=days(-1),
            marking=marking,
        )
        meeting = dialogue_services.meeting_create(
            mechanism=mechanism,
            actor=author,
            date=days(-3),
            state=MeetingState.HELD,
            outcome_summary=f"{word}-outcome",
            marking=marking,
        )
        dialogue_services.action_item_create(
            meeting=meeting,
            actor=author,
            title=f"{word}-action",
            description=f"{word}-description",
            commitment=commitment(code),
            marking=marking,
        )
    return people


def fetch(user, path) -> str:
    client = APIClient()
    client.force_authenticate(user)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
@pytest.mark.parametrize(
    "path", ["/naive/", "/api/naive/naive-milestones/", "/api/naive/naive-trail/"]
)
def test_a_naive_endpoint_shows_each_side_its_own_and_never_the_others(world, side, path):
    other = Side.JAPAN if side == Side.INDIA else Side.INDIA
    seen = fetch(world[side], path)

    assert f"GATE-{other.upper()}" not in seen
    assert f"GATE-{side.upper()}" in seen  # the control: the endpoint does print what it reads


def test_a_naive_count_counts_what_the_reader_may_read(world):
    in_count = fetch(world[Side.INDIA], "/naive/").split("count=")[1].split("\n")[0]
    with system_reads("the test's own count"):
        everything = Milestone.objects.count()
        national = Milestone.objects.filter(marking=Marking.JAPAN_ONLY).count()
    assert int(in_count) == everything - national


def test_an_instance_read_with_its_text_withheld_cannot_be_saved(world):
    with reading_as(world[Side.JAPAN]):
        blanked = Commitment.objects.get(code=CODE[Side.INDIA])
    assert (blanked.context, blanked.withheld) == ("", True)
    with pytest.raises(TypeError):
        blanked.save()
    assert Commitment.objects.get(code=CODE[Side.INDIA]).context == "GATE-INDIA-context"


# --- the base views and serializers: the gate without the request's context ---------------


def _project_views():
    """Every view class the project's URL map serves: DRF's and Django's class-based views."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = set()

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "cls", None) or getattr(
                    entry.callback, "view_class", None
                )
                if view is not None:
                    found.add(view)

    walk(get_resolver("declaration_tracker.urls").url_patterns)
    return found


def test_every_view_with_a_queryset_derives_from_the_gated_bases():
    """A new view set or list/detail view built on anything else fails here (its reads would
    be gated only by the request's context)."""
    from access.views import GatedViewMixin

    views = _project_views()
    # django-allauth's security-key pages list the user's own authenticators: no markable
    # model, and only the signed-in user's rows (allauth.mfa.webauthn.views).
    with_queryset = {
        view
        for view in views
        if hasattr(view, "get_queryset") and not view.__module__.startswith("allauth.mfa.")
    }
    assert len(with_queryset) >= 8  # the commitments', dialogues', audit's and webhooks' sets
    assert [v.__qualname__ for v in with_queryset if not issubclass(v, GatedViewMixin)] == []


def test_every_serializer_of_a_markable_model_withholds_what_its_reader_may_not_read():
    import importlib

    from rest_framework import serializers

    from access.api import MarkedSerializerMixin
    from access.markings import Markable

    for module in ("commitments.api.serializers", "dialogues.api.serializers", "audit.api"):
        importlib.import_module(module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    markable = [
        s
        for s in subclasses(serializers.ModelSerializer)
        if s.__module__.split(".")[0] in ("commitments", "dialogues", "audit", "webhooks")
        and issubclass(getattr(getattr(s, "Meta", None), "model", object), Markable)
    ]
    assert len(markable) >= 5
    assert [s.__qualname__ for s in markable if not issubclass(s, MarkedSerializerMixin)] == []


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_view_set_overriding_get_queryset_carelessly_is_gated_by_its_base(world, side):
    """Outside any request's context (the system reads everything), a view set built on the
    gated base that returns `Milestone.objects.all()` from its own `get_queryset()` still
    gives each side only what it may read."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from access.api import GatedReadOnlyModelViewSet

    class Careless(GatedReadOnlyModelViewSet):
        def get_queryset(self):
            return Milestone.objects.all()

    other = Side.JAPAN if side == Side.INDIA else Side.INDIA
    view = Careless()
    view.request = Request(APIRequestFactory().get("/"))
    view.request.user = world[side]
    with system_reads("the test: no request's context"):
        titles = set(view.get_queryset().values_list("title", flat=True))
        assert Milestone.objects.filter(title=f"GATE-{other.upper()}-milestone").exists()
    assert f"GATE-{side.upper()}-milestone" in titles
    assert f"GATE-{other.upper()}-milestone" not in titles


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_a_serializer_withholds_an_instance_read_for_the_system(world, side):
    """A meeting read by a service (for the system) and represented for a reader: its outcome
    is withheld from the other side, and shown to its own."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from dialogues.api.serializers import MeetingSerializer
    from dialogues.models import Meeting

    other = Side.JAPAN if side == Side.INDIA else Side.INDIA
    request = Request(APIRequestFactory().get("/"))
    for reader, expected in ((world[side], True), (world[other], False)):
        request.user = reader
        with system_reads("the test: a service's read"):
            meeting = Meeting.objects.get(outcome_summary=f"GATE-{side.upper()}-outcome")
        data = MeetingSerializer(meeting, context={"request": request}).data
        assert (data["outcome_summary"] == f"GATE-{side.upper()}-outcome") is expected

import datetime

import factory
from django.contrib.auth.models import Group

from access.choices import Role, Side
from commitments.models import Commitment, Pillar, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    side = Side.INDIA
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def pillars(self, create, extracted, **kwargs):
        if extracted:
            self.pillars.set(Pillar.objects.filter(slug__in=extracted))


def analyst(*pillars: str, **kwargs) -> User:
    return UserFactory(role=Role.ANALYST, pillars=pillars, **kwargs)


def manager(**kwargs) -> User:
    return UserFactory(role=Role.MANAGER, **kwargs)


def viewer(**kwargs) -> User:
    return UserFactory(role=Role.VIEWER, **kwargs)


def superuser(**kwargs) -> User:
    """The operator: a superuser, of neither government (whatever `side` is given) and holding
    no role: it reads what a public reader reads and writes no content."""
    return UserFactory(is_superuser=True, is_staff=True, **kwargs)


ALL_PILLARS = ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")


def chief(side: str = Side.INDIA, **kwargs) -> User:
    """A side's analyst and manager of every pillar: writes, reports and re-marks anything of
    their side (what a superuser of a side did before the operator had none)."""
    kwargs.setdefault("is_staff", True)  # the admin is one of their ways in
    user = UserFactory(role=Role.ANALYST, pillars=ALL_PILLARS, side=side, **kwargs)
    user.groups.add(Group.objects.get(name=Role.MANAGER))
    return user


def commitment(code: str = "MAR-01") -> Commitment:
    return Commitment.objects.select_related("pillar").get(code=code)


def days(n: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=n)


NSA = "nsa-consultations"


def nsa():
    """The NSA consultations, an annual mechanism of the dialogue pillar."""
    from dialogues.models import DialogueMechanism

    return DialogueMechanism.objects.get(slug=NSA)


def led_by(side: str, *codes: str) -> None:
    """Make commitments led by one side (all are joint in the declaration's data), so that the
    lead side's assessment is official at once; tests of anything but the two-side rule use it."""
    Commitment.objects.filter(code__in=codes).update(lead_side=side)


def india_led(*codes: str) -> None:
    led_by(Side.INDIA, *codes)


def agreed(code: str, status: str, note: str = "Reviewed.", **kw):
    """Both sides give `status` (India, then Japan), so it is the official status; the second
    status update, which made it official, is returned."""
    from commitments import services

    for side in (Side.INDIA, Side.JAPAN):
        # A chief of each side: each side answers for its own assessment (issue 23).
        update = services.status_update_create(
            commitment=commitment(code),
            author=chief(username=f"both-sides-{side}", side=side),
            side=side,
            status=status,
            note=note,
            expected_version=None,
            **kw,
        )
    return update


def updated(code: str, actor: User | None = None, **changes) -> Commitment:
    """`commitment_update` of `changes` by `actor` (an Indian chief by default), and its
    shared terms agreed: proposed by the actor's side and confirmed by the other's chief.
    For tests whose subject is not the rule of shared terms."""
    from commitments import services

    actor = actor or chief(username="terms-india", side=Side.INDIA)
    target = commitment(code)
    done = services.commitment_update(
        commitment=target, actor=actor, expected_version=target.version, **changes
    )
    if done.proposal is not None:
        other = Side.JAPAN if done.proposal.proposed_by_side == Side.INDIA else Side.INDIA
        services.terms_confirm(
            change=done.proposal, actor=chief(username=f"terms-{other}", side=other)
        )
    return commitment(code)

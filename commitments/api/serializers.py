"""What the API shows of commitments and takes in. Rules live in the services."""

from types import SimpleNamespace

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from access import visibility
from access.api import MarkedSerializerMixin
from access.choices import Marking, Side
from declaration_tracker.api.serializers import (
    ChoiceLabelField,
    OptionalChoiceField,
    RepresentedOnce,
    StrictModelSerializer,
    StrictSerializer,
    StrictSlugRelatedField,
)
from declaration_tracker.core.i18n import in_japanese, localized

from ..choices import CommitmentStrength, MilestoneState, SourceKind, SourceLanguage, Status
from ..models import (
    SHARED_TERMS,
    Commitment,
    CommitmentContext,
    Declaration,
    Milestone,
    OfficialClause,
    Organisation,
    Pillar,
    ProposalState,
    SharedTermChange,
    SourceDocument,
    StatusUpdate,
    User,
)
from ..selectors import (
    clauses_for_reader,
    context_list,
    declaration_sources,
    internal_progress,
)

LOCALIZED = (
    "In the language the request asks for (Accept-Language: `en` or `ja`); the Japanese is "
    "the tracker's unofficial translation, English where there is none."
)


class LocalizedField(serializers.CharField):
    """A text field in the request's language: its `_ja` translation for Japanese, if any."""

    def __init__(self, field: str, **kwargs):
        self.localized_field = field
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        kwargs.setdefault("help_text", LOCALIZED)
        super().__init__(**kwargs)

    def to_representation(self, obj) -> str:
        return localized(obj, self.localized_field)


class NamedInBothLanguages(serializers.Serializer):
    """A name in the request's language, and in each language apart."""

    name = LocalizedField("name")
    name_en = serializers.CharField(source="name", read_only=True, help_text="In English.")
    name_ja = serializers.CharField(
        read_only=True, help_text="The tracker's unofficial Japanese translation."
    )


class PillarSerializer(NamedInBothLanguages, serializers.ModelSerializer):
    commitment_count = serializers.IntegerField(read_only=True, help_text="Its commitments.")
    description = LocalizedField("description")

    class Meta:
        model = Pillar
        fields = [
            "slug",
            "code_prefix",
            "name",
            "name_en",
            "name_ja",
            "description",
            "commitment_count",
        ]


class PillarBriefSerializer(RepresentedOnce, serializers.ModelSerializer):
    name = LocalizedField("name")

    class Meta:
        model = Pillar
        fields = ["slug", "name"]


class OrganisationSerializer(RepresentedOnce, NamedInBothLanguages, serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "name_en", "name_ja", "acronym", "side", "kind", "inferred"]
        extra_kwargs = {
            "side": {"help_text": "`india`, `japan`, or `other` for a body of neither side."},
            "inferred": {"help_text": "The declaration does not name it: the tracker inferred it."},
        }


class SourceDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=SourceKind.choices,
        read_only=True,
        help_text="`official_text`, `official_translation`, or `unofficial_summary` (a "
        "published summary of the declaration, not its words: the text the tracker holds).",
    )
    kind_label = ChoiceLabelField(
        SourceKind, source="kind", help_text="The kind in words, in the request's language."
    )
    language = serializers.ChoiceField(
        choices=SourceLanguage.choices,
        read_only=True,
        help_text="The document's own language: `en` or `ja`.",
    )
    title = LocalizedField("title")
    title_en = serializers.CharField(source="title", read_only=True, help_text="As published.")
    title_ja = serializers.CharField(
        read_only=True,
        help_text="Its Japanese title, or the tracker's unofficial translation of it; may be "
        "empty.",
    )
    publisher = LocalizedField("publisher")
    published = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day it was published; null if not known."
    )
    published_note = LocalizedField(
        "published_note",
        help_text="When it was published, in words, where the day is not known (else empty). "
        + LOCALIZED,
    )
    url = serializers.CharField(
        read_only=True, help_text="Where it is published, if verified; empty otherwise."
    )

    class Meta:
        model = SourceDocument
        fields = [
            "kind",
            "kind_label",
            "language",
            "title",
            "title_en",
            "title_ja",
            "publisher",
            "published",
            "published_note",
            "url",
        ]
        read_only_fields = fields


class OfficialClauseSerializer(serializers.ModelSerializer):
    document = SourceDocumentSerializer(read_only=True, help_text="The official document.")
    paragraph = serializers.CharField(
        read_only=True, help_text="The paragraph as the document numbers it, e.g. `4(b)`."
    )
    text = serializers.CharField(read_only=True, help_text="The clause's words in that document.")

    class Meta:
        model = OfficialClause
        fields = ["document", "paragraph", "text"]
        read_only_fields = fields


class UserBriefSerializer(RepresentedOnce, serializers.ModelSerializer):
    name = serializers.CharField(source="*", read_only=True, help_text="Full name.")
    side = OptionalChoiceField(
        choices=Side.choices,
        read_only=True,
        help_text="The user's government (`india`, `japan`), or null for a user of neither.",
    )

    class Meta:
        model = User
        fields = ["username", "name", "side"]


class UsernameField(StrictSlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


class OptionalLinkField(serializers.CharField):
    """An evidence link that may be absent (null rather than an empty string): a web link, or
    the download path of an attachment of the commitment (relative to the tracker)."""

    def to_representation(self, value):
        return value or None


class SideAssessmentSerializer(serializers.Serializer):
    """One government's own assessment of a commitment: from its latest status update."""

    status = serializers.ChoiceField(choices=Status.choices, help_text="The side's status.")
    status_label = ChoiceLabelField(
        Status, source="status", help_text="The side's status in words."
    )
    note = serializers.CharField(
        help_text="The note of the side's latest status update; may be empty."
    )
    evidence_url = OptionalLinkField(
        allow_null=True,
        help_text="The evidence link of the side's latest status update (a web link, or an "
        "attachment's download path, `/attachments/<id>/download/`), or null.",
    )
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="When the side last updated its status; null if it never has."
    )
    updated_by = serializers.CharField(
        allow_null=True, help_text="Who wrote that status update (a username); null if nobody has."
    )
    marking = OptionalChoiceField(
        choices=Marking.choices,
        help_text="The status update's release marking; outside it, its note and evidence link "
        "are withheld (empty and null). Null if the side has no status update.",
    )

    def __init__(self, side: str, **kwargs):
        self.side = side
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, commitment: Commitment) -> dict:
        """The side's status and latest status update, its note and evidence withheld outside
        the status update's marking, as the fields above write them."""
        request = self.context.get("request")
        update = visibility.as_read_by(
            commitment.side_status_update(self.side), request.user if request else None
        )
        return super().to_representation(
            SimpleNamespace(
                status=commitment.side_status(self.side),
                note=update.note if update else "",
                evidence_url=update.evidence_url if update else None,
                updated_at=update.created_at if update else None,
                updated_by=update.author.username if update else None,
                marking=update.marking if update else None,
            )
        )


class SidesSerializer(serializers.Serializer):
    india = SideAssessmentSerializer(Side.INDIA, help_text="India's assessment.")
    japan = SideAssessmentSerializer(Side.JAPAN, help_text="Japan's assessment.")


class CommitmentURLField(serializers.HyperlinkedIdentityField):
    """A commitment's URL in the API: reversed once a request, then only the code changes."""

    placeholder = "ZZZ-000"  # a code the URL pattern accepts and no URL otherwise holds

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_url(self, obj, view_name, request, format):
        if getattr(self, "_reversed_for", None) != (request, format):
            stand_in = Commitment(pk=0, code=self.placeholder)
            self._pattern = super().get_url(stand_in, view_name, request, format)
            self._reversed_for = (request, format)
        return self._pattern.replace(self.placeholder, obj.code)


PROPOSAL_EXAMPLE = {
    "id": 12,
    "fields": {"target_date": "2027-03-31"},
    "before": {"target_date": "2026-08-29"},
    "proposed_by_side": "india",
    "proposed_by": {"username": "analyst", "name": "A. Analyst", "side": "india"},
    "proposed_at": "2026-11-20T09:12:00Z",
    "state": "pending",
    "decided_by": None,
    "decided_at": None,
    "note": "",
}


@extend_schema_serializer(
    examples=[OpenApiExample("A proposed target date", response_only=True, value=PROPOSAL_EXAMPLE)]
)
class SharedTermChangeSerializer(serializers.ModelSerializer):
    """One side's proposed change of a commitment's shared terms, and its answer."""

    fields = serializers.DictField(
        read_only=True,
        help_text=f"Each shared term proposed (some of `{'`, `'.join(SHARED_TERMS)}`) and its "
        "proposed value (dates as `YYYY-MM-DD`).",
    )
    before = serializers.DictField(
        read_only=True, help_text="Each of those terms as it stood when proposed."
    )
    proposed_by = UserBriefSerializer(read_only=True, help_text="Who proposed it.")
    proposed_by_side = serializers.ChoiceField(
        choices=Side.choices, read_only=True, help_text="The side that proposed it."
    )
    state = serializers.ChoiceField(
        choices=ProposalState.choices,
        read_only=True,
        help_text="`pending` (awaiting the other side), `confirmed` (applied), `declined`, "
        "`withdrawn`.",
    )
    decided_by = UserBriefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who answered it (confirmed, declined or withdrew it); null while pending.",
    )
    note = serializers.CharField(
        read_only=True, help_text="The answer's note (a decline says why); may be empty."
    )

    class Meta:
        model = SharedTermChange
        fields = [
            "id",
            "fields",
            "before",
            "proposed_by_side",
            "proposed_by",
            "proposed_at",
            "state",
            "decided_by",
            "decided_at",
            "note",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The proposal's id, for `changes/{id}/confirm/` and the rest."},
            "proposed_at": {"help_text": "When it was proposed."},
            "decided_at": {"help_text": "When it was answered; null while pending."},
        }


class TermsAnswerSerializer(StrictSerializer):
    note = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="Why; required to decline, optional to confirm or withdraw.",
    )


SIDE_EXAMPLE = {
    "status": "on_track",
    "status_label": "On track",
    "note": "Liaison officer in post since October.",
    "evidence_url": None,
    "updated_at": "2026-11-20T09:12:00Z",
    "updated_by": "analyst",
    "marking": "bilateral",
}


class CommitmentContextSerializer(MarkedSerializerMixin, serializers.ModelSerializer):
    """One government's own context of a commitment, as its reader may read it."""

    side = serializers.ChoiceField(
        choices=Side.choices,
        read_only=True,
        help_text="The government whose context it is (`india`, `japan`): only its users write "
        "and re-mark it.",
    )
    side_label = ChoiceLabelField(
        source="side", choices=Side, help_text="The side in the request's language."
    )
    text = serializers.CharField(
        read_only=True,
        help_text="Background that government's analysts add, in their own words: not the "
        "declaration's, nor the tracker's note (`context`).",
    )
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        read_only=True,
        help_text="Who may read it. A national-only context of the other government is never "
        "listed: the reader does not learn that it exists.",
    )
    updated_by = UserBriefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who wrote it last (a user of its side); null if that account is gone.",
    )

    class Meta:
        model = CommitmentContext
        fields = ["side", "side_label", "text", "marking", "version", "updated_by", "updated_at"]
        read_only_fields = fields


class CommitmentContextWriteSerializer(StrictSerializer):
    """A side's context: its text, and (optionally) another marking for it."""

    text = serializers.CharField(
        allow_blank=True,
        max_length=4000,
        trim_whitespace=True,
        help_text="The side's context, up to 4000 characters; empty clears it.",
    )
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        required=False,
        help_text="Who may read it; left out, it stays as it is (a new context: `bilateral`). "
        "Only the side's own users mark it, as for any item of theirs.",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A maritime commitment",
            response_only=True,
            value={
                "code": "MAR-03",
                "url": "https://tracker.example.org/api/v1/commitments/MAR-03/",
                "pillar": {"slug": "maritime", "name": "Maritime security"},
                "title": "Enhance maritime domain awareness through IFC-IOR",
                "description": "Share maritime information through the IFC-IOR.",
                "source_clause": "enhance maritime domain awareness through shared platforms "
                "such as the Information Fusion Centre–Indian Ocean Region (IFC-IOR)",
                "paragraph": 6,
                "lead_side": "joint",
                "lead_organisations": [
                    {
                        "slug": "in-navy",
                        "name": "Indian Navy",
                        "acronym": "IN",
                        "side": "india",
                        "kind": "armed_service",
                    }
                ],
                "responsible": {"username": "analyst", "name": "A. Analyst", "side": "india"},
                "responsible_india": {
                    "username": "analyst",
                    "name": "A. Analyst",
                    "side": "india",
                },
                "responsible_japan": None,
                "status": "on_track",
                "status_label": "On track",
                "sides": {
                    "india": SIDE_EXAMPLE,
                    "japan": SIDE_EXAMPLE
                    | {
                        "status": "at_risk",
                        "status_label": "At risk",
                        "note": "Data-sharing arrangement not yet signed.",
                        "updated_by": "analyst_jp",
                    },
                },
                "sides_agree": False,
                "awaiting_side": "india",
                "awaiting_since": "2026-11-21T02:40:00Z",
                "priority": "high",
                "start_date": "2025-08-29",
                "target_date": "2026-08-29",
                "progress": 40,
                "internal_progress": None,
                "pending_changes": [PROPOSAL_EXAMPLE],
                "version": 4,
                "last_status_update_at": "2026-11-20T09:12:00Z",
                "created_at": "2025-08-29T00:00:00Z",
                "updated_at": "2026-11-20T09:12:00Z",
            },
        )
    ]
)
class CommitmentSerializer(MarkedSerializerMixin, StrictModelSerializer):
    url = CommitmentURLField(view_name="api:commitment-detail", lookup_field="code")
    pillar = PillarBriefSerializer(read_only=True)
    lead_organisations = OrganisationSerializer(many=True, read_only=True)
    responsible = UserBriefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Deprecated, read-only, for one release: the lead side's responsible user (on "
        "a joint commitment India's, else Japan's). Read `responsible_india` and "
        "`responsible_japan`.",
    )
    responsible_india = UserBriefSerializer(
        read_only=True, allow_null=True, help_text="India's responsible user; India sets it."
    )
    responsible_japan = UserBriefSerializer(
        read_only=True, allow_null=True, help_text="Japan's responsible user; Japan sets it."
    )
    status_label = ChoiceLabelField(Status, source="status")
    commitment_strength_label = ChoiceLabelField(CommitmentStrength, source="commitment_strength")
    partners = OrganisationSerializer(many=True, read_only=True)
    inferred_fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The fields whose value is the tracker's inference, not the declaration's: "
        "some of `lead_side`, `lead_organisations`, `priority`, `start_date`, `target_date`.",
    )
    last_status_update_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the trail last had a status update."
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        read_only=True,
        help_text="The official status: agreed by both sides (a joint commitment), or the lead "
        "side's (completion and discontinuation need the other side's confirmation).",
    )
    sides = SidesSerializer(
        source="*",
        read_only=True,
        help_text="Each government's own assessment: status, note, evidence, who and when.",
    )
    sides_agree = serializers.BooleanField(
        read_only=True, help_text="Whether India's and Japan's assessments are the same status."
    )
    awaiting_side = OptionalChoiceField(
        choices=Side.choices,
        read_only=True,
        help_text="The side whose answer the official status waits for (`india`, `japan`), or "
        "null: a proposal to close awaiting confirmation, or a joint difference of view.",
    )
    awaiting_since = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Since when that side is awaited, or null."
    )
    title = LocalizedField("title")
    description = LocalizedField("description")
    title_en = serializers.CharField(source="title", read_only=True, help_text="In English.")
    title_ja = serializers.CharField(
        read_only=True, help_text="The tracker's unofficial Japanese translation; may be empty."
    )
    description_en = serializers.CharField(
        source="description", read_only=True, help_text="In English."
    )
    description_ja = serializers.CharField(
        read_only=True, help_text="The tracker's unofficial Japanese translation; may be empty."
    )
    context = serializers.CharField(
        read_only=True,
        help_text="The tracker's note, from its data file: background the tracker adds, apart "
        "from the declaration's words and neither government's; empty where its `marking` is "
        "outside the reader's. Each government's own context is in `contexts`.",
    )
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        read_only=True,
        help_text="The release marking of the tracker's note (`context`; the published summary "
        "of the declaration it quotes is public).",
    )
    contexts = serializers.SerializerMethodField(
        help_text="Each government's own context that the reader may read, India's first: "
        "written by that side's analysts alone (`PUT contexts/<side>/`), each under its own "
        "marking. Empty ones are left out."
    )
    progress = serializers.IntegerField(
        read_only=True,
        help_text="The official progress, 0–100, which both governments read: the completed "
        "share of the weight of the shared (public and bilateral) milestones, or set by hand "
        "with a status update where there are none. National-only milestones never count in it.",
    )
    internal_progress = serializers.SerializerMethodField(
        help_text="The reader's own government's internal progress, 0–100: the shared "
        "milestones and its own national-only (`india_only` / `japan_only`) milestones counted "
        "together. Only for a reader of that government, and only where it differs from "
        "`progress`; null otherwise (always null for the other government, and with `as_of`). "
        "Not part of the official record."
    )
    pending_changes = SharedTermChangeSerializer(
        many=True,
        read_only=True,
        help_text="Proposed changes of its shared terms awaiting the other side's answer, "
        "oldest first: the terms stay as they are until the other side confirms one.",
    )
    as_of = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="With the `as_of` parameter, the instant whose state this is (official "
        "status, sides, progress, awaited side, last status update as they stood then; the "
        "other fields are today's); null for the present.",
    )

    source = SourceDocumentSerializer(
        source="declaration.text_source",
        read_only=True,
        allow_null=True,
        help_text="The document `source_clause` is quoted from: today a published summary of "
        "the declaration (`kind` `unofficial_summary`), not the declaration's own words.",
    )
    official_clauses = serializers.SerializerMethodField(
        help_text="Its clause in each official text (or official translation) of the "
        "declaration an administrator has loaded, those in the request's language first; "
        "empty when none is loaded."
    )

    @extend_schema_field(OfficialClauseSerializer(many=True))
    def get_official_clauses(self, commitment: Commitment) -> list[dict]:
        clauses = clauses_for_reader(
            commitment.official_clauses.all(), "ja" if in_japanese() else "en"
        )
        return OfficialClauseSerializer(clauses, many=True, context=self.context).data

    @extend_schema_field({"type": "integer", "minimum": 0, "maximum": 100, "nullable": True})
    def get_internal_progress(self, commitment: Commitment) -> int | None:
        return internal_progress(commitment)

    @extend_schema_field(CommitmentContextSerializer(many=True))
    def get_contexts(self, commitment: Commitment) -> list[dict]:
        found = getattr(commitment, "side_contexts", None)
        if found is None:  # not prefetched (`selectors.with_contexts`): read for the reader
            request = self.context.get("request")
            reader = getattr(request, "user", None)
            found = context_list(reader).filter(commitment=commitment).exclude(text="")
        return CommitmentContextSerializer(found, many=True, context=self.context).data

    class Meta:
        model = Commitment
        fields = [
            "code",
            "url",
            "pillar",
            "title",
            "title_en",
            "title_ja",
            "description",
            "description_en",
            "description_ja",
            "context",
            "marking",
            "contexts",
            "source_clause",
            "clause_part",
            "paragraph",
            "source",
            "official_clauses",
            "commitment_strength",
            "commitment_strength_label",
            "lead_side",
            "lead_organisations",
            "partners",
            "inferred_fields",
            "responsible",
            "responsible_india",
            "responsible_japan",
            "status",
            "status_label",
            "sides",
            "sides_agree",
            "awaiting_side",
            "awaiting_since",
            "priority",
            "start_date",
            "target_date",
            "progress",
            "internal_progress",
            "pending_changes",
            "version",
            "last_status_update_at",
            "created_at",
            "updated_at",
            "as_of",
        ]
        read_only_fields = fields


class CommitmentWriteSerializer(MarkedSerializerMixin, StrictModelSerializer):
    """Details and owners. Status and progress change only through status updates."""

    refused_fields = {
        "status": "Status changes only by POSTing to this commitment's status-updates/, "
        "which keeps the trail.",
        "progress": "Progress comes from the shared milestones, or (without shared "
        "milestones) from a status update.",
        "responsible": "Each side sets its own responsible user: send `responsible_india` or "
        "`responsible_japan` (`responsible` is read-only, deprecated).",
        "context": "The tracker's note comes from its data file; each government writes its own "
        "context with PUT contexts/india/ or contexts/japan/.",
    }

    pillar = StrictSlugRelatedField(
        slug_field="slug", queryset=Pillar.objects.all(), help_text="Pillar slug (create only)."
    )
    lead_organisations = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        many=True,
        required=False,
        help_text="Organisation slugs, e.g. `in-navy`, `jp-jcg`. Each side sets its own: the "
        "other government's organisations stay as they are (send them as they are, or leave "
        "them out); another of the other government's is refused (400).",
    )
    responsible_india = UsernameField(
        required=False,
        allow_null=True,
        help_text="India's responsible user (a username of India's government); India's users "
        "only set it.",
    )
    responsible_japan = UsernameField(
        required=False,
        allow_null=True,
        help_text="Japan's responsible user (a username of Japan's government); Japan's users "
        "only set it.",
    )

    class Meta:
        model = Commitment
        fields = [
            "code",
            "pillar",
            "title",
            "description",
            "source_clause",
            "paragraph",
            "lead_side",
            "lead_organisations",
            "responsible_india",
            "responsible_japan",
            "priority",
            "start_date",
            "target_date",
        ]
        # Uniqueness and constraints are checked by the service, in its transaction.
        validators = []
        extra_kwargs = {"code": {"validators": []}}


class CommitmentUpdateSerializer(CommitmentWriteSerializer):
    class Meta(CommitmentWriteSerializer.Meta):
        fields = [
            "title",
            "description",
            "marking",
            "lead_side",
            "lead_organisations",
            "responsible_india",
            "responsible_japan",
            "priority",
            "start_date",
            "target_date",
        ]


class StatusUpdateSerializer(MarkedSerializerMixin, serializers.ModelSerializer):
    author = UserBriefSerializer(read_only=True)
    side = OptionalChoiceField(
        choices=Side.choices,
        read_only=True,
        help_text="The government the status update speaks for (`india`, `japan`); null for one "
        "by a user of neither side (progress from milestones, or before per-side assessments).",
    )
    assessment = OptionalChoiceField(
        choices=Status.choices,
        read_only=True,
        help_text="The status the side gave; null for `progress` status updates, which give none.",
    )
    evidence_url = OptionalLinkField(
        read_only=True,
        allow_null=True,
        help_text="Evidence link: a web link, or an attachment's download path "
        "(`/attachments/<id>/download/`).",
    )
    commitment = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "commitment",
            "created_at",
            "author",
            "side",
            "kind",
            "assessment",
            "reported_progress",
            "from_status",
            "to_status",
            "from_progress",
            "to_progress",
            "note",
            "evidence_url",
            "marking",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "note": {
                "help_text": "Why the status is what it is; empty where the status update's "
                "`marking` is outside the reader's."
            },
            "marking": {
                "help_text": "Who may read the note and evidence link; the statuses "
                "and progress it records are for both sides."
            },
            "kind": {
                "help_text": "`report` (a side gives its assessment), `confirm` (takes the other "
                "side's status), `decline` (the awaited side answers with a status of its own), "
                "`progress` (milestones moved progress), `shared` (before per-side assessments: "
                "one status for both sides)."
            },
            "reported_progress": {
                "help_text": "Progress the side gave with it (no milestones), or null."
            },
            "from_status": {"help_text": "The official status before this status update."},
            "to_status": {"help_text": "The official status after this status update."},
        }


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Flag a risk",
            request_only=True,
            value={
                "status": "at_risk",
                "note": "The exercise window slipped to March; dates being renegotiated.",
                "evidence_url": "https://example.org/minutes/2026-11-20",
            },
        )
    ]
)
class StatusUpdateCreateSerializer(StrictSerializer):
    status = serializers.ChoiceField(
        choices=Status.choices,
        help_text="The side's status. The official status follows when both sides agree (or, "
        "led by one side, from the lead side's assessment).",
    )
    side = serializers.ChoiceField(
        choices=Side.choices,
        required=False,
        help_text="The side the status update is for; defaults to the author's side. An analyst "
        "updates the status for their own side only (another side is a 403).",
    )
    note = serializers.CharField(
        max_length=5000, help_text="Why the status is what it is. Required."
    )
    evidence_url = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="The evidence: a web link (`https://…`), or an attachment of this commitment "
        "or of one of its milestones by its download path (`/attachments/<id>/download/`, or "
        "its `download_url`) which everyone who may read the note may read.",
    )
    progress = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        help_text="Only for a commitment without shared (public or bilateral) milestones, whose "
        "progress is set by hand; national-only milestones never make the official progress.",
    )
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        required=False,
        help_text="Who may read the note and evidence link: `public`, `bilateral` (default), "
        "or the author's own side only (`india_only`, `japan_only`).",
    )


class AssessmentConfirmSerializer(StrictSerializer):
    note = serializers.CharField(max_length=5000, help_text="Why the status is agreed. Required.")
    marking = serializers.ChoiceField(
        choices=Marking.choices, required=False, help_text="Who may read the note."
    )
    side = serializers.ChoiceField(
        choices=Side.choices,
        required=False,
        help_text="The side confirming; defaults to the author's side.",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Add a milestone",
            request_only=True,
            value={
                "commitment": "MAR-03",
                "title": "Liaison officer posted to IFC-IOR",
                "due_date": "2027-02-28",
                "owner": "analyst",
                "weight": 2,
            },
        ),
        OpenApiExample("Mark it done", request_only=True, value={"completed_on": "2027-02-20"}),
    ]
)
class MilestoneSerializer(MarkedSerializerMixin, StrictModelSerializer):
    commitment = StrictSlugRelatedField(
        slug_field="code", queryset=Commitment.objects.all(), help_text="Commitment code."
    )
    owner = UsernameField(required=False, allow_null=True, help_text="A username.")
    state = serializers.SerializerMethodField(help_text="Derived from the dates.")
    side = serializers.ChoiceField(
        choices=Side.choices,
        read_only=True,
        help_text="The government it belongs to (`india`, `japan`): the side of whoever added it. "
        "Only that side's users change it; the other side gets a 403.",
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "commitment",
            "title",
            "due_date",
            "owner",
            "weight",
            "completed_on",
            "marking",
            "side",
            "state",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "side", "state", "version", "created_at", "updated_at"]
        extra_kwargs = {
            "marking": {
                "help_text": "Who may read the milestone: `public`, `bilateral` (default) or "
                "the writer's own side only; readers outside it never see it."
            }
        }

    @extend_schema_field(serializers.ChoiceField(choices=MilestoneState.choices))
    def get_state(self, obj: Milestone) -> str:
        return obj.state


class MilestoneUpdateSerializer(MilestoneSerializer):
    commitment = serializers.SlugRelatedField(slug_field="code", read_only=True)


class DeclarationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="The declaration's title, in English.")
    date = serializers.DateField(read_only=True, help_text="The day it was adopted.")
    place = serializers.CharField(read_only=True, help_text="Where it was adopted.")
    occasion = serializers.CharField(read_only=True, help_text="The occasion, in English.")
    text_source = SourceDocumentSerializer(
        read_only=True,
        allow_null=True,
        help_text="The document the tracker's text (and every commitment's `source_clause`) is "
        "taken from: today a published summary of the declaration, not its own words.",
    )
    sources = serializers.SerializerMethodField(
        help_text="Every document the tracker draws on for the declaration: the one its text "
        "is taken from first, then the official texts and translations an administrator has "
        "loaded. The official texts are published by India's Ministry of External Affairs and "
        "Japan's Ministry of Foreign Affairs."
    )

    @extend_schema_field(SourceDocumentSerializer(many=True))
    def get_sources(self, declaration: Declaration) -> list[dict]:
        documents = getattr(declaration, "source_documents", None)
        if documents is None:
            documents = declaration_sources(declaration)
        return SourceDocumentSerializer(documents, many=True, context=self.context).data

    class Meta:
        model = Declaration
        fields = ["title", "date", "place", "occasion", "text_source", "sources"]
        read_only_fields = fields

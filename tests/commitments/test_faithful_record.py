"""The record says what the declaration says, and a reload never undoes what users wrote."""

import copy
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from commitments import services
from commitments.choices import CommitmentStrength, OrganisationSide
from commitments.loading import declaration_data_check
from commitments.models import Commitment, Organisation, User
from declaration.loading import declaration_load
from dialogues.choices import Cadence
from dialogues.models import DialogueMechanism
from dialogues.selectors import mechanism_list, mechanisms_overdue
from tests.api_base import api_client
from tests.factories import analyst, chief, commitment, manager, updated

pytestmark = pytest.mark.usefixtures("loaded")


def entry(data: dict, code: str) -> dict:
    return next(item for item in data["commitments"] if item["code"] == code)


def mechanism_entry(data: dict, slug: str) -> dict:
    return next(item for item in data["dialogue_mechanisms"] if item["slug"] == slug)


def retitle(code: str, title: str) -> Commitment:
    target = commitment(code)
    return services.commitment_update(
        commitment=target, actor=chief(), expected_version=target.version, title=title
    )


# --------------------------------------------------------------------- a reload keeps edits


def test_a_users_title_survives_a_reload_of_the_unchanged_file(declaration_data):
    retitle("MAR-02", "Our own wording of MAR-02")
    out = io.StringIO()
    call_command("load_declaration", stdout=out)
    assert commitment("MAR-02").title == "Our own wording of MAR-02"
    said = out.getvalue()
    assert "MAR-02 title: kept the edited value; the data file now says" in said
    assert entry(declaration_data, "MAR-02")["title"] in said


def test_a_users_title_survives_a_changed_file_and_an_unedited_field_follows_it(
    declaration_data,
):
    retitle("MAR-02", "Our own wording of MAR-02")
    data = copy.deepcopy(declaration_data)
    entry(data, "MAR-02")["title"] = "The file's new title"
    entry(data, "MAR-02")["description"] = "The file's new description."
    report = declaration_load(data=data)
    target = commitment("MAR-02")
    assert target.title == "Our own wording of MAR-02"
    assert target.description == "The file's new description."
    assert any("MAR-02 title: kept the edited value" in line for line in report.kept)
    # The next reload of the same file keeps the edit again, and still changes nothing else.
    version = target.version
    declaration_load(data=data)
    target.refresh_from_db()
    assert (target.title, target.version) == ("Our own wording of MAR-02", version)


def test_force_overwrites_an_edit_and_says_what_it_overwrote(declaration_data):
    retitle("MAR-02", "Our own wording of MAR-02")
    out = io.StringIO()
    call_command("load_declaration", "--force", stdout=out)
    assert commitment("MAR-02").title == entry(declaration_data, "MAR-02")["title"]
    assert "MAR-02 title: overwrote the edited value “Our own wording of MAR-02”" in (
        out.getvalue()
    )


def test_a_reload_of_an_unchanged_file_writes_nothing(declaration_data):
    versions = dict(Commitment.objects.values_list("code", "version"))
    report = declaration_load(data=declaration_data)
    assert (report.updated, report.kept, report.overwritten) == ({}, [], [])
    assert dict(Commitment.objects.values_list("code", "version")) == versions


def test_a_mechanism_edited_in_the_admin_keeps_its_cadence_and_an_unedited_one_follows(
    declaration_data,
):
    edited = DialogueMechanism.objects.get(slug="economic-security-dialogue")
    edited.cadence = Cadence.SEMIANNUAL
    edited.save()
    data = copy.deepcopy(declaration_data)
    mechanism_entry(data, "cross-services-meetings")["name"] = "A new name from the file"
    report = declaration_load(data=data)
    assert DialogueMechanism.objects.get(slug="economic-security-dialogue").cadence == (
        Cadence.SEMIANNUAL
    )
    assert any("economic-security-dialogue cadence: kept" in line for line in report.kept)
    assert DialogueMechanism.objects.get(slug="cross-services-meetings").name == (
        "A new name from the file"
    )


# --------------------------------------------------------------------- strength of language


def test_every_commitment_has_the_texts_strength_of_language():
    strengths = dict(Commitment.objects.values_list("code", "commitment_strength"))
    assert set(strengths.values()) <= set(CommitmentStrength.values)
    assert strengths["DEF-03"] == CommitmentStrength.EXPLORING
    assert strengths["IND-01"] == CommitmentStrength.ENCOURAGES
    assert strengths["MAR-05"] == CommitmentStrength.INTENDS
    for code in ("MUL-07", "MUL-08", "MUL-09", "MUL-10", "MUL-11"):
        assert strengths[code] == CommitmentStrength.KEY_PRIORITY, code
        assert commitment(code).priority == "high", code
        assert "priority" not in commitment(code).inferred_fields, code


def test_the_api_filters_by_strength_and_refuses_an_unknown_one():
    client = api_client(manager())
    body = client.get("/api/v1/commitments/", {"commitment_strength": "exploring"}).json()
    codes = {row["code"] for row in body["results"]}
    assert "DEF-03" in codes
    assert all(row["commitment_strength"] == "exploring" for row in body["results"])
    both = client.get(
        "/api/v1/commitments/?commitment_strength=exploring&commitment_strength=encourages"
    ).json()
    assert {"DEF-03", "IND-01"} <= {row["code"] for row in both["results"]}
    refused = client.get("/api/v1/commitments/", {"commitment_strength": "promised"})
    assert refused.status_code == 400
    assert "commitment_strength" in str(refused.json())


def test_the_list_page_filters_and_shows_strength(client):
    client.force_login(manager())
    page = client.get(reverse("commitment-list"), {"commitment_strength": "exploring"})
    assert page.status_code == 200
    shown = {c.code for c in page.context["page"]}
    assert "DEF-03" in shown and "MAR-01" not in shown
    assert "Exploring" in page.content.decode()


def test_the_dashboard_reports_status_by_strength():
    body = api_client(manager()).get("/api/v1/dashboard/").json()
    by_strength = {row["commitment_strength"]: row for row in body["strengths"]}
    assert by_strength["key_priority"]["commitments"] == 5
    assert sum(row["commitments"] for row in body["strengths"]) == Commitment.objects.count()
    assert by_strength["exploring"]["link"].endswith("commitment_strength=exploring")


def test_exports_carry_the_strength():
    client = api_client(manager())
    response = client.get("/api/v1/commitments/?format=csv")
    text = b"".join(response.streaming_content).decode()
    assert "commitment_strength" in text.splitlines()[0].split(",")


# --------------------------------------------------------------------- provenance


def test_inferred_fields_are_listed_in_the_api_and_marked_on_the_page(client):
    inferred = Commitment.objects.exclude(inferred_fields=[]).first()
    assert inferred is not None
    body = api_client(manager()).get(f"/api/v1/commitments/{inferred.code}/").json()
    assert body["inferred_fields"] == inferred.inferred_fields
    client.force_login(manager())
    page = client.get(reverse("commitment-detail", args=[inferred.code])).content.decode()
    assert "(inferred)" in page


def test_a_value_a_user_sets_is_no_longer_the_trackers_inference():
    target = Commitment.objects.filter(inferred_fields__contains=["priority"]).first()
    assert target is not None
    # A shared term: India proposes it, Japan confirms it (`updated`).
    assert "priority" not in updated(target.code, priority="low").inferred_fields


def test_context_is_apart_from_the_description_and_labelled(client):
    with_context = Commitment.objects.exclude(context="").first()
    assert with_context is not None, "the data file keeps some context apart"
    client.force_login(manager())
    page = client.get(reverse("commitment-detail", args=[with_context.code])).content.decode()
    assert "Context added by the tracker" in page
    assert with_context.context not in with_context.description


# --------------------------------------------------------------------- cadence as stated


def test_only_the_nsa_consultations_have_a_cadence_and_none_other_is_overdue():
    cadences = dict(DialogueMechanism.objects.values_list("slug", "cadence"))
    assert cadences.pop("nsa-consultations") == Cadence.ANNUAL
    assert set(cadences.values()) == {Cadence.UNSPECIFIED}
    far = datetime.date(2035, 1, 1)
    assert [m["slug"] for m in mechanisms_overdue(far)] == ["nsa-consultations"]
    for mechanism in mechanism_list(far):
        if mechanism.cadence == Cadence.UNSPECIFIED:
            assert mechanism.next_due(mechanism.last_held) is None
            assert not mechanism.is_overdue(mechanism.last_held, far)
    body = api_client(manager()).get("/api/v1/dialogues/economic-security-dialogue/").json()
    assert (body["cadence"], body["next_due"], body["overdue"]) == ("unspecified", None, False)
    assert body["inferred_fields"] == ["lead_organisations"]


def test_a_manager_sets_the_agreed_cadence_and_others_may_not(client):
    slug = "coast-guard-commandant-meetings"
    page_url = reverse("dialogue-detail", args=[slug])
    client.force_login(analyst("dialogue"))
    assert "Save the cadence" not in client.get(page_url).content.decode()
    cadence_url = reverse("mechanism-cadence", args=[slug])
    assert client.post(cadence_url, {"cadence": "annual"}).status_code == 403
    client.force_login(manager())
    page = client.get(page_url).content.decode()
    assert "states no cadence" in page and "Save the cadence" in page
    refused = client.post(reverse("mechanism-cadence", args=[slug]), {"cadence": "weekly"})
    assert refused.status_code == 200
    assert DialogueMechanism.objects.get(slug=slug).cadence == Cadence.UNSPECIFIED
    saved = client.post(reverse("mechanism-cadence", args=[slug]), {"cadence": "annual"})
    assert saved.status_code == 302
    assert DialogueMechanism.objects.get(slug=slug).cadence == Cadence.ANNUAL


# --------------------------------------------------------------------- bodies of neither side


def test_bodies_of_neither_side_are_organisations_that_commitments_name():
    others = set(
        Organisation.objects.filter(side=OrganisationSide.OTHER).values_list("slug", flat=True)
    )
    assert {"quad", "asean", "unsc", "nsg", "recaap", "ipmda"} <= others
    named = Commitment.objects.filter(partners__slug="quad")
    assert named.exists()
    body = api_client(manager()).get("/api/v1/commitments/", {"partner": "quad"}).json()
    assert {row["code"] for row in body["results"]} == set(named.values_list("code", flat=True))
    assert all(any(p["slug"] == "quad" for p in row["partners"]) for row in body["results"])


def test_a_user_cannot_belong_to_a_body_of_neither_side():
    quad = Organisation.objects.get(slug="quad")
    user = User(username="quad-member", organisation=quad)
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "organisation" in refused.value.message_dict
    user.save()  # saved without the form's check, it still takes no side of its own
    assert user.side == ""
    ministry = Organisation.objects.get(slug="in-mea")
    member = User(username="mea-member", organisation=ministry)
    member.set_password("a-long-test-password")
    member.full_clean()
    member.save()
    assert member.side == "india"


def test_an_organisation_the_text_does_not_name_is_marked_inferred():
    assert Organisation.objects.filter(inferred=True).exists()
    assert Organisation.objects.filter(inferred=False, side=OrganisationSide.OTHER).exists()


# --------------------------------------------------------------------- the clause's own words


def test_commitments_sharing_a_clause_each_record_and_show_their_own_words(client):
    shared = Commitment.objects.exclude(clause_part="")
    assert shared.count() >= 8
    for item in shared:
        assert item.clause_part in item.source_clause, item.code
    one = shared.first()
    client.force_login(manager())
    page = client.get(reverse("commitment-detail", args=[one.code])).content.decode()
    marked = f">{one.clause_part}</mark>"
    assert 'class="clause-part"' in page and marked in page
    reader = client.get(reverse("declaration")).content.decode()
    assert f'<mark class="clause">{one.clause_part}</mark>' in reader


def test_a_clause_part_outside_its_clause_is_refused(declaration_data):
    data = copy.deepcopy(declaration_data)
    entry(data, "DEF-07")["clause_part"] = "words not in the clause"
    with pytest.raises(ValidationError, match="clause_part is not words of its source clause"):
        declaration_data_check(data)


def test_a_clause_that_is_not_text_is_a_clear_error(declaration_data):
    data = copy.deepcopy(declaration_data)
    entry(data, "DEF-01")["source_clause"] = ["a", "list"]
    with pytest.raises(ValidationError, match="DEF-01: source_clause must be text"):
        declaration_data_check(data)


def test_an_unknown_strength_or_inferred_field_is_refused(declaration_data):
    data = copy.deepcopy(declaration_data)
    entry(data, "DEF-01")["commitment_strength"] = "promised"
    entry(data, "DEF-02")["inferred"] = ["title"]
    with pytest.raises(ValidationError) as refused:
        declaration_data_check(data)
    said = " ".join(refused.value.messages)
    assert "DEF-01: unknown or missing commitment_strength" in said
    assert "DEF-02: cannot mark title as inferred" in said

"""Loading the declaration: what it creates, that it can run again, and what it refuses."""

import copy
import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from commitments import services
from commitments.choices import LeadSide, Priority, Status
from commitments.loading import DATA_FILE
from commitments.models import (
    Commitment,
    Declaration,
    Milestone,
    Organisation,
    Pillar,
    StatusUpdate,
)
from declaration.loading import declaration_load
from dialogues.models import DialogueMechanism
from tests.factories import agreed, analyst, chief, commitment, days, updated

pytestmark = pytest.mark.usefixtures("loaded")

# The published declaration, one paragraph a line, as the repository keeps it beside the
# data file that quotes it.
PUBLISHED_TEXT = DATA_FILE.with_name("declaration.txt")
PILLARS = ["defence", "maritime", "industry", "technology", "multilateral", "dialogue"]


def row_counts() -> dict[str, int]:
    return {
        "declarations": Declaration.objects.count(),
        "pillars": Pillar.objects.count(),
        "organisations": Organisation.objects.count(),
        "commitments": Commitment.objects.count(),
        "commitment leads": Commitment.lead_organisations.through.objects.count(),
        "mechanisms": DialogueMechanism.objects.count(),
        "mechanism leads": DialogueMechanism.lead_organisations.through.objects.count(),
        "milestones": Milestone.objects.count(),
        "status updates": StatusUpdate.objects.count(),
    }


def versions() -> dict[str, int]:
    return dict(Commitment.objects.values_list("code", "version"))


def item(data: dict, code: str) -> dict:
    return next(c for c in data["commitments"] if c["code"] == code)


# --------------------------------------------------------------------------- what is loaded


def test_the_six_pillars_in_order():
    assert list(Pillar.objects.values_list("slug", flat=True)) == PILLARS


def test_commitments_have_unique_codes_prefixed_by_their_pillar(declaration_data):
    codes = [c["code"] for c in declaration_data["commitments"]]
    assert len(codes) == len(set(codes))
    assert Commitment.objects.count() == len(codes) >= 60

    for pillar in Pillar.objects.all():
        pillar_codes = list(pillar.commitments.values_list("code", flat=True))
        assert pillar_codes, f"{pillar.slug} has no commitments"
        pattern = re.compile(rf"^{pillar.code_prefix}-\d{{2}}$")
        assert [c for c in pillar_codes if not pattern.match(c)] == []


def test_every_source_clause_is_quoted_verbatim_from_its_paragraph():
    declaration = Declaration.objects.get()
    lines = declaration.text.splitlines()
    quoted = [*Commitment.objects.all(), *DialogueMechanism.objects.all()]

    misquoted = [
        str(row)
        for row in quoted
        if row.source_clause not in declaration.text
        or row.source_clause not in lines[row.paragraph - 1]
        or row.source_clause not in declaration.paragraphs[row.paragraph - 1]
    ]

    assert misquoted == []


def published_text() -> str:
    return PUBLISHED_TEXT.read_bytes().decode("utf-8")


def test_the_data_file_holds_the_published_declaration_as_published(declaration_data):
    assert declaration_data["declaration"]["text"] == published_text()


def test_every_clause_of_the_data_file_is_verbatim_in_its_published_paragraph(declaration_data):
    paragraphs = published_text().splitlines()
    quoting = [*declaration_data["commitments"], *declaration_data["dialogue_mechanisms"]]

    misquoted = [
        entry.get("code") or entry["slug"]
        for entry in quoting
        if not 1 <= entry["paragraph"] <= len(paragraphs)
        or entry["source_clause"] not in paragraphs[entry["paragraph"] - 1]
    ]

    assert len(quoting) >= 60
    assert misquoted == []


def test_the_stored_text_is_the_published_declaration():
    declaration = Declaration.objects.get()

    assert declaration.text == published_text().strip()
    assert str(declaration.date) == "2025-08-29"


def test_the_seven_joint_rnd_fields_are_seven_technology_commitments():
    fields = [
        "artificial intelligence",
        "robotics",
        "quantum",
        "semiconductors",
        "future networks",
        "biotechnology",
        "cybersecurity",
    ]
    rnd = Commitment.objects.filter(source_clause__contains="launching joint R&D")

    assert {c.pillar.slug for c in rnd} == {"technology"}
    titles = [c.title.lower() for c in rnd]
    assert len(titles) == 7
    # Each field has exactly one commitment and each commitment covers exactly one field.
    assert sorted(f for f in fields for t in titles if f in t) == sorted(fields)
    assert all(sum(f in t for f in fields) == 1 for t in titles)


def test_the_five_niche_areas_of_paragraph_5_are_five_defence_commitments():
    areas = ["counter-terrorism", "peacekeeping", "cyber defence", "cbr", "maintenance"]
    niche = Commitment.objects.filter(paragraph=5)

    assert {c.pillar.slug for c in niche} == {"defence"}
    titles = [c.title.lower() for c in niche]
    assert len(titles) == 5
    assert sorted(a for a in areas for t in titles if a in t) == sorted(areas)
    assert all(sum(a in t for a in areas) == 1 for t in titles)


def test_seven_dialogue_mechanisms_and_only_the_joint_staffs_one_is_not_established():
    mechanisms = DialogueMechanism.objects.all()

    assert mechanisms.count() == 7
    not_established = mechanisms.filter(established=False)
    assert [m.slug for m in not_established] == ["joint-staffs-dialogue"]
    assert "Joint Staffs" in not_established.get().name
    assert DialogueMechanism.objects.get(slug="nsa-consultations").cadence == "annual"


def test_lead_organisations_come_from_the_data_file():
    assert set(commitment("IND-08").lead_organisations.values_list("slug", flat=True)) == {
        "in-drdo",
        "jp-atla",
    }
    assert set(
        DialogueMechanism.objects.get(
            slug="coast-guard-commandant-meetings"
        ).lead_organisations.values_list("slug", flat=True)
    ) == {"in-icg", "jp-jcg"}


# --------------------------------------------------------------------------- running again


def test_loading_again_changes_nothing(declaration_data):
    counts, before = row_counts(), versions()

    report = declaration_load(data=declaration_data)
    declaration_load(data=declaration_data)
    out = io.StringIO()
    call_command("load_declaration", stdout=out)

    assert (report.created, report.updated) == ({}, {})
    assert "created nothing; updated nothing" in out.getvalue()
    assert row_counts() == counts
    assert versions() == before


def test_a_reload_updates_texts_but_keeps_what_users_set(declaration_data):
    admin = chief()
    owner = analyst("defence")
    agreed("DEF-01", Status.AT_RISK, "Exercise postponed.")
    navy = Organisation.objects.get(slug="in-navy")
    # India sets India's lead organisations; Japan's stay.
    japans = {o for o in commitment("DEF-01").lead_organisations.all() if o.side == "japan"}
    # The shared terms agreed by both sides (`updated`: India proposes, Japan confirms).
    target = updated(
        "DEF-01",
        actor=admin,
        responsible_india=owner,
        lead_organisations=[navy],
        priority=Priority.LOW,
        lead_side=LeadSide.INDIA,
        start_date=days(-10),
        target_date=days(200),
    )
    for title, done in (("Scenario agreed", days(-1)), ("Exercise held", None)):
        services.milestone_create(
            commitment=target, actor=admin, title=title, due_date=days(20), completed_on=done
        )
    target.refresh_from_db()
    assert (target.status, target.progress) == (Status.AT_RISK, 50)
    trail = list(target.status_updates.values_list("id", flat=True))
    milestones = list(target.milestones.values_list("id", "title", "completed_on"))
    counts, before = row_counts(), versions()

    data = copy.deepcopy(declaration_data)
    item(data, "DEF-01")["title"] = "Conduct ever more complex bilateral exercises"
    item(data, "DEF-01")["description"] = "A reworded description."
    report = declaration_load(data=data)

    target.refresh_from_db()
    assert report.updated == {"commitments": 1}
    assert target.title == "Conduct ever more complex bilateral exercises"
    assert target.description == "A reworded description."
    assert (target.status, target.progress) == (Status.AT_RISK, 50)
    assert target.responsible_india == owner
    assert set(target.lead_organisations.all()) == {navy, *japans}
    assert (target.priority, target.lead_side) == (Priority.LOW, LeadSide.INDIA)
    assert (target.start_date, target.target_date) == (days(-10), days(200))
    assert list(target.milestones.values_list("id", "title", "completed_on")) == milestones
    assert list(target.status_updates.values_list("id", flat=True)) == trail
    assert row_counts() == counts
    # Someone holding the old copy must reload before saving over the new wording.
    assert versions() == {**before, "DEF-01": before["DEF-01"] + 1}


def test_a_reload_keeps_the_mechanism_leads_users_set(declaration_data):
    mechanism = DialogueMechanism.objects.get(slug="nsa-consultations")
    lead = analyst("dialogue")
    mechanism.leads.add(lead)
    mechanism.lead_organisations.set([Organisation.objects.get(slug="in-mea")])

    declaration_load(data=declaration_data)

    assert list(mechanism.leads.all()) == [lead]
    assert list(mechanism.lead_organisations.values_list("slug", flat=True)) == ["in-mea"]


# --------------------------------------------------------------------------- refusing bad files


def clause_not_in_text(data):
    item(data, "DEF-02")["source_clause"] = "a clause the declaration never says"
    return ["DEF-02", "not found verbatim"]


def clause_in_another_paragraph(data):
    item(data, "DEF-01")["paragraph"] = 5
    return ["DEF-01", "paragraph 5"]


def paragraph_past_the_end(data):
    item(data, "MAR-01")["paragraph"] = 40
    return ["MAR-01", "paragraph 40"]


def unknown_pillar(data):
    item(data, "DEF-02")["pillar"] = "space"
    return ["DEF-02", "unknown pillar space"]


def wrong_prefix(data):
    item(data, "DEF-11")["code"] = "MAR-11"
    return ["MAR-11", "does not match pillar defence"]


def code_twice(data):
    data["commitments"].append(copy.deepcopy(item(data, "MUL-01")))
    return ["MUL-01", "appears twice"]


def unknown_organisation(data):
    item(data, "TEC-05")["lead_organisations"].append("xx-nowhere")
    return ["TEC-05", "unknown organisation xx-nowhere"]


def pillar_missing(data):
    data["pillars"] = [p for p in data["pillars"] if p["slug"] != "multilateral"]
    return ["pillars must be exactly"]


BAD_FILES = [
    clause_not_in_text,
    clause_in_another_paragraph,
    paragraph_past_the_end,
    unknown_pillar,
    wrong_prefix,
    code_twice,
    unknown_organisation,
    pillar_missing,
]


def bad_data(declaration_data, spoil):
    """Return a spoiled copy that also carries a valid change, and the words the refusal says."""
    data = copy.deepcopy(declaration_data)
    item(data, "MAR-01")["title"] = "A valid change that must not be written"
    return data, spoil(data)


@pytest.mark.parametrize("spoil", BAD_FILES, ids=lambda f: f.__name__)
def test_a_bad_data_file_is_refused_naming_the_problem_and_nothing_is_written(
    declaration_data, spoil
):
    data, words = bad_data(declaration_data, spoil)
    counts, before = row_counts(), versions()
    title = commitment("MAR-01").title

    with pytest.raises(ValidationError) as error:
        declaration_load(data=data)

    named = [m for m in error.value.messages if all(w in m for w in words)]
    assert named, error.value.messages
    assert row_counts() == counts
    assert versions() == before
    assert commitment("MAR-01").title == title
    assert not Commitment.objects.filter(code="MAR-11").exists()


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_command_loads_the_file_it_is_given(declaration_data, tmp_path):
    data = copy.deepcopy(declaration_data)
    item(data, "MUL-07")["title"] = "Strengthen cooperation within the Quad, renamed"
    path = write_yaml(tmp_path / "declaration.yaml", data)
    out = io.StringIO()

    call_command("load_declaration", "--file", str(path), stdout=out)

    assert "updated 1 commitments" in out.getvalue()
    assert commitment("MUL-07").title == "Strengthen cooperation within the Quad, renamed"


def test_the_command_refuses_a_bad_file_naming_the_code(declaration_data, tmp_path):
    data, _words = bad_data(declaration_data, clause_not_in_text)
    path = write_yaml(tmp_path / "bad.yaml", data)
    counts, before = row_counts(), versions()

    with pytest.raises(CommandError, match="DEF-02") as error:
        call_command("load_declaration", file=path)

    assert "not valid" in str(error.value)
    assert row_counts() == counts
    assert versions() == before


def test_the_command_refuses_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere.yaml"

    with pytest.raises(CommandError, match="No data file") as error:
        call_command("load_declaration", file=missing)

    assert str(missing) in str(error.value)


def source_clause_missing(data):
    del item(data, "DEF-04")["source_clause"]
    return "DEF-04"


def title_too_long(data):
    item(data, "DEF-04")["title"] = "Hold tri-service HADR exercises " * 10
    return "DEF-04"


def unknown_cadence(data):
    data["dialogue_mechanisms"][0]["cadence"] = "monthly"
    return data["dialogue_mechanisms"][0]["slug"]


@pytest.mark.parametrize(
    "spoil", [source_clause_missing, title_too_long, unknown_cadence], ids=lambda f: f.__name__
)
def test_any_bad_entry_is_refused_naming_the_entry(declaration_data, tmp_path, spoil):
    data = copy.deepcopy(declaration_data)
    key = spoil(data)
    path = write_yaml(tmp_path / "bad.yaml", data)
    counts, before = row_counts(), versions()

    with pytest.raises(CommandError, match=key):
        call_command("load_declaration", file=path)

    assert row_counts() == counts
    assert versions() == before


def test_a_file_that_is_not_yaml_is_refused_with_where_it_went_wrong(tmp_path):
    from django.core.management import CommandError, call_command

    broken = tmp_path / "broken.yaml"
    broken.write_text("declaration: [unclosed\n", encoding="utf-8")

    with pytest.raises(CommandError, match="is not valid YAML"):
        call_command("load_declaration", file=str(broken))


# --------------------------------------------------------------------------- reinforced by

# Paragraph 10 calls for reinforcing existing dialogue mechanisms, one dialogue commitment
# each; the joint staffs' framework (paragraph 4) is to be explored, not reinforced.
REINFORCED_BY = {
    "nsa-consultations": "DIA-01",
    "economic-security-dialogue": "DIA-02",
    "cross-services-meetings": "DIA-03",
    "coast-guard-commandant-meetings": "DIA-04",
    "defence-industry-forum": "DIA-05",
    "track-1-5-exchanges": "DIA-06",
    "joint-staffs-dialogue": None,
}


def mechanism_entry(data: dict, slug: str) -> dict:
    return next(m for m in data["dialogue_mechanisms"] if m["slug"] == slug)


def reinforcing() -> dict[str, str | None]:
    return dict(DialogueMechanism.objects.values_list("slug", "reinforced_by__code"))


def test_each_mechanism_of_paragraph_10_is_reinforced_by_its_dialogue_commitment():
    assert reinforcing() == REINFORCED_BY
    coast_guard = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    assert coast_guard.reinforced_by == commitment("DIA-04")
    assert coast_guard.source_clause == commitment("DIA-04").source_clause
    assert list(commitment("DIA-04").mechanisms_reinforced.all()) == [coast_guard]
    assert DialogueMechanism.objects.get(slug="joint-staffs-dialogue").reinforced_by is None


def test_the_data_file_names_the_commitment_that_quotes_the_same_clause(declaration_data):
    clauses = {c["code"]: c["source_clause"] for c in declaration_data["commitments"]}
    for entry in declaration_data["dialogue_mechanisms"]:
        assert entry.get("reinforced_by") == REINFORCED_BY[entry["slug"]]
        if entry.get("reinforced_by"):
            assert clauses[entry["reinforced_by"]] == entry["source_clause"]


def reinforced_by_unknown_code(data):
    mechanism_entry(data, "nsa-consultations")["reinforced_by"] = "DIA-99"
    return ["nsa-consultations", "DIA-99", "not a commitment"]


def reinforced_by_another_pillar(data):
    mechanism_entry(data, "track-1-5-exchanges")["reinforced_by"] = "MUL-01"
    return ["track-1-5-exchanges", "MUL-01", "pillar multilateral"]


@pytest.mark.parametrize(
    "spoil",
    [reinforced_by_unknown_code, reinforced_by_another_pillar],
    ids=lambda f: f.__name__,
)
def test_a_mechanism_reinforced_by_no_such_commitment_is_refused_naming_it(declaration_data, spoil):
    data, words = bad_data(declaration_data, spoil)
    counts, before, linked = row_counts(), versions(), reinforcing()

    with pytest.raises(ValidationError) as error:
        declaration_load(data=data)

    named = [m for m in error.value.messages if all(w in m for w in words)]
    assert named, error.value.messages
    assert (row_counts(), versions(), reinforcing()) == (counts, before, linked)


def test_a_users_choice_of_reinforcing_commitment_survives_a_reload(declaration_data):
    edited = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    edited.reinforced_by = commitment("DIA-03")
    edited.save()
    cleared = DialogueMechanism.objects.get(slug="nsa-consultations")
    cleared.reinforced_by = None
    cleared.save()

    report = declaration_load(data=declaration_data)

    assert reinforcing() == {
        **REINFORCED_BY,
        "coast-guard-commandant-meetings": "DIA-03",
        "nsa-consultations": None,
    }
    assert any(
        "coast-guard-commandant-meetings reinforced_by: kept the edited value" in line
        and "DIA-04" in line
        for line in report.kept
    ), report.kept
    assert any("nsa-consultations reinforced_by: kept" in line for line in report.kept)
    assert report.overwritten == []


def test_an_unedited_mechanism_follows_the_files_reinforcing_commitment_and_back_to_none(
    declaration_data,
):
    data = copy.deepcopy(declaration_data)
    mechanism_entry(data, "joint-staffs-dialogue")["reinforced_by"] = "DEF-03"
    mechanism_entry(data, "track-1-5-exchanges").pop("reinforced_by")

    report = declaration_load(data=data)

    assert (report.kept, report.overwritten) == ([], [])
    assert reinforcing() == {
        **REINFORCED_BY,
        "joint-staffs-dialogue": "DEF-03",
        "track-1-5-exchanges": None,
    }

    report = declaration_load(data=declaration_data)

    assert (report.kept, report.overwritten) == ([], [])
    assert reinforcing() == REINFORCED_BY

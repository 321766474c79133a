"""Descriptions for fields and parameters the code leaves undescribed, so the schema has none bare.

A drf-spectacular post-processing hook fills in a property's or parameter's description from
this glossary where its serializer, model or filter gave none; `tests/test_api_schema.py`
fails when a new name appears that neither describes.
"""

GLOSSARY = {
    "id": "The object's identifier.",
    "code": "The commitment's stable code, e.g. MAR-01.",
    "slug": "The stable, URL-safe name.",
    "url": "This object in the API.",
    "title": "A short name.",
    "name": "The name.",
    "description": "What the declaration says of it, in a few sentences.",
    "context": "Background the tracker adds, apart from the declaration's words; may be empty.",
    "clause_part": "Where commitments share a listing clause: this one's own words of it.",
    "acronym": "The usual abbreviation.",
    "side": "India or Japan (an organisation: `other` for a body of neither side).",
    "code_prefix": "The three letters its commitments' codes start with.",
    "paragraph": "The paragraph (1-based) of the summary the clause comes from.",
    "source_clause": "Quoted verbatim from the published summary of the declaration the "
    "tracker holds (its `source`), not from the declaration's official text.",
    "lead_organisations": "The organisations leading it, on either side.",
    "leads": "The users reminded when the mechanism's cadence lapses.",
    "status_label": "The status in words.",
    "commitment_strength_label": "The strength of language in words.",
    "strengths": "Status by the declaration's strength of language.",
    "partners": "Bodies of neither side (the Quad, ASEAN, frameworks) the declaration names.",
    "start_date": "When work starts (YYYY-MM-DD).",
    "target_date": "When it should be achieved (YYYY-MM-DD).",
    "due_date": "When it is due (YYYY-MM-DD).",
    "completed_on": "When it was done (YYYY-MM-DD); null while open.",
    "version": "The row's version: the number in its ETag. Every write moves it on.",
    "created_at": "When it was created.",
    "updated_at": "When it last changed.",
    "date": "The day (YYYY-MM-DD).",
    "place": "Where it is or was held.",
    "outcome_summary": "What was agreed.",
    "meeting": "The meeting (id) it came from.",
    "mechanism": "The dialogue mechanism, by slug.",
    "commitment": "The commitment, by code.",
    "from_progress": "Progress before this status update, 0–100.",
    "to_progress": "Progress after this status update, 0–100.",
    "note": "Why the status is what it is.",
    "next": "The next page, or null on the last.",
    "previous": "The previous page, or null on the first.",
    "results": "The rows of this page.",
    "count": "How many there are.",
    "link": "The browser page with the list or object behind this figure.",
    "label": "The figure's name in words.",
    "commitments": "How many commitments.",
    "days": "The window, in days.",
    "items": "The first few, most urgent first.",
    "as_of": "The day the figures are for.",
    "pillars": "Figures per pillar, in the declaration's order.",
    "lead_sides": "Figures for India-led, Japan-led and joint commitments.",
    "recent_activity": "The latest status updates of all commitments' trails.",
    "dialogues_overdue": "Established mechanisms whose cadence has lapsed.",
    "at": "When it happened.",
    "author": "Who wrote it.",
    "owner": "Who owns it (a username).",
    "last_held": "The last meeting held, or null.",
    "next_due": "When the cadence wants the next meeting, or null for ad hoc mechanisms.",
    "state": "Where it stands.",
    "status": "Where the commitment stands.",
    "from_status": "The status before this status update.",
    "to_status": "The status after this status update.",
    "lead_side": "Who leads: India, Japan or both jointly.",
    "responsible": "Deprecated (one release): the lead side's responsible user; on a joint "
    "commitment India's, else Japan's.",
    "responsible_india": "India's user answerable for the commitment; set by India only.",
    "responsible_japan": "Japan's user answerable for the commitment; set by Japan only.",
    "priority": "High, medium or low.",
    "cadence": "How often the mechanism should meet.",
    "kind": "What sort of organisation.",
    "overall": "Figures for all commitments.",
    "milestones_overdue": "Open milestones past their due date.",
    "milestones_due": "Open milestones due within the window.",
    "by_status": "How many commitments in each status, each with its list link.",
    "error": "What went wrong.",
    "not_started": "Commitments not started.",
    "on_track": "Commitments on track.",
    "at_risk": "Commitments at risk.",
    "off_track": "Commitments off track.",
    "completed": "Commitments completed.",
    "discontinued": "Commitments discontinued.",
    # query and path parameters
    "format": "`json` (default) or, where offered, `csv`.",
    "pillar": "A pillar's slug, e.g. maritime.",
    "established": "`true`: established mechanisms; `false`: those to be explored.",
    "stale": "`true`: only commitments with no status update for 90 days; `false`: the others.",
    "sides_agree": "`false`: only commitments whose two sides give different statuses; "
    "`true`: only those where India and Japan give the same status.",
    "awaiting_side": "Only commitments whose official status waits for this side's answer: "
    "`india` or `japan`.",
    "milestone_due_within": "Only commitments with an open milestone due within this many days.",
    "updated_since": "ISO 8601 instant, e.g. 2026-11-01T00:00:00Z: only rows changed since then.",
}


def describe_everything(result, generator, request, public):
    """Fill empty descriptions of properties and parameters from the glossary."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        for name, prop in schema.get("properties", {}).items():
            if prop.get("description") or name not in GLOSSARY:
                continue
            if "$ref" in prop:
                # A description cannot stand beside $ref in OpenAPI 3.0: wrap it in allOf.
                prop["allOf"] = [{"$ref": prop.pop("$ref")}]
            prop["description"] = GLOSSARY[name]
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if not parameter.get("description") and parameter["name"] in GLOSSARY:
                    parameter["description"] = GLOSSARY[parameter["name"]]
    return result


# An example for each path parameter that names one object, so the schema's readers (and
# schemathesis' example phase) reach a real one.
PATH_EXAMPLES = {"code": "MAR-01"}


def exemplify_path_parameters(result, generator, request, public):
    """Give path parameters without an example the one in PATH_EXAMPLES."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if parameter["in"] == "path" and name in PATH_EXAMPLES:
                    parameter.setdefault("example", PATH_EXAMPLES[name])
    return result

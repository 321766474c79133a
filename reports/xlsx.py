"""The summit report as a workbook: a summary, one sheet of all commitments and one per pillar,
each with its marking above a frozen header row with filters."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from access.choices import Marking, Side
from declaration_tracker.core.i18n import localized
from declaration_tracker.core.tabular import spreadsheet_safe

from .lines import Line, status_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
WIDTHS = {"title": 60, "note": 40, "changes": 50, "milestone": 35}


def _columns() -> list[tuple[str, str, int]]:
    """(key, heading, width) of a commitments sheet, in the active language."""
    return [
        ("code", _("Code"), 10),
        ("pillar", _("Pillar"), 24),
        ("title", _("Commitment"), WIDTHS["title"]),
        ("lead_side", _("Lead side"), 10),
        ("india_status", _("India's assessment"), 14),
        ("india_note", _("India's note"), WIDTHS["note"]),
        ("japan_status", _("Japan's assessment"), 14),
        ("japan_note", _("Japan's note"), WIDTHS["note"]),
        ("status", _("Official status"), 14),
        ("sides_agree", _("Sides agree"), 10),
        ("awaiting", _("Awaiting"), 10),
        ("progress", _("Progress (%)"), 10),
        ("next_milestone", _("Next milestone"), WIDTHS["milestone"]),
        ("next_due", _("Next milestone due"), 14),
        ("overdue", _("Overdue milestones"), 10),
        ("changes", _("Changes since"), WIDTHS["changes"]),
    ]


def _note(status_update) -> str:
    return status_update.note if status_update is not None else ""


def line_cells(line: Line) -> dict:
    c = line.commitment
    upcoming = line.next_milestone
    sides = dict(Side.choices)
    return {
        "code": c.code,
        "pillar": localized(c.pillar, "name"),
        "title": localized(c, "title"),
        "lead_side": str(c.get_lead_side_display()),
        "india_status": status_label(c.india_status),
        "india_note": _note(c.india_report),
        "japan_status": status_label(c.japan_status),
        "japan_note": _note(c.japan_report),
        "status": status_label(c.status),
        "sides_agree": _("yes") if line.sides_agree else _("no"),
        "awaiting": str(sides.get(c.awaiting_side, "")),
        "progress": c.progress,
        "next_milestone": upcoming.title if upcoming else "",
        "next_due": upcoming.due_date if upcoming else None,
        "overdue": len(line.overdue_milestones),
        "changes": "; ".join(line.changes),
    }


def _sheet(workbook, title: str, lines: list[Line], banner: str) -> None:
    sheet = workbook.create_sheet(title[:31])
    columns = _columns()
    sheet.append([banner])
    sheet["A1"].font = BOLD
    sheet.append([heading for _key, heading, _width in columns])
    for cell in sheet[2]:
        cell.font = BOLD
    for line in lines:
        cells = line_cells(line)
        sheet.append([spreadsheet_safe(cells[key]) for key, _heading, _width in columns])
    for n, (_key, _heading, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    last = get_column_letter(len(columns))
    sheet.freeze_panes = "B3"
    sheet.auto_filter.ref = f"A2:{last}{len(lines) + 2}"
    sheet.oddHeader.center.text = banner
    sheet.oddFooter.center.text = banner
    sheet.print_title_rows = "1:2"


def _attachments_sheet(workbook, attachments: list, banner: str) -> None:
    """The annex of attachments: each one's commitment, the milestone it is on, title, marking
    and SHA-256 (its marking above a frozen header row with filters, as the other sheets)."""
    sheet = workbook.create_sheet(_("Attachments")[:31])
    sheet.append([banner])
    sheet["A1"].font = BOLD
    sheet.append([_("Code"), _("Milestone"), _("Title"), _("Marking"), "SHA-256"])
    for cell in sheet[2]:
        cell.font = BOLD
    for attachment in attachments:
        milestone = attachment.milestone.title if attachment.milestone else ""
        cells = [attachment.code, milestone, attachment.title]
        cells += [str(attachment.get_marking_display()), attachment.sha256]
        sheet.append([spreadsheet_safe(value) for value in cells])
    for letter, width in zip("ABCDE", (10, 35, 50, 14, 68), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B3"
    sheet.auto_filter.ref = f"A2:E{len(attachments) + 2}"
    sheet.oddHeader.center.text = banner
    sheet.oddFooter.center.text = banner
    sheet.print_title_rows = "1:2"


def source_note(source) -> str:
    """What the annex's quotations are from, in the reader's language (as the pages say it)."""
    official = _(
        "The official texts are published by India's Ministry of External Affairs and Japan's "
        "Ministry of Foreign Affairs."
    )
    if source is None:
        return _(
            "Quoted from a published summary of the declaration, not from the declaration itself."
        ) + (" " + official)
    return _(
        "Quoted from a published news summary of the declaration (“%(title)s”, %(publisher)s, "
        "%(when)s), not from the declaration itself."
    ) % {
        "title": localized(source, "title"),
        "publisher": localized(source, "publisher"),
        "when": source.when_published,
    } + (" " + official)


def _sources_sheet(workbook, report: dict, banner: str) -> None:
    """The annex of sources: what the quotations are from, then each commitment's words in the
    summary (and in the official text, where one is loaded)."""
    sheet = workbook.create_sheet(_("Sources")[:31])
    # The banner first, as every sheet; what the quotations are from above their column.
    sheet.append([banner, "", source_note(report.get("source"))])
    sheet["A1"].font = BOLD
    official = report.get("has_official_clauses", False)
    headings = [_("Code"), _("Paragraph"), _("From the summary of the declaration")]
    sheet.append(headings + ([_("Official text")] if official else []))
    for cell in sheet[2]:
        cell.font = BOLD
    for line in report["lines"]:
        c = line.commitment
        cells = [c.code, c.paragraph, c.source_clause]
        if official:
            clause = getattr(c, "official", None)
            cells.append(f"{clause.text} ({clause.paragraph})" if clause else "")
        sheet.append([spreadsheet_safe(value) for value in cells])
    for letter, width in zip("ABCD", (10, 10, 80, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B3"
    sheet.auto_filter.ref = f"A2:{'D' if official else 'C'}{len(report['lines']) + 2}"
    sheet.oddHeader.center.text = banner
    sheet.oddFooter.center.text = banner
    sheet.print_title_rows = "1:2"


def summit_xlsx(report: dict) -> bytes:
    """The workbook of a `summit_report`."""
    label = str(Marking(report["marking"]).label)
    when = report["at"].date().isoformat()
    banner = _("%(marking)s — Summit progress report as of %(when)s") % {
        "marking": label,
        "when": when,
    }
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append([banner])
    summary["A1"].font = BOLD
    summary.append(
        [_("Pillar"), _("Commitments"), _("Progress (%)")]
        + [part["label"] for part in report["summary"]["by_status"]]
        + [_("Sides disagree"), _("Awaiting"), _("Overdue milestones")]
    )
    for cell in summary[2]:
        cell.font = BOLD
    rows = [(s["name"], s["figures"]) for s in report["sections"]]
    rows.append((_("All"), report["summary"]))
    for name, figures in rows:
        summary.append(
            [name, figures["total"], figures["progress"]]
            + [part["count"] for part in figures["by_status"]]
            + [figures["disagree"], figures["awaiting"], figures["overdue_milestones"]]
        )
    summary.column_dimensions["A"].width = 40
    summary.freeze_panes = "A3"
    summary.oddHeader.center.text = banner
    _sheet(workbook, _("All commitments"), report["lines"], banner)
    for section in report["sections"]:
        _sheet(workbook, section["pillar"].slug, section["lines"], banner)
    _attachments_sheet(workbook, report["attachments"], banner)
    _sources_sheet(workbook, report, banner)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

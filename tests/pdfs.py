"""Reading the reports back as their readers would: a PDF's text (poppler's pdftotext) and a
workbook's cells."""

import io
import subprocess

from openpyxl import load_workbook


def pdf_text(content: bytes) -> str:
    """The text of a PDF in the order it was laid out: a table cell's lines together."""
    assert content[:5] == b"%PDF-", content[:80]
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout.decode("utf-8")


def squeezed(text: str) -> str:
    """`text` without spaces or line breaks, to compare with a PDF's `pdf_words`."""
    return "".join(text.split())


def pdf_words(content: bytes) -> str:
    """The PDF's text with every space and line break taken out: a narrow table cell wraps a
    long word at any hyphen, and this still finds it whole."""
    return squeezed(pdf_text(content))


def pdf_pages(content: bytes) -> list[str]:
    return pdf_text(content).split("\f")[:-1]


def workbook_cells(content: bytes) -> dict[str, list[list]]:
    """Each sheet's rows of values."""
    book = load_workbook(io.BytesIO(content), read_only=False)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}

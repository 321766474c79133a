"""PDF from a Django template, with WeasyPrint.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0) and, for
Japanese, a CJK font (fonts-noto-cjk); `make pdf` installs them. It is imported when a PDF is
made, so the rest of the tracker runs where they are missing.

Every resource a report needs is inside its HTML: the fetcher refuses every URL, so no text a
user wrote (an evidence link, say) can make the server fetch anything.
"""

from django.template.loader import render_to_string

PDF = "application/pdf"


def pdf_render(template: str, context: dict) -> bytes:
    """Render `template` with `context` (in the active language) to PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context)
    nothing = URLFetcher(allowed_protocols=(), allow_redirects=False, timeout=1)
    return HTML(string=html, url_fetcher=nothing).write_pdf()

from rest_framework.renderers import BaseRenderer

from declaration_tracker.core.tabular import csv_lines


class CSVRenderer(BaseRenderer):
    """Chosen by `?format=csv` or `Accept: text/csv`; list views stream their own rows.

    This renders only what is not a stream: an error body, as a one-row table.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "error" in data:
            error = data["error"]
            return "".join(
                csv_lines(
                    [[error["status"], error["code"], error["message"]]],
                    header=["status", "code", "message"],
                )
            )
        return ""

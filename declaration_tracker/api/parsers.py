"""The API reads JSON only; a body it cannot take is a 400 like any other bad JSON, never a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request body of this API nests deeper than an object holding a list of strings; a deeply
# nested one would only make validation and error messages recurse until Python gives up.
MAX_DEPTH = 20


def _too_deep(data, limit: int) -> bool:
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        pending.extend((item, depth + 1) for item in value)
    return False


def _not_text(data) -> bool:
    """Say whether a key holds a lone surrogate (`"\\ud800"` is valid JSON, but no text: an
    error naming the key could not be written back). A value holding one is refused by its
    field, which names it."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            for key in value:
                try:
                    key.encode("utf-8")
                except UnicodeEncodeError:
                    return True
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            too_deep = _too_deep(data, MAX_DEPTH)
        except RecursionError:  # too deep even for Python's JSON reader
            too_deep = True
        if too_deep:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        if _not_text(data):
            raise ParseError("JSON parse error - a key holds a lone surrogate: it is not text.")
        return data

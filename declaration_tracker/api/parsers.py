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


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            too_deep = _too_deep(data, MAX_DEPTH)
        except RecursionError:  # too deep even for Python's JSON reader
            too_deep = True
        if too_deep:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return data

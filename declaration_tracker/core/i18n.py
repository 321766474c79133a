"""Content in two languages: the English a row holds, and the Japanese beside it.

English is the record (the declaration's language, and the data file's); `<field>_ja` holds
the tracker's unofficial Japanese translation. Explicit columns rather than a library that
rewrites the model's fields per active language: a Japanese user's write of `title` must not
land in the Japanese column, and a row costs no more to read.
"""

from django.utils import translation
from django.utils.translation import gettext_noop

TRANSLATED = "ja"


def in_japanese() -> bool:
    return (translation.get_language() or "").startswith(TRANSLATED)


def localized(obj, field: str) -> str:
    """`obj.<field>` in the active language: its Japanese if there is one and the reader
    reads Japanese, else the English."""
    if in_japanese():
        japanese = getattr(obj, f"{field}_ja", "")
        if japanese:
            return japanese
    return getattr(obj, field)


def is_translation(obj, field: str) -> bool:
    """Say whether `localized(obj, field)` gives the unofficial translation."""
    return in_japanese() and bool(getattr(obj, f"{field}_ja", ""))


# Strings of Django and django-allauth that the tracker's Japanese writes with full-width
# punctuation, as Japanese officials write it (their own catalogues have 「パスワード:」 and
# 「パスワード (再入力)」); marked here so that `make messages` keeps them in ours, which wins.
PUNCTUATED = (
    gettext_noop(":"),  # a form field's label suffix
    gettext_noop("Password (again)"),
    gettext_noop("New Password (again)"),
)

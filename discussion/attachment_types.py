"""What an uploaded file is, read from its content (never from its name or the type the
browser sent): the types attachments may have, and the refusal of everything else.

Allowed: PDF; PNG, JPEG, GIF and WebP images; Word, Excel and PowerPoint documents (the OOXML
zip packages, and legacy Word and Excel files); plain text in UTF-8. Refused whatever its name:
HTML and SVG (a browser runs their scripts), executables, archives and anything not named here.
"""

import codecs
import re
import zipfile

import filetype

# Bytes read to recognise a file by its signature.
HEAD_BYTES = 8192

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
TEXT = "text/plain; charset=utf-8"

IMAGES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Each OOXML package's main part, as its [Content_Types].xml names it.
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.ms-word.document.macroEnabled.main+xml": None,  # macros: refused
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream names of a legacy Word and Excel file, in the compound file's directory (UTF-16).
OLE_STREAMS = {"WordDocument".encode("utf-16-le"): DOC, "Workbook".encode("utf-16-le"): XLS}
OLE_STREAMS["Book".encode("utf-16-le") + b"\x00\x00"] = XLS
# Markup a browser would render (and run): refused even in a "text" file.
MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|img|a\s)",
    re.IGNORECASE,
)
EXECUTABLES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"#!")


class RefusedType(Exception):
    """The file is of a type attachments may not have; `reason` says which kind, in words."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def content_type_of(upload) -> str:
    """The type of `upload` (a Django UploadedFile, read from its start) read from its content;
    RefusedType if it is not one attachments may have. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    try:
        if not head:
            raise RefusedType("empty")
        if head.startswith(EXECUTABLES):
            raise RefusedType("executable")
        if head.startswith(b"%PDF-"):
            return PDF
        kind = filetype.guess(head)
        if kind is not None and kind.mime in IMAGES:
            return kind.mime
        if head.startswith(b"PK\x03\x04"):
            return _ooxml(upload)
        if head.startswith(OLE2):
            return _ole(upload)
        if kind is not None:
            raise RefusedType("other")
        return _text(upload)
    finally:
        upload.seek(0)


def _ooxml(upload) -> str:
    try:
        with zipfile.ZipFile(upload) as package:
            types = package.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as error:
        raise RefusedType("archive") from error
    for main, mime in OOXML.items():
        if f'ContentType="{main}"'.encode() in types:
            if mime is None:
                raise RefusedType("macros")
            return mime
    raise RefusedType("archive")


def _ole(upload) -> str:
    content = upload.read()
    for stream, mime in OLE_STREAMS.items():
        if stream in content:
            return mime
    raise RefusedType("other")


def _text(upload) -> str:
    """Plain UTF-8 text (a byte-order mark allowed), with no NUL byte and no markup."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    tail = b""
    for chunk in upload.chunks():
        if b"\x00" in chunk:
            raise RefusedType("other")
        window = tail + chunk
        if MARKUP.search(window):
            raise RefusedType("markup")
        tail = chunk[-32:]
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise RefusedType("other") from error
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise RefusedType("other") from error
    return TEXT

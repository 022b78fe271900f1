"""Decide by content whether an uploaded file is one of the contest's accepted types.

Invariants:
- the type comes from the magic bytes, and must be the type the definition gives the extension;
- a file whose first bytes are not a known signature (HTML, SVG, XML, executables, scripts,
  text) is refused, and so is a PDF, PNG or JPEG with markup in its first kilobyte (polyglots;
  office documents may legitimately store XML uncompressed there);
- a PDF, PNG or JPEG that is also a ZIP archive is refused;
- a ZIP container is judged on its central directory alone (entry count, declared sizes,
  ratios, entry paths): nothing is decompressed except ``mimetype`` and ``[Content_Types].xml``,
  read with a byte bound whatever their declared size;
- office documents with macros are refused, whatever their extension says.
No Flask, no database: the caller passes a seekable binary stream and the contest's rules.
"""

from __future__ import annotations

import re
import zipfile
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import decimal_sign
from workflows.definition import AttachmentRules
from workflows.refusals import Refused

# Short names shown to users, by MIME type (the definition names extensions and MIME types).
FORMAT_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.oasis.opendocument.presentation": "ODP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
}
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ZIP_SIGNATURE = b"PK\x03\x04"
OOXML_FOLDERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_TYPES = frozenset(mime for mime in FORMAT_NAMES if "opendocument" in mime)
MACRO_EXTENSIONS = frozenset({"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppsm", "ppam"})
ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")

HEAD_BYTES = 1024
# Browsers sniff markup in the first bytes; a document that carries some is treated as hostile.
MARKUP = re.compile(rb"<\s*(?:html|svg|script|body|iframe|!doctype|\?xml)", re.IGNORECASE)
MAX_ENTRIES = 1000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small entries may compress well without being bombs
MAX_TYPES_XML = 1024 * 1024

EMPTY = _l("Le fichier est vide.")
MACROS = _l("Les documents contenant des macros ne sont pas acceptés.")
MIXED = _l("Ce fichier mélange plusieurs formats : il n’est pas accepté.")
DAMAGED = _l("Ce document est endommagé ou illisible : il n’est pas accepté.")
BOMB = _l("Ce document est anormalement volumineux une fois décompressé : il n’est pas accepté.")
UNSAFE = _l("Ce document contient des éléments non autorisés : il n’est pas accepté.")


def megabytes(size: int) -> str:
    """« 10 », « 2,5 » (« 2.5 » in English): a size in Mo."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", decimal_sign())


def too_large(max_bytes: int) -> str:
    return _("Le fichier dépasse %(size)s Mo.", size=megabytes(max_bytes))


def accepted_formats(rules: AttachmentRules) -> str:
    """« PDF, PNG, JPEG, … »: one name per accepted type, in the definition's order."""
    return ", ".join(dict.fromkeys(FORMAT_NAMES.get(t.mime, t.extension.upper()) for t in rules.file_types))


def type_refused(rules: AttachmentRules) -> str:
    return _("Ce type de fichier n’est pas accepté. Formats acceptés : %(formats)s.", formats=accepted_formats(rules))


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def inspect_upload(stream: BinaryIO, name: str, rules: AttachmentRules) -> str:
    """The MIME type of an acceptable file, or Refused with the reason."""
    size = stream.seek(0, 2)
    if size == 0:
        raise Refused([EMPTY])
    if size > rules.max_bytes:
        raise Refused([too_large(rules.max_bytes)])
    extension = extension_of(name)
    if extension in MACRO_EXTENSIONS:
        raise Refused([MACROS])
    expected = {t.extension: t.mime for t in rules.file_types}.get(extension)
    if expected is None:
        raise Refused([type_refused(rules)])
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    if head.startswith(ZIP_SIGNATURE):
        mime = _container_type(stream)
    else:
        if MARKUP.search(head):
            raise Refused([type_refused(rules)])
        mime = _plain_type(head)
        if zipfile.is_zipfile(stream):
            raise Refused([MIXED])
    if mime != expected:
        accepted = {t.mime for t in rules.file_types}
        # An accepted file under another type's extension (a PNG named .pdf): « not accepted, formats accepted:
        # PDF, PNG… » would puzzle; say what it is.
        raise Refused([misnamed(mime, extension) if mime in accepted else type_refused(rules)])
    return mime


def misnamed(mime: str, extension: str) -> str:
    return _("Ce fichier est au format %(format)s, mais son nom se termine par « .%(extension)s » : renommez-le "
             "avec l’extension de son format, ou choisissez le bon fichier.",
             format=FORMAT_NAMES.get(mime, mime), extension=extension)


def _plain_type(head: bytes) -> str | None:
    return next((mime for signature, mime in SIGNATURES if head.startswith(signature)), None)


def _container_type(stream: BinaryIO) -> str | None:
    """Identify an OOXML or ODF document from its central directory, refusing bombs and macros."""
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            _check_entries(entries)
            names = [entry.filename for entry in entries]
            if names[0] == "mimetype":
                return _odf_type(archive, names)
            if "[Content_Types].xml" in names:
                return _ooxml_type(archive, names)
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError):
        raise Refused([DAMAGED]) from None


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if not entries:
        raise Refused([DAMAGED])
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
        raise Refused([BOMB])
    if any(e.file_size > RATIO_FLOOR and e.file_size > MAX_RATIO * max(e.compress_size, 1) for e in entries):
        raise Refused([BOMB])
    names = [e.filename for e in entries]
    if len(set(names)) != len(names) or any(_unsafe_path(n) for n in names) or any(e.flag_bits & 0x1 for e in entries):
        raise Refused([UNSAFE])


def _unsafe_path(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts


def _odf_type(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    with archive.open("mimetype") as entry:
        mime = entry.read(100).decode("ascii", "replace").strip()
    if mime not in ODF_TYPES:
        return None
    if any(name.startswith(ODF_MACRO_FOLDERS) for name in names):
        raise Refused([MACROS])
    return mime


def _ooxml_type(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    with archive.open("[Content_Types].xml") as entry:
        content_types = entry.read(MAX_TYPES_XML)
    if b"macroenabled" in content_types.lower() or any(n.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for n in names):
        raise Refused([MACROS])
    folders = {mime for folder, mime in OOXML_FOLDERS.items() if any(n.startswith(folder) for n in names)}
    return folders.pop() if len(folders) == 1 else None

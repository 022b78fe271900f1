"""Display names of uploaded files: cleaned on the way in, encoded safely on the way out."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

FALLBACK = "piece-jointe"
MAX_BYTES = 255
MAX_EXTENSION = 16
# Control and format characters (CR, LF, NUL, bidi overrides, zero-width) and line separators.
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def clean_display_name(name: str | None) -> str:
    """The last path part, NFC, without control characters or leading dots, at most 255 bytes."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in REMOVED_CATEGORIES)
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    return _truncate(name) or FALLBACK


def _truncate(name: str) -> str:
    if len(name.encode()) <= MAX_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > MAX_EXTENSION:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    room = MAX_BYTES - len(suffix.encode())
    # Cutting bytes may split a character; ``ignore`` drops the partial one.
    return stem.encode()[:room].decode(errors="ignore").rstrip(". ") + suffix


def ascii_fallback(name: str) -> str:
    """The name for clients that ignore ``filename*``: accents dropped, quotes and other bytes replaced."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in kept)


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the UTF-8 ``filename*`` (RFC 6266, RFC 5987)."""
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


# Every file the app hands out: never run, never framed, never cached by a shared cache (app.headers
# adds nosniff to every response and keeps this stricter policy instead of the pages' one).
DOWNLOAD_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "private, no-store",
}

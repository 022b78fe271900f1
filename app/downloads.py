"""How a file leaves: in one piece, streamed in chunks, or sent from disk, never sniffed nor cached."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, make_response, send_file, stream_with_context

from app.database import reads_from_now_on
from app.uploads.names import DOWNLOAD_HEADERS, content_disposition


def _read_only(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Streamed after the request has committed its audit row: the rows are read without SQLite's write lock."""
    reads_from_now_on()
    yield from chunks


def download(content, name: str, mimetype: str) -> Response:
    """``content``: bytes, chunks to stream (a generator) or an open file, sent from disk."""
    if hasattr(content, "read"):
        response = send_file(content, mimetype=mimetype, etag=False, conditional=False)
    else:
        response = make_response(stream_with_context(_read_only(content)) if isinstance(content, Iterator)
                                 else content)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers.update(DOWNLOAD_HEADERS)
    return response

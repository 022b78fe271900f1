"""Builders of files (valid and hostile, generated in memory) and a dossier fixture for attachment tests."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Attachment, AuditEntry
from workflows.states import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + bytes(17) + b"IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64) + b"\xff\xd9"
WORD_TYPES = b'<?xml version="1.0"?><Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
ODT_MIME = b"application/vnd.oasis.opendocument.text"


def zip_of(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            # ODF wants its ``mimetype`` stored first and uncompressed.
            archive.writestr(name, content, zipfile.ZIP_STORED if name == "mimetype" else compression)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return office("word", WORD_TYPES, extra)


def office(folder: str, content_types: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OOXML package, with ``extra`` entries."""
    entries = {"[Content_Types].xml": content_types, "_rels/.rels": b"<Relationships/>",
               f"{folder}/document.xml": b"<document>Bonjour</document>"}
    return zip_of(entries | (extra or {}))


def odt(extra: dict[str, bytes] | None = None) -> bytes:
    entries = {"mimetype": ODT_MIME, "content.xml": b"<office:document-content/>",
               "META-INF/manifest.xml": b"<manifest:manifest/>"}
    return zip_of(entries | (extra or {}))


def with_declared_size(archive: bytes, size: int) -> bytes:
    """The archive with its first central-directory entry claiming ``size`` uncompressed bytes."""
    at = archive.index(b"PK\x01\x02") + 24
    return archive[:at] + size.to_bytes(4, "little") + archive[at + 4:]


@pytest.fixture
def owner(make_user):
    return make_user(Role.CANDIDATE)


@pytest.fixture
def candidature(edition, owner, clock):
    from app.candidatures.operations import create_candidature

    region = next(r for r in edition.regions if r.code == "HDF")
    candidature = create_candidature(owner=owner, edition=edition, region=region, now=clock())
    db.session.commit()
    return candidature


def upload_url(candidature) -> str:
    return f"/candidatures/{candidature.id}/pieces-jointes/"


def upload(client, candidature, name: str, content: bytes):
    """POST one file through the upload form, with the CSRF token read from the page."""
    return client.form(upload_url(candidature), {"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def rows() -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Attachment).order_by(Attachment.slot)))


def files_on_disk(app) -> list[str]:
    return sorted(path.name for path in Path(app.config["UPLOAD_DIR"]).iterdir())


def audit_of(action: str) -> list[dict]:
    return [entry.data for entry in db.session.scalars(db.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id))]


def page_text(response) -> str:
    """The page's HTML with tags removed and spaces collapsed, to search messages in."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())

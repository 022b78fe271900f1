"""Candidates with a submitted dossier and one attachment, made through the real pages; reading a ZIP answer."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask.testing import FlaskClient

from app.extensions import db
from app.models import AuditEntry, Candidature, Region, User
from tests.app.attachment_helpers import upload
from tests.app.test_dossier import complete_form, post_dossier
from tests.conftest import PASSWORD
from workflows.states import Role


@dataclass
class Applicant:
    user: User
    candidature: Candidature
    client: FlaskClient  # signed in as the candidate
    file: bytes  # the attachment's content


def apply(app, make_user, edition, *, name: str, file: tuple[str, bytes], **fields) -> Applicant:
    """A candidate ``name`` who submitted a complete dossier in HDF with one attachment (its name, its content)."""
    user = make_user(Role.CANDIDATE, email=f"{name.lower()}@example.org")
    client = app.test_client()
    assert client.form("/connexion", {"email": user.email, "password": PASSWORD}).status_code == 302
    hdf = db.session.scalar(db.select(Region.id).filter_by(code="HDF", edition_id=edition.id))
    assert client.form("/candidatures/nouvelle", {"region": str(hdf)}, page="/candidatures").status_code == 302
    candidature = db.session.scalar(db.select(Candidature).filter_by(owner_id=user.id))
    assert upload(client, candidature, *file).status_code == 302
    response = post_dossier(client, candidature, complete_form(title=f"Projet {name}", **fields), action="submit")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return Applicant(user, db.session.get(Candidature, candidature.id), client, file[1])


def archive(response) -> tuple[dict, dict[str, bytes]]:
    """The ``donnees.json`` of a ZIP answer, and every entry's bytes by name."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as zipped:
        entries = {name: zipped.read(name) for name in zipped.namelist()}
    return json.loads(entries["donnees.json"]), entries


def audit_rows(action: str) -> list[AuditEntry]:
    return db.session.scalars(db.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)).all()


def upload_dir_files(app) -> set[str]:
    return {path.name for path in Path(app.config["UPLOAD_DIR"]).iterdir()}

"""A regional jury in session for jury tests: HDF open, two jurors, a dossier with an attachment."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.extensions import db
from app.jury.operations import declare_conflict, save_scoresheet
from app.jury.juries import Jury as JuryOf
from app.jury.workload import Work, regional_candidatures
from app.models import Attachment, Candidature, Region, User
from app.uploads import storage
from tests import factories
from workflows.states import Role

def expected_regional(region: Region) -> dict[int, set[int]]:
    """candidature id -> the jurors expected to score it, as the workload's expected pairs say."""
    pairs = Work.regional(region).expected()
    result: dict[int, set[int]] = {candidature.id: set() for candidature in regional_candidatures(region.id)}
    for candidature, juror in db.session.execute(db.select(pairs.c.candidature_id, pairs.c.juror_id)):
        result[candidature].add(juror)
    return result


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CRITERIA = ("partenariat", "securite", "reproductibilite", "originalite")
DOSSIER = {
    "category": "etablissement",
    "structure_name": "Centre hospitalier de Lens",
    "identifier": "620100057",
    "sectors": ["sanitaire"],
    "contact_name": "Jeanne Martin",
    "contact_email": "jeanne.martin@example.org",
    "summary": "Des usagers et des soignants écrivent ensemble le livret de sortie.",
    "description": "Depuis 2016, la commission des usagers et l’équipe de chirurgie…",
    "modalities": ["co_construction"],
    "domains": ["sortie_hospitalisation"],
    "project_stage": "en_cours",
    "answers": {key: f"Réponse du candidat au critère {key}." for key in CRITERIA},
}


@dataclass
class Jury:
    hdf: Region
    juror: User
    colleague: User
    dossier: Candidature
    elsewhere: Candidature  # an IDF candidature before the IDF jury


def region(code: str) -> Region:
    return db.session.scalar(db.select(Region).filter_by(code=code))


@pytest.fixture
def jury(edition, make_user, clock) -> Jury:
    owner = make_user(Role.CANDIDATE)
    dossier = factories.candidature(edition, owner, at=clock(), state="regional_jury", **DOSSIER)
    elsewhere = factories.candidature(edition, owner, at=clock(), state="regional_jury", region="IDF", **DOSSIER)
    db.session.add_all([dossier, elsewhere])
    db.session.flush()
    db.session.add_all([attachment_row(candidature, clock()) for candidature in (dossier, elsewhere)])
    region("HDF").stage = region("IDF").stage = "jury_open"
    db.session.commit()
    return Jury(hdf=region("HDF"), juror=make_user(Role.REGIONAL_JUROR, region="HDF"),
                colleague=make_user(Role.REGIONAL_JUROR, region="HDF"), dossier=dossier, elsewhere=elsewhere)


def attachment_row(candidature: Candidature, at) -> Attachment:
    """An attachment whose file is written straight into the upload folder."""
    stored_name = f"{candidature.id:032x}"
    storage.path_of(stored_name).write_bytes(PDF)
    return Attachment(candidature_id=candidature.id, slot=1, display_name="programme.pdf", stored_name=stored_name,
                      mime_type="application/pdf", size=len(PDF), sha256="0" * 64, uploaded_at=at)


def urls(candidature: Candidature, stage: str = "regional") -> dict[str, str]:
    base = f"/jury/{stage}/{candidature.id}"
    attachment = candidature.attachments[0].id if candidature.attachments else 1
    return {
        "declaration": f"{base}/declaration",
        "scoresheet": f"{base}/fiche",
        "attachments": f"/candidatures/{candidature.id}/pieces-jointes/",
        "download": f"/candidatures/{candidature.id}/pieces-jointes/telecharger/{attachment}",
    }


def declare_free(client, candidature: Candidature, stage: str = "regional"):
    return client.form(urls(candidature, stage)["declaration"], {"choice": "none"})


def marks_form(values, *, comment: str = "", action: str = "save", justification: str = "") -> dict:
    """Form fields of a scoresheet: ``values`` is one value for every criterion, or a mapping."""
    values = values if isinstance(values, dict) else dict.fromkeys(CRITERIA, values)
    data = {f"mark_{key}": str(value) for key, value in values.items() if value is not None}
    data |= {f"justification_{key}": justification for key in CRITERIA if justification}
    return data | {"comment": comment, "action": action}


def post_sheet(client, candidature: Candidature, data: dict, *, version: str | None = None, stage: str = "regional",
               headers: dict | None = None):
    url = urls(candidature, stage)["scoresheet"]
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    if version is None:
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return client.post(url, data={"csrf_token": token, "version": version, **data}, headers=headers)


def submitted_by(juror: User, candidature: Candidature, mark: int, comment: str, now) -> None:
    """Another juror's submitted sheet, through the operations, committed."""
    jury = JuryOf.of_region(candidature.region)
    declare_conflict(candidature, juror, has_conflict=False, reason="", now=now, jury=jury)
    save_scoresheet(candidature, juror, dict.fromkeys(CRITERIA, mark), {}, comment, submit=True, now=now, jury=jury)
    db.session.commit()

"""A variant edition, from its file alone, through the app from the dossier to the published results.

Five criteria weighted 2/1/1/1/1 on a 1–10 scale, ties broken on « securite » first, one to three
picks per region, two attachments of three types, a deadline at noon in winter time: every page and
refusal follows the definition, with no code of the 2017 edition in the way.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from app.extensions import db
from app.models import Attachment, Candidature, Region
from tests import factories
from tests.app.attachment_helpers import PDF, page_text
from tests.concurrency import signed_in_client
from tests.app.dossier_helpers import review_url
from tests.conftest import PARIS, csrf_token
from workflows.states import Role

DEADLINE = datetime(2018, 10, 29, 12, 0, tzinfo=PARIS)
CRITERIA = ("partenariat", "securite", "reproductibilite", "originalite", "evaluation")
# Weighted totals (partenariat counts twice): R 48, Q 40, P 40, S 12. P and Q tie; « securite », first
# in the variant's tie-break, puts Q ahead (2017's order, partenariat first, would put P ahead).
MARKS = {"R": (8, 8, 8, 8, 8), "Q": (5, 10, 10, 5, 5), "P": (10, 5, 5, 5, 5), "S": (2, 2, 2, 2, 2)}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64) + b"\xff\xd9"


def dossier_form() -> dict:
    return {
        "category": "etablissement", "structure_name": "Centre hospitalier de Lens", "identifier": "620100057",
        "sectors": ["sanitaire"], "contact_name": "Jeanne Martin", "contact_function": "Cadre de santé",
        "contact_email": "jeanne.martin@example.org", "contact_phone": "03 21 00 00 00", "title": "P",
        "summary": "Des usagers et des soignants écrivent ensemble le livret de sortie.",
        "description": "Depuis 2016, la commission des usagers et l’équipe de chirurgie…",
        "partners-0-side": "usager", "partners-0-name": "Association des patients", "partners-0-organisation": "",
        "partners-0-role": "Co-pilote", "partners-1-side": "soignant", "partners-1-name": "Dr Claire Petit",
        "partners-1-organisation": "CH de Lens", "partners-1-role": "Médecin",
        "modalities": ["co_construction"], "domains": ["sortie_hospitalisation"], "project_stage": "en_cours",
        **{f"answer_{key}": f"Notre réponse au critère {key}." for key in CRITERIA},
        "attestation_non_commercial": "y", "attestation_publication": "y",
    }


def form_post(client, url: str, data: dict, *, page: str | None = None):
    """POST ``data`` with the hidden fields of the page's form (CSRF token, version, fingerprint), as a browser."""
    html = client.get(page or url).get_data(as_text=True)
    hidden = dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', html))
    return client.post(url, data=hidden | {"csrf_token": csrf_token(html)} | data)


def upload(client, candidature: Candidature, name: str, content: bytes):
    url = f"/candidatures/{candidature.id}/pieces-jointes/"
    return client.post(url, data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
                                  "file": (io.BytesIO(content), name)})


def score(client, candidature: Candidature, marks, stage: str = "regional"):
    base = f"/jury/{stage}/{candidature.id}"
    assert form_post(client, f"{base}/declaration", {"choice": "none"}).status_code == 302
    data = {f"mark_{key}": str(mark) for key, mark in zip(CRITERIA, marks, strict=True)}
    return form_post(client, f"{base}/fiche", data | {"comment": "Lu et noté.", "action": "submit"})


def region(edition, code: str) -> Region:
    return next(r for r in edition.regions if r.code == code)


def titles_in_order(text: str, titles) -> list[str]:
    return sorted(titles, key=lambda title: text.index(f" {title} "))


def test_variant_edition_runs_from_dossier_to_published_results(app, variant_edition, make_user, clock,
                                                                smtp_server):
    edition, hdf = variant_edition, region(variant_edition, "HDF")
    candidate = make_user(Role.CANDIDATE)
    ars = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    jurors = [make_user(Role.REGIONAL_JUROR, region="HDF") for _ in range(2)]
    national = make_user(Role.NATIONAL_ORGANISER)
    national_juror = make_user(Role.NATIONAL_JUROR)

    # The candidate: five answers, two attestations, two attachments of the allowed types.
    as_candidate = signed_in_client(app, candidate)
    assert form_post(as_candidate, "/candidatures/nouvelle", {"region": str(hdf.id)},
                     page="/candidatures").status_code == 302
    mine = db.session.scalar(db.select(Candidature).filter_by(owner_id=candidate.id))
    assert upload(as_candidate, mine, "bilan.pdf", PDF).status_code == 302
    assert upload(as_candidate, mine, "photo.jpg", JPEG).status_code == 200  # not a type of this edition
    assert upload(as_candidate, mine, "affiche.pdf", PDF).status_code == 302
    third = upload(as_candidate, mine, "article.pdf", PDF)
    assert (third.status_code, "2 pièces jointes maximum" in page_text(third)) == (200, True)
    # The whole form at once, to the dossier's own address (a browser goes through the steps).
    submitted = form_post(as_candidate, f"/candidatures/{mine.id}", dossier_form() | {"action": "submit"},
                          page=review_url(mine))
    assert submitted.status_code == 302, page_text(submitted)
    db.session.expire_all()
    assert (mine.state, len(db.session.scalars(db.select(Attachment).filter_by(candidature_id=mine.id)).all())) == (
        "submitted", 2)
    others = {title: factories.candidature(edition, make_user(Role.CANDIDATE), at=clock(), state="submitted",
                                           title=title, structure_name=f"Structure {title}")
              for title in ("Q", "R", "S")}
    db.session.add_all(others.values())
    db.session.commit()
    dossiers = others | {"P": mine}

    # The noon deadline, in winter time: a second before it the candidate still edits.
    clock.set(DEADLINE - timedelta(seconds=1))
    assert form_post(as_candidate, f"/candidatures/{mine.id}", dossier_form() | {"action": "save"},
                     page=review_url(mine)).status_code == 302
    clock.set(DEADLINE + timedelta(days=1))
    as_ars = signed_in_client(app, ars)
    assert form_post(as_ars, f"/ars/{hdf.id}/ouvrir-jury", {}, page=f"/ars/{hdf.id}").status_code == 302

    # The regional jury marks on 1–10: 0 is not a mark of this scale.
    as_jurors = [signed_in_client(app, juror) for juror in jurors]
    refused = score(as_jurors[0], mine, (0, 5, 5, 5, 5))
    assert refused.status_code == 422
    for as_juror in as_jurors:
        for title, candidature in dossiers.items():
            assert score(as_juror, candidature, MARKS[title]).status_code == 302, title

    ranking = page_text(as_ars.get(f"/ars/{hdf.id}/classement"))
    assert titles_in_order(ranking, "PQRS") == ["R", "Q", "P", "S"]
    assert "48" in ranking and "40" in ranking

    # One to three picks: a fourth is refused, then the region closes.
    for title in "RQP":
        picked = form_post(as_ars, f"/ars/{hdf.id}/selection/{dossiers[title].id}", {"opinion": f"Avis {title}."})
        assert picked.status_code == 302, title
    fourth = form_post(as_ars, f"/ars/{hdf.id}/selection/{dossiers['S'].id}", {"opinion": "Avis S."})
    assert fourth.status_code == 422
    assert "La région a déjà retenu 3 candidatures, le maximum prévu." in page_text(fourth)
    closed = form_post(as_ars, f"/ars/{hdf.id}/cloture", {"reason": ""})
    assert closed.status_code == 302, page_text(closed)

    # The national stage: the three other regions excused, the jury opened, the winner declared.
    as_national = signed_in_client(app, national)
    for code in ("IDF", "BRE", "OI"):
        excused = form_post(as_national, f"/national/regions/{region(edition, code).id}/excuser",
                            {"reason": "Aucun dossier déposé."})
        assert excused.status_code == 302, page_text(excused)
    assert form_post(as_national, "/national/ouvrir-jury", {}, page="/national").status_code == 302
    as_national_juror = signed_in_client(app, national_juror)
    for title in "RQP":
        assert score(as_national_juror, dossiers[title], (9, 9, 9, 9, 9) if title == "P" else (6,) * 5,
                     "national").status_code == 302
    declared = form_post(as_national, f"/national/laureat/{mine.id}", {"rationale": "Le plus abouti."})
    assert declared.status_code == 302, page_text(declared)
    assert form_post(as_national, "/national/publication", {}).status_code == 302

    results = page_text(signed_in_client(app, candidate).get("/resultats"))
    assert ("Semaine de la sécurité des patients – édition variante Faire des patients les acteurs de leur propre "
            "sécurité Résultats publiés le") in results
    assert "Lauréat national P Centre hospitalier de Lens (Hauts-de-France)" in results
    db.session.expire_all()
    assert sorted(c.state for c in db.session.scalars(db.select(Candidature))) == [
        "national_not_selected", "national_not_selected", "regional_not_selected", "winner"]

"""The candidate's list of their dossiers: a page at a time, whatever their number."""

from __future__ import annotations

from app.extensions import db
from app.listing import PAGE_SIZE
from app.models import Message
from tests import factories
from tests.app.attachment_helpers import page_text
from workflows.states import Role


def test_a_candidate_with_many_dossiers_reads_them_a_page_at_a_time(client, make_user, login, edition, clock):
    owner = make_user(Role.CANDIDATE)
    dossiers = [factories.candidature(edition, owner, at=clock(), state="submitted", title=f"Dossier {number:03d}")
                for number in range(PAGE_SIZE + 1)]
    db.session.add_all(dossiers)
    db.session.flush()
    last = dossiers[-1]
    db.session.add(Message(candidature_id=last.id, author_id=owner.id, side="ars", body="Une question.",
                           sent_at=clock()))
    db.session.commit()
    login(owner)

    first, second = page_text(client.get("/candidatures")), page_text(client.get("/candidatures?page=2"))

    assert "Dossier 000" in first and f"Dossier {PAGE_SIZE:03d}" not in first
    assert "Page 1 sur 2" in first and 'href="/candidatures?page=2"' in client.get("/candidatures").get_data(as_text=True)
    # The dossier awaiting an answer is on the second page: the first says so.
    assert "1 de vos dossiers a un message de l’ARS qui attend votre réponse." in first
    assert f"Dossier {PAGE_SIZE:03d}" in second and "Dossier 000" not in second
    assert "L’ARS attend votre réponse" in second

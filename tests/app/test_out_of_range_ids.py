"""An id in a URL beyond the database's integer range names nothing: 404, never a driver overflow (500)."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from app import MAX_DATABASE_INTEGER
from app.extensions import db
from tests import factories
from tests.app.jury_helpers import DOSSIER, jury, urls  # noqa: F401  (fixture)
from tests.app.regional_helpers import region
from workflows.states import Role

HUGE = "99999999999999999999999"  # 23 digits: beyond PostgreSQL integer and SQLite's 64 bits
NOT_FOUND_TITLE = "<title>Page introuvable — Concours SSP</title>"


def not_found(response) -> bool:
    return response.status_code == 404 and NOT_FOUND_TITLE in response.get_data(as_text=True)


@pytest.mark.parametrize(("number", "matches"), [
    (MAX_DATABASE_INTEGER, True),
    (MAX_DATABASE_INTEGER + 1, False),
    (int(HUGE), False),
])
def test_int_converter_stops_at_the_database_integer_range(app, number, matches):
    adapter = app.url_map.bind("concours.invalid")

    if matches:
        assert adapter.match(f"/candidatures/{number}") == ("candidatures.edit", {"candidature_id": number})
    else:
        with pytest.raises(NotFound):
            adapter.match(f"/candidatures/{number}")


def test_candidate_huge_candidature_id_answers_404(client, login, make_user, edition, clock):
    owner = make_user(Role.CANDIDATE)
    own = factories.candidature(edition, owner, at=clock(), state="draft", **DOSSIER)
    db.session.add(own)
    db.session.commit()
    login(owner)

    assert client.get(f"/candidatures/{own.id}/etape/1").status_code == 200
    assert not_found(client.get(f"/candidatures/{HUGE}"))
    assert not_found(client.get(f"/candidatures/{HUGE}/etape/1"))
    assert not_found(client.get(f"/candidatures/{own.id}/etape/{HUGE}"))
    assert not_found(client.get(f"/candidatures/{HUGE}/recepisse.pdf"))
    assert not_found(client.get(f"/candidatures/{MAX_DATABASE_INTEGER + 1}"))
    assert not_found(client.get(f"/candidatures/{own.id}/pieces-jointes/telecharger/{HUGE}"))


def test_organiser_huge_region_or_candidature_id_answers_404(client, login, make_user, edition):
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))
    hdf = region("HDF").id

    assert client.get(f"/ars/{hdf}").status_code == 200
    assert not_found(client.get(f"/ars/{HUGE}"))
    assert not_found(client.get(f"/ars/{HUGE}/classement"))
    assert not_found(client.get(f"/ars/{hdf}/candidatures/{HUGE}"))
    assert not_found(client.form(f"/ars/{hdf}/jury/{HUGE}/retirer", page=f"/ars/{hdf}"))


def test_juror_huge_candidature_id_answers_404(client, login, jury):
    login(jury.juror)

    assert client.get(urls(jury.dossier)["declaration"]).status_code == 200
    assert not_found(client.get(f"/jury/regional/{HUGE}/declaration"))
    assert not_found(client.get(f"/jury/regional/{HUGE}/fiche"))

"""Two organisers, four tabs, one slot left: exactly the quota is reached and the others are told why."""

from __future__ import annotations

from tests.app.attachment_helpers import page_text
from tests.app.selection_helpers import (  # noqa: F401  (fixtures)
    hdf, jurors, make_candidature, organiser, owner, picks, score, state_of,
)
from tests.concurrency import at_once, copy_of, signed_in_client
from tests.conftest import csrf_token
from workflows.states import Role

RACERS = 4
QUOTA_REACHED = "La région a déjà retenu 2 candidatures, le maximum prévu."


def test_concurrent_picks_for_the_last_slot_reach_exactly_the_quota(app, make_user, hdf, organiser, jurors,
                                                                     make_candidature, score):
    colleague = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    candidatures = [make_candidature(f"Projet {n}") for n in range(RACERS + 1)]
    for candidature in candidatures:
        for juror in jurors:
            score(candidature, juror, [3, 3, 3, 3])
    first, *contenders = candidatures
    sessions = [signed_in_client(app, user) for user in (organiser, colleague)]
    assert sessions[0].form(f"/ars/{hdf.id}/selection/{first.id}", {"opinion": "Déjà retenue."}).status_code == 302
    racers = [copy_of(app, sessions[n % 2]) for n in range(RACERS)]
    urls = [f"/ars/{hdf.id}/selection/{c.id}" for c in contenders]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer, url in zip(racers, urls)]

    def post(racer, url: str, token: str):
        response = racer.post(url, data={"csrf_token": token, "opinion": "Avis de l’ARS."})
        return response.status_code, page_text(response) if response.status_code != 302 else ""

    outcomes = at_once(app, [lambda args=args: post(*args) for args in zip(racers, urls, tokens)])

    assert sorted(status for status, _text in outcomes) == [302] + [422] * (RACERS - 1)
    assert sum(QUOTA_REACHED in text for _status, text in outcomes) == RACERS - 1
    winner = next(c for c in contenders if state_of(c) == "national_shortlist")
    assert [(slot, candidature) for slot, candidature, _opinion in picks()] == [(1, first.id), (2, winner.id)]
    assert sorted(state_of(c) for c in contenders) == ["national_shortlist"] + ["regional_jury"] * (RACERS - 1)

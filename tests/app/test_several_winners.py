"""A definition with two winners (``judging.winners = 2``): the others are settled with the second
declaration, both are published, and ten simultaneous tries for the last place give one winner."""

from __future__ import annotations

import pytest

from app.editions import load_edition
from app.extensions import db
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import audit, fresh, shortlist, states  # noqa: F401  (fixture)
from tests.concurrency import at_once, copy_of, signed_in_client
from tests.conftest import CONTEST_FILE, csrf_token
from workflows.states import Role

RACERS = 10


def winner_url(candidature) -> str:
    return f"/national/laureat/{candidature.id}"


@pytest.fixture
def two_winners(shortlist, clock):
    """The 2017 edition reloaded with two winners, its national jury sitting."""
    text = CONTEST_FILE.read_text(encoding="utf-8").replace("winners = 1", "winners = 2")
    load_edition(text, source=CONTEST_FILE.name, now=clock())
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    return shortlist


def test_first_of_two_winners_leaves_the_others_on_the_shortlist(client, login, two_winners):
    login(two_winners.organiser)

    response = client.form(winner_url(two_winners.alpha), {"rationale": "Exemplaire."})

    assert response.status_code == 302
    assert states(*two_winners.picks) == ["winner", "national_shortlist", "national_shortlist"]
    assert fresh(two_winners.edition).national_stage == "national_jury"
    assert "Le concours a 2 lauréats" in page_text(client.get(winner_url(two_winners.gamma)))


def test_second_winner_settles_the_others_and_both_are_published(client, login, two_winners, smtp_server):
    login(two_winners.organiser)
    assert client.form(winner_url(two_winners.alpha), {"rationale": "Exemplaire."}).status_code == 302

    assert client.form(winner_url(two_winners.gamma), {"rationale": "Reproductible."}).status_code == 302
    assert client.form("/national/publication", {}).status_code == 302

    assert states(*two_winners.picks) == ["winner", "national_not_selected", "winner"]
    edition = fresh(two_winners.edition)
    assert (edition.national_stage, edition.winner_rationale) == (
        "published", "« Alpha » : Exemplaire.\n« Gamma » : Reproductible.")
    public = page_text(client.get("/resultats"))
    assert public.count("Lauréat national") == 2
    assert len(audit("candidature.declare_winner")) == 2 and len(audit("edition.declare_winner")) == 1


def test_ten_tries_for_the_last_winner_place_give_one_winner(app, make_user, two_winners):
    organiser = signed_in_client(app, two_winners.organiser)
    assert organiser.form(winner_url(two_winners.alpha), {"rationale": "Exemplaire."}).status_code == 302
    colleague = signed_in_client(app, make_user(Role.NATIONAL_ORGANISER))
    racers = [copy_of(app, (organiser, colleague)[n % 2]) for n in range(RACERS)]
    urls = [winner_url((two_winners.beta, two_winners.gamma)[n % 2]) for n in range(RACERS)]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer, url in zip(racers, urls)]

    def post(racer, url: str, token: str):
        return racer.post(url, data={"csrf_token": token, "rationale": "Dernière place."}).status_code

    outcomes = at_once(app, [lambda args=args: post(*args) for args in zip(racers, urls, tokens)])

    assert sorted(outcomes) == [302] + [422] * (RACERS - 1)
    assert sorted(states(*two_winners.picks)) == ["national_not_selected", "winner", "winner"]
    assert len(audit("candidature.declare_winner")) == 2

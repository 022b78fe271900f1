"""One winner per edition, with a written rationale, even when two organisers declare at the same moment."""

from __future__ import annotations

from app.extensions import db
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import audit, fresh, sheet, shortlist, states  # noqa: F401  (fixture)
from tests.concurrency import at_once, copy_of, signed_in_client
from tests.conftest import csrf_token
from workflows.states import Role

RATIONALE = "Le partenariat le plus abouti et le plus reproductible."


def winner_url(candidature) -> str:
    return f"/national/laureat/{candidature.id}"


def test_declare_winner_refused_before_the_national_jury_sits(client, login, shortlist):
    login(shortlist.organiser)

    response = client.form(winner_url(shortlist.alpha), {"rationale": RATIONALE})

    assert response.status_code == 422
    assert ("Cette action n’est pas possible pour le concours à l’étape « sélections régionales en cours »."
            in page_text(response))
    assert states(*shortlist.picks) == ["national_shortlist"] * 3
    assert audit("candidature.declare_winner") == []


def test_declare_winner_waits_for_every_national_scoresheet(client, login, make_user, shortlist, clock):
    shortlist.edition.national_stage = "national_jury"
    juror = make_user(Role.NATIONAL_JUROR)
    sheet(shortlist.alpha, juror, [5, 5, 5, 5], "national", clock())
    db.session.commit()
    login(shortlist.organiser)

    response = client.form(winner_url(shortlist.alpha), {"rationale": RATIONALE})

    assert response.status_code == 422
    assert "Il manque 2 grilles d’évaluation du jury national." in page_text(response)
    assert states(*shortlist.picks) == ["national_shortlist"] * 3


def test_declare_winner_requires_a_rationale(client, login, shortlist):
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    login(shortlist.organiser)

    response = client.form(winner_url(shortlist.alpha), {"rationale": "   "})

    assert response.status_code == 422
    assert "Rédigez la motivation de la décision du jury national." in page_text(response)
    assert states(*shortlist.picks) == ["national_shortlist"] * 3


def test_declare_winner_settles_every_other_pick(client, login, shortlist):
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    login(shortlist.organiser)

    response = client.form(winner_url(shortlist.beta), {"rationale": RATIONALE})

    edition = fresh(shortlist.edition)
    assert response.status_code == 302
    assert states(*shortlist.picks) == ["national_not_selected", "winner", "national_not_selected"]
    assert (edition.national_stage, edition.winner_rationale) == ("winner_declared", RATIONALE)
    assert audit("candidature.declare_winner") == [
        (shortlist.beta.id, shortlist.beta.region_id, "national_shortlist", "winner", RATIONALE)]
    assert audit("edition.declare_winner") == [(None, None, "national_jury", "winner_declared", RATIONALE)]
    assert [row[0] for row in audit("candidature.not_select_nationally")] == [shortlist.alpha.id, shortlist.gamma.id]
    assert "« Beta » est le lauréat national." in page_text(client.get("/national/classement"))


def test_declare_winner_refused_for_a_candidature_that_is_not_a_pick(client, login, shortlist):
    login(shortlist.organiser)

    assert client.get(winner_url(shortlist.delta)).status_code == 404


def test_two_organisers_declaring_at_once_give_one_winner_and_one_refusal(app, make_user, shortlist):
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    colleague = make_user(Role.NATIONAL_ORGANISER)
    sessions = [signed_in_client(app, user) for user in (shortlist.organiser, colleague)]
    racers = [copy_of(app, session) for session in sessions]
    urls = [winner_url(shortlist.alpha), winner_url(shortlist.gamma)]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer, url in zip(racers, urls)]

    def post(racer, url: str, token: str):
        response = racer.post(url, data={"csrf_token": token, "rationale": RATIONALE})
        return response.status_code, page_text(response) if response.status_code != 302 else ""

    outcomes = at_once(app, [lambda args=args: post(*args) for args in zip(racers, urls, tokens)])

    assert sorted(status for status, _text in outcomes) == [302, 422]
    [refusal] = [text for status, text in outcomes if status == 422]
    assert "Cette action n’est pas possible pour le concours à l’étape « lauréat désigné »." in refusal
    assert sorted(states(*shortlist.picks)) == ["national_not_selected", "national_not_selected", "winner"]
    assert len(audit("candidature.declare_winner")) == len(audit("edition.declare_winner")) == 1

"""Messages between a candidate and the ARS of their region: both sides write and read one thread
per dossier, the other side is emailed, the log says a message was sent (not what it says), the
candidate only answers after the deadline, the dossier never changes, and nobody else reads it."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import AuditEntry, Candidature, Message
from tests.app.dossier_helpers import review_url
from tests.app.regional_helpers import AFTER_DEADLINE, dossier, page, post_at_once, region  # noqa: F401  (fixture)
from tests.conftest import Client, csrf_token, sign_in
from workflows.states import Role

QUESTION = "Votre dossier ne comporte pas la convention de partenariat : pouvez-vous nous la décrire ?"
ANSWER = "La convention a été signée le 3 mars par la commission des usagers ; elle est en ligne sur notre site."
AFTER_DEADLINE_REFUSAL = ("La date limite de dépôt (dimanche 15 octobre 2017 à minuit, heure de Paris) est passée : "
                          "vous pouvez seulement répondre à un message de l’ARS, une fois par message. Votre dossier "
                          "déposé ne change pas.")


def signed_in(app, user) -> Client:
    """A browser of its own, signed in as ``user``."""
    browser = app.test_client()
    assert sign_in(browser, user.email).status_code == 302
    return browser


def candidate_url(candidature) -> str:
    """The candidate reads the thread on the last step of the dossier."""
    return review_url(candidature)


def candidate_messages(candidature) -> str:
    return f"/candidatures/{candidature.id}/messages"


def ars_url(candidature) -> str:
    return f"/ars/{candidature.region_id}/candidatures/{candidature.id}"


def write(browser, page_url: str, text: str):
    """Post ``text`` with the message form of ``page_url``, as a browser would."""
    token = csrf_token(browser.get(page_url).get_data(as_text=True))
    # The form posts beside the dossier's address (the candidate reads the thread on the dossier's last step).
    return browser.post(re.sub(r"/etape/\d+$", "", page_url) + "/messages", data={"csrf_token": token, "body": text})


def thread(candidature) -> list[tuple[str, int, str]]:
    db.session.expire_all()
    return [(m.side, m.author_id, m.body) for m in db.session.scalars(
        db.select(Message).filter_by(candidature_id=candidature.id).order_by(Message.id))]


def message_rows() -> list[tuple]:
    return [(e.action, e.actor_id, e.actor_role, e.candidature_id, e.region_id, e.reason, e.data)
            for e in db.session.scalars(db.select(AuditEntry).filter_by(action="message.send").order_by(AuditEntry.id))]


@pytest.fixture
def people(app, make_user, dossier, clock):
    """A submitted HDF dossier, its candidate, two HDF organisers (one reading English) and a browser each."""
    candidature = dossier("submitted", receipt_issued_at=clock())
    ars, colleague = make_user(Role.REGIONAL_ORGANISER), make_user(Role.REGIONAL_ORGANISER)
    colleague.preferred_locale = "en"
    db.session.commit()
    return candidature, signed_in(app, candidature.owner), signed_in(app, ars), ars, colleague


def test_both_sides_write_and_read_the_thread_and_the_other_side_is_emailed(people, smtp_server):
    candidature, candidate, ars_browser, ars, colleague = people
    owner = candidature.owner

    asked = write(candidate, candidate_url(candidature), "  Faut-il joindre la charte du comité ?  ")
    answered = write(ars_browser, ars_url(candidature), QUESTION)

    assert (asked.status_code, asked.headers["Location"]) == (302, f"{candidate_url(candidature)}#messages")
    assert answered.status_code == 302
    assert thread(candidature) == [("candidate", owner.id, "Faut-il joindre la charte du comité ?"),
                                   ("ars", ars.id, QUESTION)]
    on_candidate_page = page(candidate.get(candidate_url(candidature)))
    on_ars_page = page(ars_browser.get(ars_url(candidature)))
    assert "Vous\n        <span" in on_candidate_page and "ARS Hauts-de-France" in on_candidate_page
    assert on_candidate_page.index("Faut-il joindre") < on_candidate_page.index(QUESTION)
    assert "Candidat\n" in on_ars_page and QUESTION in on_ars_page
    # The candidate's message went to both organisers of the region, each in their language; the answer to the owner.
    [to_ars] = smtp_server.to(ars.email)
    [to_colleague] = smtp_server.to(colleague.email)
    [to_owner] = smtp_server.to(owner.email)
    assert to_ars.message["Subject"] == f"Message d’un candidat — {candidature.title}"
    assert to_colleague.message["Subject"] == f"Message from an applicant — {candidature.title}"
    assert to_owner.message["Subject"] == "Message de l’ARS sur votre candidature"
    assert to_ars.link("http://127.0.0.1:5000") == f"{ars_url(candidature)}#messages"
    assert to_owner.link("http://127.0.0.1:5000") == f"{candidate_url(candidature)}#messages"
    assert QUESTION not in to_owner.body  # the text stays in the app, behind the sign-in


def test_the_log_says_a_message_was_sent_not_what_it_says(people):
    candidature, candidate, ars_browser, ars, _colleague = people

    write(candidate, candidate_url(candidature), "Mon numéro personnel est le 06 12 34 56 78.")
    write(ars_browser, ars_url(candidature), QUESTION)

    ids = [message_id for message_id, in db.session.execute(db.select(Message.id).order_by(Message.id))]
    assert message_rows() == [
        ("message.send", candidature.owner_id, "candidate", candidature.id, candidature.region_id, None,
         {"message_id": ids[0], "side": "candidate"}),
        ("message.send", ars.id, "regional_organiser", candidature.id, candidature.region_id, None,
         {"message_id": ids[1], "side": "ars"}),
    ]


def test_after_the_deadline_the_candidate_only_answers_and_the_dossier_stays_frozen(people, clock):
    candidature, candidate, ars_browser, _ars, _colleague = people
    before = (candidature.dossier(), candidature.version, candidature.updated_at, candidature.receipt_issued_at,
              candidature.state)
    clock.set(AFTER_DEADLINE)

    first = write(candidate, candidate_url(candidature), "Une précision sur notre projet.")
    asked = write(ars_browser, ars_url(candidature), QUESTION)
    answer = write(candidate, candidate_url(candidature), ANSWER)
    again = write(candidate, candidate_url(candidature), "Et un ajout oublié.")

    assert (first.status_code, asked.status_code, answer.status_code, again.status_code) == (422, 302, 302, 422)
    assert AFTER_DEADLINE_REFUSAL in page(first) and "Une précision sur notre projet." in page(first)
    assert "Et un ajout oublié." in page(again)  # nothing typed is lost
    assert [body for _side, _author, body in thread(candidature)] == [QUESTION, ANSWER]
    db.session.expire_all()
    found = db.session.get(Candidature, candidature.id)
    assert (found.dossier(), found.version, found.updated_at, found.receipt_issued_at, found.state) == before
    assert AFTER_DEADLINE_REFUSAL in page(candidate.get(candidate_url(candidature)))  # said before typing, too


def test_two_answers_at_once_after_the_deadline_make_one(app, people, clock):
    candidature, candidate, ars_browser, _ars, _colleague = people
    clock.set(AFTER_DEADLINE)
    write(ars_browser, ars_url(candidature), QUESTION)

    statuses = post_at_once(app, candidate, candidate_url(candidature), candidate_messages(candidature),
                            {"body": ANSWER})

    assert sorted(statuses) == [302, 422]
    assert [side for side, _author, _body in thread(candidature)] == ["ars", "candidate"]


@pytest.mark.parametrize(("text", "problem"), [
    ("   ", "Écrivez votre message."),
    ("x" * 2001, "Le texte ne doit pas dépasser 2000 caractères (2001 saisis)."),
])
def test_a_blank_or_too_long_message_is_refused_and_kept(people, text, problem):
    candidature, candidate, _ars_browser, _ars, _colleague = people

    response = write(candidate, candidate_url(candidature), text)

    assert response.status_code == 422
    assert problem in page(response)
    if text.strip():
        assert text in page(response)
    assert thread(candidature) == [] and message_rows() == []


def test_no_thread_on_a_draft(app, make_user, dossier):
    draft = dossier("draft")
    candidate = signed_in(app, draft.owner)

    response = write(candidate, candidate_url(draft), "Bonjour")

    assert response.status_code == 422
    assert "Les messages avec l’ARS s’ouvrent une fois le dossier déposé." in page(response)
    assert thread(draft) == []


def test_the_ars_writes_only_while_its_region_examines_dossiers(people, clock):
    candidature, _candidate, ars_browser, _ars, _colleague = people
    clock.set(AFTER_DEADLINE)
    region("HDF").stage = "closed"
    db.session.commit()

    response = write(ars_browser, ars_url(candidature), QUESTION)

    assert response.status_code == 422
    assert ("L’envoi d’un message au candidat sur son dossier n’est pas possible quand la région est à l’étape "
            "« sélection régionale close ».") in page(response)
    assert QUESTION in page(response)
    assert thread(candidature) == []


def test_strangers_neither_read_nor_write(app, people, make_user, dossier):
    candidature, candidate, _ars_browser, _ars, _colleague = people
    write(candidate, candidate_url(candidature), "Une question pour l’ARS.")
    other_region = signed_in(app, make_user(Role.REGIONAL_ORGANISER, region="IDF"))
    other_candidate = signed_in(app, dossier("submitted").owner)
    juror = signed_in(app, make_user(Role.REGIONAL_JUROR))
    idf_page = f"/ars/{region('IDF').id}/candidatures/{candidature.id}"

    def post(browser, url: str, token_page: str) -> int:
        token = csrf_token(browser.get(token_page).get_data(as_text=True))
        return browser.post(url, data={"csrf_token": token, "body": "Intrusion"}).status_code

    statuses = [
        other_region.get(ars_url(candidature)).status_code, other_region.get(idf_page).status_code,
        post(other_region, f"{ars_url(candidature)}/messages", f"/ars/{region('IDF').id}"),
        post(other_region, f"{idf_page}/messages", f"/ars/{region('IDF').id}"),
        other_candidate.get(candidate_url(candidature)).status_code,
        post(other_candidate, candidate_messages(candidature), "/candidatures"),
        juror.get(ars_url(candidature)).status_code, juror.get(candidate_url(candidature)).status_code,
        post(juror, f"{ars_url(candidature)}/messages", "/jury"),
        post(juror, candidate_messages(candidature), "/jury"),
    ]

    assert statuses == [404, 404, 404, 404, 404, 404, 403, 403, 403, 403]
    assert [body for _side, _author, body in thread(candidature)] == ["Une question pour l’ARS."]


def test_national_organisers_read_the_thread_without_writing(app, people, make_user):
    candidature, candidate, _ars_browser, _ars, _colleague = people
    write(candidate, candidate_url(candidature), "Une question pour l’ARS.")
    national = signed_in(app, make_user(Role.NATIONAL_ORGANISER))

    shown = page(national.get(ars_url(candidature)))
    token = csrf_token(national.get(f"/ars/{candidature.region_id}").get_data(as_text=True))
    posted = national.post(f"{ars_url(candidature)}/messages", data={"csrf_token": token, "body": "Bonjour"})

    assert "Une question pour l’ARS." in shown and "Envoyer le message" not in shown
    assert posted.status_code == 403
    assert len(thread(candidature)) == 1


def test_dashboard_and_candidate_list_show_the_dossiers_awaiting_an_answer(people, dossier):
    candidature, candidate, ars_browser, _ars, _colleague = people
    other = dossier("submitted")
    hdf = f"/ars/{candidature.region_id}"
    waiting_ars, waiting_candidate = "Le candidat attend une réponse", "L’ARS attend votre réponse"

    write(candidate, candidate_url(candidature), "Une question pour l’ARS.")
    dashboard_asked = page(ars_browser.get(hdf))
    list_asked = page(candidate.get("/candidatures"))
    write(ars_browser, ars_url(candidature), QUESTION)
    dashboard_answered = page(ars_browser.get(hdf))
    list_answered = page(candidate.get("/candidatures"))

    assert dashboard_asked.count(waiting_ars) == 1
    assert f'/candidatures/{candidature.id}#messages">{waiting_ars}' in dashboard_asked
    assert f'/candidatures/{other.id}#messages' not in dashboard_asked
    assert "1 dossier a un message du candidat qui attend une réponse." in dashboard_asked
    assert waiting_candidate not in list_asked
    assert waiting_ars not in dashboard_answered
    assert f'{candidate_url(candidature)}#messages">{waiting_candidate}' in list_answered


def test_the_candidates_data_holds_the_thread_and_an_erasure_removes_it(people):
    from app.privacy.erasure import anonymise_candidature
    from tests.app.privacy_helpers import archive

    candidature, candidate, ars_browser, _ars, _colleague = people
    write(ars_browser, ars_url(candidature), QUESTION)
    write(candidate, candidate_url(candidature), ANSWER)

    data, _entries = archive(candidate.get(f"/donnees-personnelles/dossiers/{candidature.id}.zip"))
    anonymise_candidature(db.session.get(Candidature, candidature.id), now=candidature.updated_at)
    db.session.commit()

    assert [(m["side"], m["body"]) for m in data["candidatures"][0]["messages"]] == [
        ("ars", QUESTION), ("candidate", ANSWER)]
    assert thread(candidature) == []
    assert len(message_rows()) == 2  # the log keeps that messages were sent, never their text

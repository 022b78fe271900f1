"""SMTP down while candidates submit and while the results are published: the requests succeed,
the emails wait in the outbox and leave once SMTP is back, each exactly once."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from pypdf import PdfReader

from app.extensions import db
from app.mail import RETRY_DELAY, queue_email
from app.models import OutboxEmail
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import fresh, shortlist  # noqa: F401  (fixture)
from tests.app.test_dossier import candidate, complete_form, draft, post_dossier, reload  # noqa: F401  (fixtures)
from tests.app.test_national_results import declared

RECIPIENTS = ["alpha@example.org", "beta@example.org", "delta@example.org", "epsilon@example.org",
              "gamma@example.org"]


def outbox() -> list[tuple[str, bool]]:
    """(recipient, sent) for each queued email."""
    db.session.expire_all()
    return db.session.execute(
        db.select(OutboxEmail.recipient, OutboxEmail.sent_at.is_not(None)).order_by(OutboxEmail.id)).all()


def retry(queue, number: int) -> datetime:
    """When the job's ``number``-th retry is due (Huey doubles the delay each time), with a minute to spare."""
    return queue.later(timedelta(seconds=RETRY_DELAY * 2 ** (number - 1)) + timedelta(minutes=1))


def next_sweep(queue, hours: int = 1) -> datetime:
    """A moment the periodic sweep runs at, ``hours`` ahead (on the hour)."""
    return queue.later(timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)


def test_submission_while_smtp_is_down_keeps_its_receipt_and_emails_it_once_smtp_is_back(
        client, draft, queue, smtp_server):
    smtp_server.stop()

    response = post_dossier(client, draft, complete_form(), action="submit")

    draft = reload(draft)
    assert (response.status_code, draft.state) == (302, "submitted")
    assert f"Votre candidature est déposée. Récépissé n° {draft.receipt_number}." in page_text(
        client.get(response.headers["Location"]))
    receipt = client.get(f"/candidatures/{draft.id}/recepisse.pdf")
    assert (receipt.status_code, receipt.headers["Content-Type"]) == (200, "application/pdf")
    assert draft.receipt_number in "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.data)).pages)
    owner = draft.owner.email

    assert queue.work() == 1  # the job: SMTP refuses the connection
    assert queue.work(at=retry(queue, 1)) == 1  # its first retry: still down
    assert (outbox(), queue.scheduled(), smtp_server.messages) == ([(owner, False)], 1, [])

    smtp_server.start()
    assert queue.work(at=retry(queue, 2)) == 1  # the second retry delivers

    assert outbox() == [(owner, True)]
    assert [(m.envelope_to, m.message["Subject"]) for m in smtp_server.messages] == [
        ([owner], f"Récépissé de dépôt — {draft.receipt_number}")]
    assert queue.scheduled() == 0
    assert queue.work(at=next_sweep(queue), periodic=True) == 1  # the periodic sweep finds nothing left to send
    assert len(smtp_server.messages) == 1
    email = db.session.scalar(db.select(OutboxEmail))
    assert (email.attempts, email.last_error) == (3, None)


def test_publication_while_smtp_goes_down_sends_every_result_once_smtp_is_back(
        client, login, shortlist, queue, smtp_server, clock):
    declared(shortlist, shortlist.alpha)
    login(shortlist.organiser)
    smtp_server.shut_down_after(2)  # the server goes down in the middle of the job's batch

    response = client.form("/national/publication", {})

    assert response.status_code == 302
    assert fresh(shortlist.edition).published_at == clock()
    assert queue.work() == 1
    delivered = [m.envelope_to[0] for m in smtp_server.messages]
    assert (len(delivered), [sent for _, sent in outbox()]) == (2, [True, True, False, False, False])

    smtp_server.stop()  # and stays down longer than the job's retries
    for number in (1, 2, 3):
        assert queue.work(at=retry(queue, number)) == 1
    assert queue.scheduled() == 0  # the job has given up: the outbox still holds the three emails
    assert [sent for _, sent in outbox()] == [True, True, False, False, False]

    smtp_server.start()
    assert queue.work(at=next_sweep(queue), periodic=True) == 1  # the periodic sweep sends what is left

    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == RECIPIENTS
    assert [sent for _, sent in outbox()] == [True] * 5
    assert queue.work(at=next_sweep(queue, hours=2), periodic=True) == 1  # a later sweep sends nothing more
    assert len(smtp_server.messages) == 5


def test_sweep_goes_past_an_email_the_server_refuses_to_the_next_ones(app, clock, queue, smtp_server):
    queue_email("event:1", "personne@example.org", "Sujet", "Corps", clock())
    queue_email("event:2", "b@example.org", "Sujet", "Corps", clock())
    db.session.commit()
    smtp_server.refuse("personne@example.org")

    assert queue.work(at=next_sweep(queue), periodic=True) == 1

    assert outbox() == [("personne@example.org", False), ("b@example.org", True)]
    assert [m.envelope_to for m in smtp_server.messages] == [["b@example.org"]]

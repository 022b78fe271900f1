"""The email outbox: idempotent queuing, delivery over real SMTP, nothing lost when SMTP is down."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from app.extensions import db
from app.mail import SendReport, outbox_send, queue_email, send_pending
from app.models import OutboxEmail
from tests.app.test_registration import register
from tests.smtp import free_port


def outbox_rows() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        db.select(OutboxEmail.key, OutboxEmail.recipient, OutboxEmail.attempts, OutboxEmail.sent_at.is_not(None))
        .order_by(OutboxEmail.id)
    ).all()


def test_queue_email_same_key_twice_queues_one_email(app, clock):
    first = queue_email("event:1", "a@example.org", "Sujet", "Corps", clock())
    second = queue_email("event:1", "a@example.org", "Sujet", "Corps", clock())
    db.session.commit()

    assert first is not None
    assert second is None
    assert outbox_rows() == [("event:1", "a@example.org", 0, False)]


def test_queue_email_rolled_back_with_the_change_it_reports(app, clock):
    queue_email("event:1", "a@example.org", "Sujet", "Corps", clock())
    db.session.rollback()

    assert outbox_rows() == []


def test_queue_email_racing_transactions_queue_one_email(app, clock):
    first_flushed = threading.Event()
    queued = {}

    def queue(name: str) -> None:
        with app.app_context():
            queued[name] = queue_email("event:1", "a@example.org", "Sujet", "Corps", clock()) is not None
            if name == "first":
                first_flushed.set()
                time.sleep(0.3)  # the second transaction now waits on our row (or our lock)
            db.session.commit()

    threads = [threading.Thread(target=queue, args=("first",)), threading.Thread(target=queue, args=("second",))]
    threads[0].start()
    first_flushed.wait(5)
    threads[1].start()
    for thread in threads:
        thread.join(15)

    assert queued == {"first": True, "second": False}
    assert outbox_rows() == [("event:1", "a@example.org", 0, False)]


def test_send_pending_delivers_utf8_text_with_headers(app, clock, smtp_server):
    queue_email("event:1", "élise@example.org", "Accusé de réception — dossier n° 7", "Bonjour Élise,\nÇa marche.",
                clock())
    db.session.commit()

    report = send_pending(clock())

    assert report == SendReport(sent=1, failed=0)
    [received] = smtp_server.messages
    message = received.message
    assert received.envelope_to == ["élise@example.org"]
    assert (message["To"], message["Subject"]) == ("élise@example.org", "Accusé de réception — dossier n° 7")
    assert message["From"] == app.config["MAIL_FROM"]
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert received.body == "Bonjour Élise,\nÇa marche.\n"
    assert message["Message-ID"].endswith("@concours.invalid>")
    assert message["Date"].datetime == clock()
    assert outbox_rows() == [("event:1", "élise@example.org", 1, True)]


def test_send_pending_sends_each_email_once(app, clock, smtp_server):
    for number in range(3):
        queue_email(f"event:{number}", f"p{number}@example.org", "Sujet", "Corps", clock())
    db.session.commit()

    first, second = send_pending(clock()), send_pending(clock())

    assert (first, second) == (SendReport(sent=3), SendReport())
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == [f"p{n}@example.org" for n in range(3)]


def test_send_pending_respects_the_limit_oldest_first(app, clock, smtp_server):
    for number in range(3):
        queue_email(f"event:{number}", f"p{number}@example.org", "Sujet", "Corps", clock())
    db.session.commit()

    assert send_pending(clock(), limit=2) == SendReport(sent=2)
    assert [m.envelope_to for m in smtp_server.messages] == [["p0@example.org"], ["p1@example.org"]]


def test_send_pending_with_smtp_down_keeps_the_email_with_its_error(app, clock):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    queue_email("event:1", "a@example.org", "Sujet", "Corps", clock())
    queue_email("event:2", "b@example.org", "Sujet", "Corps", clock())
    db.session.commit()

    report = send_pending(clock())

    assert report == SendReport(sent=0, failed=1, unreachable=True)  # the batch stops at the first
    email = db.session.scalar(db.select(OutboxEmail).filter_by(key="event:1"))
    assert (email.attempts, email.sent_at) == (1, None)
    assert email.last_error.startswith("ConnectionRefusedError")
    assert outbox_rows()[1] == ("event:2", "b@example.org", 0, False)


def test_outbox_send_command_after_an_outage_delivers_exactly_once(app, clock, smtp_server):
    smtp_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    queue_email("event:1", "a@example.org", "Sujet", "Corps", clock())
    db.session.commit()
    send_pending(clock())
    app.config["SMTP_PORT"] = smtp_port
    clock.advance(timedelta(minutes=5))

    first = app.test_cli_runner().invoke(outbox_send)
    second = app.test_cli_runner().invoke(outbox_send)

    assert (first.exit_code, first.output) == (0, "Courriels envoyés : 1, en échec : 0, en attente : 0.\n")
    assert (second.exit_code, second.output) == (0, "Courriels envoyés : 0, en échec : 0, en attente : 0.\n")
    assert [m.envelope_to for m in smtp_server.messages] == [["a@example.org"]]
    email = db.session.scalar(db.select(OutboxEmail).filter_by(key="event:1"))
    assert (email.attempts, email.sent_at, email.last_error) == (2, clock(), None)


def test_outbox_send_command_with_smtp_down_says_so_and_fails(app, clock):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    queue_email("event:1", "a@example.org", "Sujet", "Corps", clock())
    db.session.commit()

    result = app.test_cli_runner().invoke(outbox_send)

    assert (result.exit_code, result.output) == (1, "Courriels envoyés : 0, en échec : 1, en attente : 1.\n")


def test_request_leaves_its_email_to_the_job(app, client, clock, queue, smtp_server):
    response = register(client, "nouvelle@example.org")

    assert response.status_code == 302
    assert smtp_server.messages == []  # no SMTP inside the request
    assert [row[1:] for row in outbox_rows()] == [("nouvelle@example.org", 0, False)]
    assert queue.pending() == 1

    assert queue.work() == 1
    assert [m.envelope_to for m in smtp_server.messages] == [["nouvelle@example.org"]]
    assert [row[1:] for row in outbox_rows()] == [("nouvelle@example.org", 1, True)]


def test_queue_email_asks_for_the_job_only_once_committed(app, clock, queue):
    with app.test_request_context(method="POST"):  # a request that writes
        queue_email("event:1", "a@example.org", "Sujet", "Corps", clock())
        db.session.rollback()
        rolled_back = queue.pending()
        queue_email("event:2", "b@example.org", "Sujet", "Corps", clock())
        queue_email("event:3", "c@example.org", "Sujet", "Corps", clock())
        db.session.commit()

    assert (rolled_back, queue.pending()) == (0, 1)  # one job for the transaction's two emails


def test_job_with_smtp_down_is_retried_later_and_outbox_send_still_delivers(app, client, clock, queue,
                                                                            smtp_server):
    smtp_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    register(client, "nouvelle@example.org")

    assert queue.work() == 1
    assert (queue.pending(), queue.scheduled()) == (0, 1)  # Huey runs the job again in a few minutes
    email = db.session.scalar(db.select(OutboxEmail))
    assert (email.attempts, email.sent_at) == (1, None)
    assert email.last_error.startswith("ConnectionRefusedError")

    app.config["SMTP_PORT"] = smtp_port
    result = app.test_cli_runner().invoke(outbox_send)

    assert (result.exit_code, result.output) == (0, "Courriels envoyés : 1, en échec : 0, en attente : 0.\n")
    assert [m.envelope_to for m in smtp_server.messages] == [["nouvelle@example.org"]]


def test_consumer_delivers_the_email_of_a_request(app, client, clock, worker, smtp_server):
    register(client, "nouvelle@example.org")

    [received] = smtp_server.wait_for("nouvelle@example.org")
    assert received.message["Subject"] == "Confirmez votre adresse électronique"

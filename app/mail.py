"""The email outbox: queue in the caller's transaction, send over SMTP after the commit.

Invariants:
- an email is queued in the same transaction as the change it reports, so a rolled-back change
  sends nothing and a committed one is never forgotten;
- a request's emails leave once its transaction has committed, by construction: queuing one asks
  for the ``send_queued`` job after the commit (``app.tasks``), which a worker runs outside the
  request (no route has to remember it, no request waits for SMTP);
- nothing waits forever: every ``SWEEP_MINUTES`` the worker sends whatever is still pending (what a
  command queued, what outlived its job's retries during a long SMTP outage), as does
  ``flask --app app outbox send`` at once;
- one idempotency ``key`` per event: queuing twice (a double click, a retried request) yields one row,
  guaranteed by the unique constraint even when two transactions race (``ON CONFLICT DO NOTHING``);
- a failed delivery leaves the row pending with ``attempts`` and ``last_error``; the job tries
  again (``RETRIES`` times, minutes apart), then the periodic sweep does;
- a row is locked while it is being sent (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
  serialises every transaction), so two senders never deliver the same row twice.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import click
from flask import current_app, has_request_context
from flask.cli import AppGroup
from huey import crontab
from sqlalchemy.orm import Session

from app import clock, tasks
from app.database import insert
from app.extensions import db
from app.models import Candidature, OutboxEmail, User

ERROR_LENGTH = 300
RETRIES, RETRY_DELAY = 3, 120  # seconds, doubled at each retry: a server restart, not an outage
SWEEP_MINUTES = 10  # a longer outage: the periodic sweep sends what is left once SMTP is back
BATCH = 100
# Refusals of one message; any other OSError (smtplib's errors included) means the server cannot
# be reached, and the rest of the batch would fail the same way.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
                  smtplib.SMTPNotSupportedError, ValueError)


@contextmanager
def written_for(user: User) -> Iterator[None]:
    """Write an email in its recipient's language: the one they chose on the site (kept in their
    account), else French. Texts, numbers and dates said inside the block use it."""
    from flask_babel import force_locale

    languages = current_app.config["LANGUAGES"]
    chosen = user.preferred_locale if user.preferred_locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(chosen):
        yield


def signature() -> str:
    from flask_babel import gettext as _

    """What ends every email, after a blank line."""
    return "\n\n" + _("--\nConcours « Usagers, soignants : partenaires pour la sécurité des patients »\n"
                      "Message automatique : merci de ne pas y répondre.")


def queue_email(key: str, recipient: str, subject: str, body: str, now: datetime,
                candidature: Candidature | None = None) -> int | None:
    """Add an email to the outbox in the caller's transaction; its id, or None when ``key`` is already
    queued. One statement: the unique key settles a double click and two racing transactions alike."""
    email_id = db.session.scalar(
        insert(OutboxEmail).values(key=key, recipient=recipient, subject=subject, body=body, created_at=now,
                                   candidature_id=candidature.id if candidature else None, attempts=0)
        .on_conflict_do_nothing(index_elements=[OutboxEmail.key]).returning(OutboxEmail.id))
    if email_id is not None and has_request_context():
        tasks.after_commit(send_queued, key)
    return email_id


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    unreachable: bool = False  # the batch stopped: the server could not be reached


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    """A UTF-8 text/plain message; retries keep the same Message-ID so receivers can deduplicate."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = f"<{hashlib.sha256(email.key.encode()).hexdigest()[:40]}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body, subtype="plain", charset="utf-8")
    return message


class _Connection:
    """One SMTP connection per batch, opened on the first message."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        self.smtp.send_message(message)

    def _open(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.config["SMTP_HOST"], int(self.config["SMTP_PORT"]),
                            timeout=self.config["SMTP_TIMEOUT"])
        if self.config["SMTP_STARTTLS"]:
            smtp.starttls()
        if self.config["SMTP_USERNAME"]:
            smtp.login(self.config["SMTP_USERNAME"], self.config["SMTP_PASSWORD"] or "")
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except OSError:  # smtplib's errors are OSErrors
                self.smtp.close()


def _short_error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]


def _send_one(session: Session, email_id: int, connection: _Connection, now: datetime) -> bool | None:
    """Send one pending email and commit its new state; None when it is gone or being sent elsewhere.

    Raises the connection error (after recording it) when the server cannot be reached.
    """
    email = session.scalar(
        db.select(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.sent_at.is_(None))
        .with_for_update(skip_locked=True)
    )
    if email is None:
        session.rollback()
        return None
    email.attempts += 1
    try:
        connection.send(build_message(email, current_app.config["MAIL_FROM"]))
    except (*MESSAGE_ERRORS, OSError) as error:
        email.last_error = _short_error(error)
        session.commit()
        current_app.logger.warning("outbox: email %s not sent: %s", email_id, _short_error(error))
        if not isinstance(error, MESSAGE_ERRORS):
            raise
        return False
    email.sent_at, email.last_error = now, None
    session.commit()
    return True


def _send_ids(session: Session, ids: list[int], now: datetime) -> SendReport:
    sent = failed = 0
    connection = _Connection(current_app.config)
    try:
        for email_id in ids:
            try:
                outcome = _send_one(session, email_id, connection, now)
            except OSError:
                # The server is unreachable: the rest stays queued for the next run.
                return SendReport(sent=sent, failed=failed + 1, unreachable=True)
            sent += outcome is True
            failed += outcome is False
    finally:
        connection.close()
    return SendReport(sent=sent, failed=failed)


def _pending_ids(limit: int, after: int = 0) -> list[int]:
    """The unsent emails' ids after ``after``, oldest first."""
    return list(db.session.scalars(
        db.select(OutboxEmail.id).where(OutboxEmail.sent_at.is_(None), OutboxEmail.id > after)
        .order_by(OutboxEmail.id).limit(limit)
    ))


def send_pending(now: datetime, limit: int = BATCH) -> SendReport:
    """Send up to ``limit`` unsent emails, oldest first; call it with no unfinished work, as each
    email's new state is committed."""
    return _send_ids(db.session, _pending_ids(limit), now)


class NotSent(Exception):
    """Some emails of the job stayed pending: Huey runs it again later."""


@tasks.job(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=2)
def send_queued(keys: list[str]) -> None:
    """The job a request's commit enqueues: send the emails it queued that are still pending."""
    ids = db.session.scalars(
        db.select(OutboxEmail.id).where(OutboxEmail.key.in_(keys), OutboxEmail.sent_at.is_(None))
        .order_by(OutboxEmail.id)
    ).all()
    db.session.rollback()  # the SELECT's transaction must not hold SQLite's lock while SMTP talks
    report = _send_ids(db.session, list(ids), clock.now())
    if report.failed:
        raise NotSent(f"{report.failed} courriel(s) non envoyé(s)")


@tasks.job(schedule=crontab(minute=f"*/{SWEEP_MINUTES}"))
def sweep_outbox() -> None:
    """The periodic job: go through every pending email, a batch at a time, unless SMTP cannot be
    reached (an email the server refused stays pending without holding back the ones after it)."""
    after = 0
    while ids := _pending_ids(BATCH, after):
        db.session.rollback()  # the SELECT's transaction must not hold SQLite's lock while SMTP talks
        if _send_ids(db.session, ids, clock.now()).unreachable:
            return
        after = ids[-1]


outbox_cli = AppGroup("outbox", help="Emails waiting in the outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=BATCH, show_default=True, help="Maximum number of emails to send.")
def outbox_send(limit: int) -> None:
    """Send the pending emails; exit code 1 when some could not be sent."""
    report = send_pending(clock.now(), limit=limit)
    pending = db.session.scalar(db.select(db.func.count(OutboxEmail.id)).where(OutboxEmail.sent_at.is_(None)))
    click.echo(f"Courriels envoyés : {report.sent}, en échec : {report.failed}, en attente : {pending}.")
    if report.failed:
        raise SystemExit(1)

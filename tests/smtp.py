"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for the email tests."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    envelope_to: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")

    def link(self, base_url: str) -> str:
        """The path of the first link to ``base_url`` in the body."""
        match = re.search(re.escape(base_url.rstrip("/")) + r"(/\S*)", self.body)
        assert match, f"no link to {base_url} in: {self.body}"
        return match.group(1)


class Handler:
    def __init__(self):
        self.messages: list[Received] = []
        self.arrival = threading.Condition()
        self.accepts: int | None = None  # messages still accepted before shutting down; None: no limit
        self.unknown: set[str] = set()  # recipients refused as unknown mailboxes

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.accepts is not None:
            if self.accepts == 0:
                return "421 Service shutting down, closing transmission channel"
            self.accepts -= 1
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.arrival:
            self.messages.append(Received(list(envelope.rcpt_tos), parsed))
            self.arrival.notify_all()
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Handler = field(repr=False)
    controller: Controller | None = field(default=None, repr=False)

    def start(self) -> None:
        """Listen on the server's port (again, after ``stop``), keeping what was received."""
        self.handler.accepts = None
        self.controller = Controller(self.handler, hostname=self.host, port=self.port, enable_SMTPUTF8=True)
        self.controller.start()

    def refuse(self, recipient: str) -> None:
        """Refuse ``recipient`` as an unknown mailbox (550), as a real server does."""
        self.handler.unknown.add(recipient)

    def shut_down_after(self, count: int) -> None:
        """Accept ``count`` more messages, then answer each next one 421 (shutting down, RFC 5321:
        the client closes the session); ``stop`` then closes the port."""
        self.handler.accepts = count

    def stop(self) -> None:
        """Close the port, as a mail server that is down: connections are refused until ``start``."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def to(self, recipient: str) -> list[Received]:
        return [m for m in self.messages if recipient in m.envelope_to]

    def wait_for(self, recipient: str, subject: str | None = None, timeout: float = 10) -> list[Received]:
        """The messages to ``recipient`` (with ``subject``), waiting until one has arrived or ``timeout``
        (the live server's threads send them while the browser goes on)."""

        def found() -> list[Received]:
            return [m for m in self.to(recipient) if subject in (None, m.message["Subject"])]

        with self.handler.arrival:
            self.handler.arrival.wait_for(found, timeout)
        return found()


@pytest.fixture
def smtp_server(app):
    """A running SMTP server the app sends to (SMTP_HOST/SMTP_PORT point at it)."""
    server = SmtpServer("127.0.0.1", free_port(), Handler())
    server.start()
    app.config.update(SMTP_HOST=server.host, SMTP_PORT=server.port)
    try:
        yield server
    finally:
        server.stop()

"""A real SMTP server on loopback for the tests (aiosmtpd), which records what
arrives and can be told to refuse messages (a failing server)."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


class Recorder:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse = False  # answer 451 to every message

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Tijdelijk niet beschikbaar"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), parsed)
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.recorder = Recorder()
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port
        )

    @property
    def received(self) -> list[Received]:
        return self.recorder.received

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout_s: float = 15) -> list[Received]:
        """Wait until ``count`` messages arrived (the outbox sends in the
        background)."""
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, (
            f"{len(self.received)} of {count} messages arrived"
        )
        return self.received

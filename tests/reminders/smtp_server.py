"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts, parsed, for the tests
that send reminders through the SMTP backend."""

from __future__ import annotations

import asyncio
import email
import socket
import threading

from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server accepted, in order; each message parsed."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[email.message.Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    def __init__(self, inbox: Inbox, port: int) -> None:
        self.inbox, self.port = inbox, port
        self.controller: Controller | None = None

    def start(self) -> None:
        controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        controller.start()
        self.controller = controller

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

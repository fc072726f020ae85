"""A real SMTP server (aiosmtpd) that the stack's worker sends to; the drills make it refuse mail."""

import asyncio
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class SinkHandler:
    """Accepts mail, or answers `refuse_data_with` (e.g. "451 ...") to every DATA, or 550 to some recipients."""

    messages: list[Received] = field(default_factory=list)
    refuse_data_with: str | None = None
    refused_recipients: set[str] = field(default_factory=set)
    attempts: int = 0
    delay_data_seconds: float = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay_data_seconds:
            await asyncio.sleep(self.delay_data_seconds)
            return "451 4.3.0 Took too long"
        with self.lock:
            self.attempts += 1
            if self.refuse_data_with:
                return self.refuse_data_with
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]


def start(port: int) -> tuple[Controller, SinkHandler]:
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler

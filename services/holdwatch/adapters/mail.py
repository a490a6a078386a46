"""E-mail delivery over SMTP (aiosmtplib): one message with a text and an HTML body.

Each message's Message-ID is derived from the delivery's id, so a re-sent delivery (at
least once: the server may have taken a message whose acceptance the notifier never saw)
carries the same Message-ID and mail clients show it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from holdwatch.app.ports import Outcome


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0


def message_id_for(delivery_id: str, sender: str) -> str:
    """RFC 5322 msg-id from the delivery id: the same on every attempt of one delivery."""
    _, at, domain = sender.rpartition("@")
    domain = domain.strip(" >") if at else ""
    domain = domain or "holdwatch.invalid"
    return f"<{delivery_id}.holdwatch@{domain}>"


class MailSender:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, to: str, subject: str, text: str, html: str, message_id: str) -> Outcome:
        c = self.config
        msg = EmailMessage()
        msg["From"] = c.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = message_id_for(message_id, c.sender)
        msg["X-Holdwatch-Delivery"] = message_id
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
        try:
            await aiosmtplib.send(
                msg,
                hostname=c.host,
                port=c.port,
                username=c.username,
                password=c.password,
                start_tls=c.starttls,
                timeout=c.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            return Outcome(ok=False, error=type(exc).__name__)
        return Outcome(ok=True)

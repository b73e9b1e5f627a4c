"""The one message shape every notifier sends, and its rendering as an RFC 5322 e-mail."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime


@dataclass(frozen=True)
class Message:
    """One e-mail: ``key`` identifies it, so a re-send of the same digest can be recognised."""

    to: str
    cc: tuple[str, ...]
    subject: str
    body: str
    key: str
    kind: str = "default"  # selects the GOV.UK Notify template
    headers: tuple[tuple[str, str], ...] = field(default=())

    @property
    def recipients(self) -> tuple[str, ...]:
        return (self.to, *(c for c in self.cc if c != self.to))


def key_digest(key: str, length: int = 32) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:length]


def message_id(key: str) -> str:
    """A Message-ID derived from the key: a re-sent digest carries the same id, so clients can dedupe."""
    return f"<{key_digest(key)}@ehcp.invalid>"


# Lines up to 998 characters (RFC 5322): ASCII digests go out as readable 7bit text, not quoted-printable.
POLICY = policy.SMTP.clone(max_line_length=998)


def to_email(message: Message, mail_from: str, *, now: datetime | None = None) -> EmailMessage:
    email = EmailMessage(policy=POLICY)
    email["From"] = mail_from
    email["To"] = message.to
    if message.cc:
        email["Cc"] = ", ".join(message.cc)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now or datetime.now(UTC))
    email["Message-ID"] = message_id(message.key)
    email["X-EHCP-Key"] = key_digest(message.key)
    for name, value in message.headers:
        email[name] = value
    email.set_content(message.body)
    return email


_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


def file_stem(key: str) -> str:
    """A readable, file-system-safe name for a key, with a short hash so distinct keys never collide."""
    slug = _UNSAFE.sub("_", key).strip("._")[:120] or "message"
    return f"{slug}-{key_digest(key, 8)}"

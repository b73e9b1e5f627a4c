"""SMTP delivery with the standard library: TLS ``none`` | ``starttls`` | ``ssl``, optional AUTH.

The password is held only to log in; it is not in the repr, and errors are re-raised as
:class:`SmtpDeliveryError` naming the host, the port, the reply code and the server's own reason (or
the connection error): enough to act on, never the password or the message.
"""

from __future__ import annotations

import smtplib
import ssl
from typing import TYPE_CHECKING

from ehcp.notify.message import Message, to_email

if TYPE_CHECKING:
    from ehcp.config import Settings

TLS_MODES = ("none", "starttls", "ssl")


class SmtpDeliveryError(RuntimeError):
    """Delivery failed; the text carries no password and no message content."""


class SmtpNotifier:
    def __init__(self, host: str, port: int, *, mail_from: str, tls: str = "none",
                 user: str | None = None, password: str | None = None, timeout: float = 30.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if tls not in TLS_MODES:
            raise ValueError(f"unknown SMTP TLS mode {tls!r}; choose one of {', '.join(TLS_MODES)}")
        self.host, self.port, self.tls, self.timeout = host, port, tls, timeout
        self.mail_from = mail_from
        self.user = user
        self._password = password
        self._ssl_context = ssl_context

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpNotifier:
        return cls(settings.smtp_host, settings.smtp_port, mail_from=settings.mail_from,
                   tls=settings.smtp_tls, user=settings.smtp_user, password=settings.smtp_password)

    def __repr__(self) -> str:
        auth = f", user={self.user!r}, password=***" if self.user else ""
        return f"SmtpNotifier({self.host!r}, {self.port}, tls={self.tls!r}{auth})"

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
        conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            conn.starttls(context=self._context())
        return conn

    def send(self, message: Message) -> None:
        email = to_email(message, self.mail_from)
        try:
            with self._connect() as conn:
                if self.user:
                    conn.login(self.user, self._password or "")
                refused = conn.send_message(email, from_addr=self.mail_from, to_addrs=list(message.recipients))
        except smtplib.SMTPResponseException as exc:
            raise SmtpDeliveryError(f"{self.where}: {type(exc).__name__}, reply {exc.smtp_code} "
                                    f"{_reason(exc.smtp_error)}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({f"{code} {_reason(text)}" for code, text in exc.recipients.values()})
            raise SmtpDeliveryError(f"{self.where}: refused all {len(exc.recipients)} recipient(s): "
                                    f"{'; '.join(codes)}") from None
        except OSError as exc:  # smtplib's own errors are OSErrors too
            raise SmtpDeliveryError(f"{self.where}: {type(exc).__name__}: {exc.strerror or exc}") from None
        if refused:
            codes = sorted({f"{code} {_reason(text)}" for code, text in refused.values()})
            raise SmtpDeliveryError(f"{self.where}: refused {len(refused)} of {len(message.recipients)} "
                                    f"recipient(s): {'; '.join(codes)}")

    @property
    def where(self) -> str:
        return f"SMTP server {self.host}:{self.port}"


def _reason(text: bytes | str) -> str:
    """The server's reply text, one line, bounded (it names no secret of ours)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(text.split())[:200]

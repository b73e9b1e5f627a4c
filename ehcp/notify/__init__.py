"""How a message leaves ehcp: a local outbox of ``.eml`` files (default), SMTP, or GOV.UK Notify.

``notifier_for(settings)`` picks one by ``settings.notifier`` (``EHCP_NOTIFIER``): ``outbox`` |
``smtp`` | ``govuk_notify``. Every notifier has ``send(message)``; it raises on failure and the caller
(the chase services) records the failure in the reminder ledger. Secrets never appear in reprs,
logs or error messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ehcp.notify.govuk import GovUkNotifyNotifier
from ehcp.notify.message import Message, to_email
from ehcp.notify.outbox import OutboxNotifier
from ehcp.notify.smtp import SmtpNotifier

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ehcp.config import Settings

NOTIFIERS = ("outbox", "smtp", "govuk_notify")

__all__ = ["NOTIFIERS", "Message", "Notifier", "notifier_for", "to_email"]


class Notifier(Protocol):
    def send(self, message: Message) -> None:
        """Deliver one message or raise; a re-send of the same ``message.key`` must be harmless."""


def notifier_for(settings: Settings, templates: Mapping[str, str] | None = None) -> Notifier:
    """The notifier ``settings.notifier`` names; ``templates`` maps message kinds to Notify template ids."""
    name = (settings.notifier or "outbox").strip().lower().replace("-", "_")
    if name == "outbox":
        return OutboxNotifier(settings.outbox, mail_from=settings.mail_from)
    if name == "smtp":
        return SmtpNotifier.from_settings(settings)
    if name in ("govuk_notify", "notify"):
        if not settings.notify_api_key:
            raise ValueError("EHCP_NOTIFIER is govuk_notify but EHCP_NOTIFY_API_KEY is not set")
        return GovUkNotifyNotifier(settings.notify_api_key, templates=dict(templates or {}))
    raise ValueError(f"unknown notifier {settings.notifier!r}; choose one of {', '.join(NOTIFIERS)}")

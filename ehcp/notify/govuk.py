"""GOV.UK Notify through its official client (``notifications-python-client``).

Notify sends e-mail from templates: each message kind maps to a template id (``default`` for all
unless configured); the template should be ``((subject))`` as its subject and ``((body))`` as its
body. Notify addresses one recipient per notification, so each copy (cc) is its own notification.
The API key is read from settings, passed to the client and never logged or shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ehcp.notify.message import Message, key_digest

if TYPE_CHECKING:
    from notifications_python_client.notifications import NotificationsAPIClient


class NotifyDeliveryError(RuntimeError):
    """Notify refused or failed; the text names the status code only, never the key."""


class GovUkNotifyNotifier:
    def __init__(self, api_key: str, *, templates: Mapping[str, str],
                 client: NotificationsAPIClient | None = None,
                 base_url: str | None = None) -> None:
        if not templates.get("default"):
            raise ValueError("GOV.UK Notify needs a template id: set notify_templates.default in ehcp.toml "
                             "or EHCP_NOTIFY_TEMPLATE_ID")
        self.templates = dict(templates)
        if client is None:
            from notifications_python_client import notifications  # noqa: PLC0415 - optional extra, ~150 ms

            kwargs = {"base_url": base_url} if base_url else {}
            client = notifications.NotificationsAPIClient(api_key, **kwargs)
        self.client = client

    def __repr__(self) -> str:
        return f"GovUkNotifyNotifier(templates={sorted(self.templates)}, api_key=***)"

    def template_for(self, message: Message) -> str:
        return self.templates.get(message.kind) or self.templates["default"]

    def send(self, message: Message) -> None:
        from notifications_python_client.errors import APIError  # noqa: PLC0415 - optional extra, ~150 ms

        template = self.template_for(message)
        for address in message.recipients:
            try:
                self.client.send_email_notification(
                    email_address=address, template_id=template,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=key_digest(f"{message.key}|{address}"),
                )
            except APIError as exc:
                raise NotifyDeliveryError(f"GOV.UK Notify refused the message (status {exc.status_code})") from None

"""Read-only listing of advice requests with their 6-week dates (Core SQL, no ORM)."""

from __future__ import annotations

from ehcp.config import Settings
from ehcp.domain.vocabulary import CHANNELS
from ehcp.services.errors import Refused
from ehcp.services.views import read_connection
from ehcp.store import reads


def list_advice(settings: Settings, *, overdue: bool = False, partner: str | None = None,
                reference: str | None = None, outstanding: bool = False,
                received_via: str | None = None) -> list[dict]:
    """Advice requests with their clock's status; ``received_via`` keeps those received that way
    (``portal``: through the advice link). Raises Refused for an unknown channel."""
    if received_via is not None and received_via not in CHANNELS:
        raise Refused(f"unknown channel {received_via!r}; channels are {', '.join(CHANNELS)}")
    today = settings.today
    with read_connection(settings) as conn:
        rows = reads.advice_requests(conn, today=today, due_soon_days=settings.due_soon_days, overdue=overdue,
                                     partner=partner, reference=reference.strip().upper() if reference else None,
                                     outstanding=outstanding, received_via=received_via)
    for row in rows:
        late = (today - row["due"]).days if row["due"] and row["status"] == reads.OVERDUE else 0
        row["days_overdue"] = late
    return rows

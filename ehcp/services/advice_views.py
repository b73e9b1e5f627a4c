"""Read-only listing of advice requests with their 6-week dates (Core SQL, no ORM)."""

from __future__ import annotations

from sqlalchemy import Date, text

from ehcp.config import Settings
from ehcp.services.views import read_connection
from ehcp.store.reads import STATUS_SQL, status_params


def list_advice(settings: Settings, *, overdue: bool = False, partner: str | None = None,
                reference: str | None = None, outstanding: bool = False) -> list[dict]:
    where = ["1=1"]
    params: dict[str, object] = status_params(settings.today, settings.due_soon_days)
    if partner:
        where.append("p.name = :partner")
        params["partner"] = partner
    if reference:
        where.append("c.reference = :ref")
        params["ref"] = reference.strip().upper()
    if outstanding or overdue:
        where.append("a.received_on IS NULL")
    if overdue:
        where.append("d.state = 'pending' AND d.due < :today")
    query = text(
        f"""SELECT c.reference, a.kind, p.name AS partner, a.requested_on, a.received_by_body_on,
                   d.due, a.received_on, COALESCE({STATUS_SQL}, 'no clock') AS status, d.exception
            FROM advice_requests a JOIN cases c ON c.id = a.case_id
            LEFT JOIN partners p ON p.id = a.partner_id
            LEFT JOIN deadlines d ON d.advice_request_id = a.id
            WHERE {' AND '.join(where)}
            ORDER BY d.due, c.reference"""
    ).columns(requested_on=Date, received_by_body_on=Date, due=Date, received_on=Date)
    today = settings.today
    with read_connection(settings) as conn:
        rows = [dict(r) for r in conn.execute(query, params).mappings()]
    for row in rows:
        late = (today - row["due"]).days if row["due"] and row["status"] == "overdue" else 0
        row["days_overdue"] = late
    return rows

"""The overdue report: every pending deadline past its date, oldest first, one indexed query.

Counts as the DfE and the Code do: a deadline is overdue the day after its due date; disapplied
clocks (an exception applies) are never overdue; advisory clocks (Code of Practice "should") are
reported separately from statutory ones.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Boolean, Connection, Date, text

GROUPS = {
    "stage": "c.stage",
    "caseworker": "COALESCE(u.login, '(unassigned)')",
    "team": "COALESCE(t.name, '(no team)')",
    "partner": "COALESCE(p.name, '(LA)')",
    "rule": "d.rule",
}

OVERDUE_SQL = """
SELECT c.reference, c.stage, d.key, d.rule, d.due, d.citation, d.advisory,
       COALESCE(u.login, '(unassigned)') AS caseworker, p.name AS partner,
       {group} AS grp
FROM deadlines d
JOIN cases c ON c.id = d.case_id
LEFT JOIN users u ON u.id = c.caseworker_id
LEFT JOIN teams t ON t.id = u.team_id
LEFT JOIN advice_requests a ON a.id = d.advice_request_id
LEFT JOIN partners p ON p.id = a.partner_id
WHERE d.state = 'pending' AND d.due < :until
ORDER BY d.due, c.reference, d.key
"""


def overdue_rows(conn: Connection, *, as_of: date, by: str = "rule", due_within: int | None = None) -> list[dict]:
    """Pending deadlines due before ``as_of`` (or within ``due_within`` days of it), oldest first."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPS)}")
    until = as_of + timedelta(days=(due_within or 0) + 1) if due_within else as_of
    query = text(OVERDUE_SQL.format(group=GROUPS[by])).columns(due=Date, advisory=Boolean)
    rows = []
    for r in conn.execute(query, {"until": until}).mappings():
        row = dict(r)
        row["days_overdue"] = (as_of - row["due"]).days
        row["status"] = "overdue" if row["due"] < as_of else "due_soon"
        row["group"] = row.pop("grp")
        rows.append(row)
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Counts per group (statutory and advisory apart), with each group's oldest due date."""
    groups: dict[tuple[str, bool], dict] = {}
    for row in rows:
        if row["status"] != "overdue":
            continue
        key = (row["group"], bool(row["advisory"]))
        g = groups.setdefault(key, {"group": row["group"], "advisory": bool(row["advisory"]),
                                    "overdue": 0, "oldest_due": row["due"]})
        g["overdue"] += 1
        g["oldest_due"] = min(g["oldest_due"], row["due"])
    return sorted(groups.values(), key=lambda g: (g["advisory"], g["oldest_due"], g["group"]))

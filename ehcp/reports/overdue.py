"""The overdue report: every pending deadline past its date, oldest first, in one indexed query.

Counts as the Regulations and the Code do: a deadline is overdue the day after its due date (the
status column is ``ehcp.store.reads.STATUS_SQL``, built from the domain's status rule); disapplied
clocks (an exception applies) are never overdue; advisory clocks (Code of Practice "should") are
reported apart from statutory ones. With ``due_within=N`` the deadlines due from ``as_of`` to
``as_of + N`` days are listed too (status ``due_soon``: the report's due-soon window is ``N``, given
on the command line, rather than ``EHCP_DUE_SOON_DAYS``). The query walks ``ix_deadlines_state_due``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Boolean, Connection, Date, bindparam, text

from ehcp.domain.deadlines import PENDING
from ehcp.reports.dialect import sql_for
from ehcp.reports.result import DFE_NOTE, Report, Table
from ehcp.store.reads import STATUS_SQL

GROUPS = {
    "stage": "c.stage",
    "caseworker": "COALESCE(u.login, '(unassigned)')",
    "team": "COALESCE(t.name, '(no team)')",
    "partner": "COALESCE(p.name, '(LA)')",
    "rule": "d.rule",
}

OVERDUE_SQL = """
SELECT c.reference, c.stage, d.key, d.rule, d.due, {days} AS days_overdue,
       """ + STATUS_SQL.replace("{", "{{").replace("}", "}}") + """ AS status,
       d.advisory, COALESCE(u.login, '(unassigned)') AS caseworker, t.name AS team, p.name AS partner,
       d.citation, {group} AS "group"
FROM deadlines d
JOIN cases c ON c.id = d.case_id
LEFT JOIN users u ON u.id = c.caseworker_id
LEFT JOIN teams t ON t.id = u.team_id
LEFT JOIN advice_requests a ON a.id = d.advice_request_id
LEFT JOIN partners p ON p.id = a.partner_id
WHERE d.state = '""" + PENDING + """' AND d.due < :until
  AND NOT (d.is_window = :true AND d.due < :as_of)  -- a window that has run is met, not overdue
ORDER BY d.due, c.reference, d.key
"""

COLUMNS = ["group", "reference", "stage", "key", "due", "days_overdue", "status", "caseworker", "team",
           "partner", "citation"]
SCREEN = ["group", "reference", "stage", "key", "due", "days_overdue", "status", "caseworker", "partner"]
GROUP_COLUMNS = ["group", "advisory", "overdue", "due_soon", "oldest_due"]
FOOTER = ("Overdue = a deadline still pending after its due date (SEND Regulations 2014; the day after "
          "the due date). Disapplied clocks (an exception applies) are excluded; advisory clocks (Code of "
          "Practice) are listed apart from statutory ones. " + DFE_NOTE)


def check_grouping(by: str) -> None:
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPS)}")


def overdue_rows(conn: Connection, *, as_of: date, by: str = "rule", due_within: int | None = None) -> list[dict]:
    """Pending deadlines due before ``as_of`` (and, with ``due_within``, up to ``as_of + N``), oldest first."""
    check_grouping(by)
    until = as_of + timedelta(days=due_within + 1) if due_within else as_of
    sql = OVERDUE_SQL.format(group=GROUPS[by], days=sql_for(conn).days(":as_of", "d.due"))
    query = text(sql).bindparams(*(bindparam(name, type_=Date) for name in ("as_of", "until", "today", "soon")))
    # STATUS_SQL on today = as_of: a listed row is overdue before as_of, due soon up to the last day listed
    params = {"as_of": as_of, "until": until, "today": as_of, "soon": until - timedelta(days=1), "true": True}
    result = conn.execute(query.columns(due=Date, advisory=Boolean), params)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]  # one fetchall, not a fetch per row


def summarise(rows: list[dict]) -> list[dict]:
    """Counts per group (statutory and advisory apart) with each group's oldest due date, oldest first."""
    return _tally(rows)[0]


def _tally(rows: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """One pass: the group counts, and the statutory and advisory rows (each still oldest first)."""
    groups: dict[tuple[str, bool], dict] = {}
    statutory: list[dict] = []
    advisory: list[dict] = []
    for row in rows:
        key = (row["group"], bool(row["advisory"]))
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"group": key[0], "advisory": key[1], "overdue": 0, "due_soon": 0,
                               "oldest_due": row["due"]}
        g[row["status"]] += 1
        (advisory if key[1] else statutory).append(row)
    ordered = sorted(groups.values(), key=lambda g: (g["advisory"], g["oldest_due"], g["group"]))
    return ordered, statutory, advisory


def overdue_report(conn: Connection, *, as_of: date, by: str = "rule", due_within: int | None = None) -> Report:
    """The overdue report as a JSON document (``deadlines``, ``groups``, ``total_overdue``...) and tables."""
    rows = overdue_rows(conn, as_of=as_of, by=by, due_within=due_within)
    groups, statutory, advisory = _tally(rows)
    total = sum(g["overdue"] for g in groups if not g["advisory"])
    document = {
        "as_of": as_of, "by": by, "due_within": due_within,
        "total_overdue": total,
        "advisory_overdue": sum(g["overdue"] for g in groups if g["advisory"]),
        "total_due_soon": sum(g["due_soon"] for g in groups if not g["advisory"]),
        "groups": groups, "deadlines": rows, "footer": FOOTER,
    }
    title = f"Overdue deadlines as of {as_of} by {by}"
    tables = [
        Table("deadlines", COLUMNS, statutory, f"{title}: {total} statutory overdue", SCREEN),
        Table("advisory", COLUMNS, advisory, "Advisory clocks (Code of Practice), overdue", SCREEN),
        Table("groups", GROUP_COLUMNS, groups, f"Counts by {by}, oldest first"),
    ]
    every = Table("deadlines", ["advisory", *COLUMNS], rows, title)
    return Report(title, document, tables, FOOTER, sheets=lambda: _sheets(by, groups, rows), csv=every)


def _sheets(by: str, groups: list[dict], rows: list[dict]) -> list[Table]:
    """A workbook: the counts, then one sheet per group (statutory and advisory deadlines together)."""
    sheets = [Table("Summary", GROUP_COLUMNS, groups, f"Counts by {by}")]
    per_group: dict[str, list[dict]] = {}
    for row in rows:
        per_group.setdefault(str(row["group"]), []).append(row)
    columns = ["advisory", *COLUMNS[1:]]
    for name in sorted(per_group, key=lambda n: (per_group[n][0]["due"], n)):  # rows are oldest first
        sheets.append(Table(name, columns, per_group[name], f"{by}: {name}"))
    return sheets

"""Caseload: open cases per caseworker and stage (one GROUP BY; the pivot is over its few rows).

Open = every stage except the closed ones (not_assessed, no_plan, ceased, withdrawn), so maintained
plans (final, review) count. ``with_overdue`` = open cases with at least one overdue statutory deadline.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, Date, Integer, String, bindparam, text

from ehcp.domain.deadlines import PENDING
from ehcp.reports.result import DFE_NOTE, Report, Table
from ehcp.store.reads import CLOSED_STAGES_SQL

STAGE_ORDER = ("request", "assessment", "draft", "final", "review")

CASELOAD_SQL = """
SELECT COALESCE(u.login, '(unassigned)') AS caseworker, COALESCE(t.name, '(no team)') AS team, c.stage,
       COUNT(*) AS cases, COUNT(od.case_id) AS with_overdue
FROM cases c
LEFT JOIN users u ON u.id = c.caseworker_id
LEFT JOIN teams t ON t.id = u.team_id
LEFT JOIN (SELECT DISTINCT d.case_id FROM deadlines d
           WHERE d.state = '""" + PENDING + """' AND d.due < :as_of AND d.advisory = :false
             AND d.is_window = :false) od ON od.case_id = c.id
WHERE c.stage NOT IN """ + CLOSED_STAGES_SQL + """
GROUP BY COALESCE(u.login, '(unassigned)'), COALESCE(t.name, '(no team)'), c.stage
"""

FOOTER = ("Open cases = all stages except not_assessed, no_plan, ceased and withdrawn (maintained plans "
          "included). With overdue = open cases with a statutory deadline past due. " + DFE_NOTE)


def caseload_rows(conn: Connection, *, as_of: date) -> tuple[list[dict], list[str]]:
    """One row per caseworker (most cases first) with a column per open stage; and those stages."""
    query = text(CASELOAD_SQL).bindparams(bindparam("as_of", type_=Date)).columns(
        caseworker=String, team=String, stage=String, cases=Integer, with_overdue=Integer)
    cells = [dict(r) for r in conn.execute(query, {"as_of": as_of, "false": False}).mappings()]
    extra = sorted({c["stage"] for c in cells} - set(STAGE_ORDER))
    stages = [*STAGE_ORDER, *extra]
    people: dict[tuple[str, str], dict] = {}
    for cell in cells:
        row = people.setdefault((cell["caseworker"], cell["team"]), {
            "caseworker": cell["caseworker"], "team": cell["team"], **dict.fromkeys(stages, 0),
            "total": 0, "with_overdue": 0})
        row[cell["stage"]] += cell["cases"]
        row["total"] += cell["cases"]
        row["with_overdue"] += cell["with_overdue"]
    rows = sorted(people.values(), key=lambda r: (-r["total"], r["caseworker"]))
    return rows, stages


def caseload_report(conn: Connection, *, as_of: date) -> Report:
    rows, stages = caseload_rows(conn, as_of=as_of)
    totals = {s: sum(r[s] for r in rows) for s in [*stages, "total", "with_overdue"]}
    document = {"as_of": as_of, "stages": stages, "caseworkers": rows, "totals": totals, "footer": FOOTER}
    title = f"Open cases per caseworker and stage as of {as_of} ({totals['total']} cases)"
    columns = ["caseworker", "team", *stages, "total", "with_overdue"]
    return Report(title, document, [Table("caseload", columns, rows, title)], FOOTER)

"""The advice league table: per partner organisation and advice kind, how fast advice comes back.

* Population: advice requests made (``requested_on``) in the period; all requests if none is given.
* Days to receive: ``received_on - received_by_body_on`` (reg 8(1): 6 weeks from the body's receipt);
  within 6 weeks iff <= 42 days. Median and 90th percentile over the requests received
  (:mod:`ehcp.reports.stats`).
* Currently overdue: the request's ``advice.*`` deadline is pending and past due as of the report date
  (so a reg 8(2) exception that disapplies the clock is respected).
* Excused: the request's clock was lifted by a reg 8(2) exception (state disapplied) and the advice
  came after the six weeks or has not come yet. Such a request is never counted late: it is left out
  of the on-time rate whether it is still outstanding or was answered after six weeks.
* On-time rate: received within 6 weeks / (received within 6 weeks + received late and not excused
  + currently overdue).
* Chasing, from the reminder ledger (``subject_type = 'advice'``, status ``sent``): requests chased at
  least once, chase messages sent, and the most rungs any one request reached (0 if none).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, Date, Integer, String, bindparam, text

from ehcp.domain.deadlines import DISAPPLIED, PENDING
from ehcp.reports import stats
from ehcp.reports.dialect import sql_for
from ehcp.reports.result import Period, Report, Table, rate

REQUESTS_SQL = """
SELECT COALESCE(p.name, '(no partner)') AS partner, a.kind,
       CASE WHEN a.received_on IS NOT NULL THEN {days} END AS days,
       CASE WHEN od.advice_request_id IS NOT NULL THEN 1 ELSE 0 END AS overdue,
       CASE WHEN ex.advice_request_id IS NOT NULL THEN 1 ELSE 0 END AS lifted,
       COALESCE(ch.rungs, 0) AS rungs
FROM advice_requests a
LEFT JOIN partners p ON p.id = a.partner_id
LEFT JOIN (SELECT DISTINCT d.advice_request_id FROM deadlines d
           WHERE d.state = '""" + PENDING + """' AND d.due < :as_of AND d.advice_request_id IS NOT NULL) od
       ON od.advice_request_id = a.id
LEFT JOIN (SELECT DISTINCT d.advice_request_id FROM deadlines d
           WHERE d.state = '""" + DISAPPLIED + """' AND d.advice_request_id IS NOT NULL) ex
       ON ex.advice_request_id = a.id
LEFT JOIN (SELECT r.subject_id, COUNT(*) AS rungs FROM reminders r
           WHERE r.subject_type = 'advice' AND r.status = 'sent' GROUP BY r.subject_id) ch
       ON ch.subject_id = a.id
WHERE a.requested_on >= :start AND a.requested_on <= :end
"""

LEAGUE_SQL = """
SELECT partner, kind, COUNT(*) AS requests, COUNT(days) AS received,
       SUM(CASE WHEN days <= 42 THEN 1 ELSE 0 END) AS within_6_weeks,
       SUM(CASE WHEN days > 42 AND lifted = 0 THEN 1 ELSE 0 END) AS late,
       SUM(CASE WHEN lifted = 1 AND (days IS NULL OR days > 42) THEN 1 ELSE 0 END) AS excused,
       {median} AS median_days, {p90} AS p90_days,
       SUM(overdue) AS overdue, SUM(CASE WHEN rungs > 0 THEN 1 ELSE 0 END) AS chased,
       CAST(SUM(rungs) AS INTEGER) AS chases_sent, MAX(rungs) AS rungs_reached
FROM ({ranked}) r
GROUP BY partner, kind
ORDER BY partner, kind
"""

COLUMNS = ["partner", "kind", "requests", "received", "within_6_weeks", "on_time_rate", "median_days",
           "p90_days", "overdue", "excused", "chased", "chases_sent", "rungs_reached"]
FOOTER = ("Counts advice requests made in the period. Days to receive = received - date the body received "
          "the request (reg 8(1): 6 weeks). Median and 90th percentile (nearest rank) over advice received. "
          "On-time rate = within 6 weeks / (within 6 weeks + late + currently overdue); a request whose clock "
          "a reg 8(2) exception lifted is never late (excused, left out of the rate). Chasing from the "
          "reminder ledger (sent reminders). Not a DfE measure.")

ALL_TIME = Period(date(1900, 1, 1), date(9999, 12, 31))


def league_rows(conn: Connection, *, as_of: date, period: Period | None = None) -> list[dict]:
    """One row per (partner, advice kind), by partner name then kind."""
    period = period or ALL_TIME
    source = REQUESTS_SQL.format(days=sql_for(conn).days("a.received_on", "a.received_by_body_on"))
    sql = LEAGUE_SQL.format(median=stats.median("days"), p90=stats.p90("days"),
                            ranked=stats.ranked(source, ["partner", "kind"], "days"))
    query = text(sql).bindparams(*(bindparam(n, type_=Date) for n in ("as_of", "start", "end"))).columns(
        partner=String, kind=String, requests=Integer, received=Integer, within_6_weeks=Integer, late=Integer,
        excused=Integer, overdue=Integer, chased=Integer, chases_sent=Integer, rungs_reached=Integer)
    rows = []
    for r in conn.execute(query, {"as_of": as_of, "start": period.start, "end": period.end}).mappings():
        row = dict(r)
        row["median_days"] = stats.as_number(row["median_days"])
        row["p90_days"] = stats.as_number(row["p90_days"])
        row["on_time_rate"] = rate(row["within_6_weeks"], row["within_6_weeks"] + row["late"] + row["overdue"])
        rows.append({c: row[c] for c in COLUMNS})
    return rows


def partners_report(conn: Connection, *, as_of: date, period: Period | None = None) -> Report:
    rows = league_rows(conn, as_of=as_of, period=period)
    scope = f"requested {period}" if period else "all requests"
    document = {"as_of": as_of, "period": period.as_dict() if period else None, "partners": rows,
                "footer": FOOTER}
    title = f"Advice from partners ({scope}; as of {as_of})"
    return Report(title, document, [Table("partners", COLUMNS, rows, title)], FOOTER)

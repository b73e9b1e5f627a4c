"""Timeliness the DfE way (SEN2 statistics, docs sen2.md section 3): the 20-week rate including and
excluding exceptions, its bands and average weeks, and the 6-week, 16-week and review measures.

* Population: new EHC plans whose first ``final_plan_issued`` event falls in the period (the issue
  date, SEN2 AssessmentOutcomeDate). Clock: from the case's request received date (ReceivedDate).
* On time: ``issue date - received date <= day_count`` days (received = day 0); ``day_count`` is the
  rule book's Policy ``sen2_day_count`` (140, statutory reading; 139 if the LA chooses), so a plan
  issued on day 140 is on time and one issued on day 141 is late.
* Exceptions: a plan whose ``final_plan`` deadline is disapplied or names an exception (reg 10(4) via
  reg 13(3); SEN2 Week20 = 1). "Excluding exceptions" removes those plans from the numerator AND the
  denominator; the DfE's headline figure is the excluding rate.
* Bands: <= 20 weeks (the on-time test), over 20 weeks up to 52 weeks (364 days), over 52 weeks.
  Average weeks = mean days / 7.
* The other rates are the derived deadlines settled in the period (``met_on`` in it): met = within,
  missed = late, disapplied (an exception) counted apart. Repeated clocks (``key.2``, ``key.3``: one
  per review cycle) all count. 6-week decision whether to assess: ``assessment_decision``.
  16-week notice not to issue a plan: ``no_plan_notice``, for cases with a ``plan_not_issued`` event.
  Annual review decision within 4 weeks of the meeting (DfE ``number_decsion_4weeks``, reg 20(10)):
  ``review_decision``. Reviews completed within 12 months (s.44(1); completed at the decision or
  the meeting as Policy Q6 says): ``annual_review``.
"""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import Connection, Date, Integer, String, TextualSelect, bindparam, text
from sqlalchemy.types import TypeEngine

from ehcp.domain.deadlines import DISAPPLIED, MET, MISSED
from ehcp.reports.dialect import sql_for
from ehcp.reports.result import DFE_NOTE, DFE_TWENTY_WEEKS, Period, Report, Table, rate
from ehcp.rules import DEFAULT_POLICY, Policy

WEEKS_52 = 364


class National(TypedDict):
    """The DfE's published national figures the report compares against."""

    year: int
    excluding_rate: float
    including_rate: float
    bands: dict[str, float]
    source: str


NATIONAL: National = {"year": 2024, "excluding_rate": 46.4, "including_rate": 45.9,
            "bands": {"within_20_weeks": 45.9, "weeks_20_to_52": 46.9, "over_52_weeks": 7.2},
            "source": "DfE EHC plans statistics 2025 release (calendar year 2024), sen2.md section 4.2"}

PLANS_SQL = """
WITH issued AS (
  SELECT e.case_id, MIN(e."on") AS issued_on FROM case_events e
  WHERE e.kind = 'final_plan_issued' AND e."on" <= :end GROUP BY e.case_id
), plans AS (
  SELECT i.issued_on, {days} AS days,
         CASE WHEN d.state = '""" + DISAPPLIED + """' OR d.exception IS NOT NULL THEN 1 ELSE 0 END AS exc
  FROM issued i JOIN cases c ON c.id = i.case_id
  LEFT JOIN deadlines d ON d.case_id = i.case_id AND d.key = 'final_plan'
  WHERE i.issued_on >= :start AND i.issued_on <= :end
)
SELECT {month} AS month, exc, COUNT(*) AS issued,
       SUM(CASE WHEN days <= :limit THEN 1 ELSE 0 END) AS within,
       SUM(CASE WHEN days > :limit AND days <= {weeks52} THEN 1 ELSE 0 END) AS weeks_20_52,
       SUM(CASE WHEN days > {weeks52} THEN 1 ELSE 0 END) AS over_52,
       SUM(days) AS total_days
FROM plans GROUP BY {month}, exc ORDER BY 1, 2
"""

# Settled clocks carry met_on (a disapplied one too, if it was settled); ``on_time`` is the decision
# judged by its dates alone. ``d.state || ''`` keeps SQLite from walking ix_deadlines_state_due for a
# test that matches most of the table (about 20 times slower than one pass at a million cases).
CLOCK_SQL = """
SELECT d.state || '' AS state, CASE WHEN d.met_on <= d.due THEN 1 ELSE 0 END AS on_time, COUNT(*) AS n
FROM deadlines d
WHERE (d.key = :key OR d.key LIKE :repeated) AND d.met_on >= :start AND d.met_on <= :end {extra}
GROUP BY d.state || '', CASE WHEN d.met_on <= d.due THEN 1 ELSE 0 END
"""
NOT_ISSUED = ("AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = d.case_id "
              "AND e.kind = 'plan_not_issued')")

FOOTER = ("20 weeks: issued on or before received date + {limit} days (received = day 0). " + DFE_TWENTY_WEEKS
          + " Bands: <=20 weeks, 20-52 weeks, >52 weeks. 6 weeks: every decision whether to assess in the "
          "period, by its dates (SEN2 has no 6-week exception flag); shown second excluding exceptions. "
          "Other rates count the deadlines settled in the period (16 weeks: notice not to issue; review "
          "decision within 4 weeks of the meeting; review within 12 months), exceptions apart. " + DFE_NOTE)


def default_day_count() -> int:
    """The rule book's SEN2 comparator (Policy Q4: received + 140 days, or 139)."""
    return DEFAULT_POLICY.sen2_day_count


def _typed(sql: str, **columns: type[TypeEngine[Any]]) -> TextualSelect:
    return text(sql).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date)).columns(**columns)


def plan_cells(conn: Connection, period: Period, limit: int) -> list[dict]:
    """Counts per (issue month, exception flag): issued, within, bands, total days."""
    q = sql_for(conn)
    sql = PLANS_SQL.format(days=q.days("i.issued_on", "c.received"), month=q.month("issued_on"),
                           weeks52=WEEKS_52)
    query = _typed(sql, month=String, exc=Integer, issued=Integer, within=Integer, weeks_20_52=Integer,
                   over_52=Integer, total_days=Integer)
    params = {"start": period.start, "end": period.end, "limit": limit}
    return [dict(r) for r in conn.execute(query, params).mappings()]


def _measure(cells: list[dict]) -> dict:
    issued = sum(c["issued"] for c in cells)
    within = sum(c["within"] for c in cells)
    days = sum(c["total_days"] or 0 for c in cells)
    return {"issued": issued, "within": within, "rate": rate(within, issued),
            "bands": {"within_20_weeks": within,
                      "weeks_20_to_52": sum(c["weeks_20_52"] for c in cells),
                      "over_52_weeks": sum(c["over_52"] for c in cells)},
            "band_rates": {"within_20_weeks": rate(within, issued),
                           "weeks_20_to_52": rate(sum(c["weeks_20_52"] for c in cells), issued),
                           "over_52_weeks": rate(sum(c["over_52"] for c in cells), issued)},
            "avg_weeks": round(days / issued / 7, 1) if issued else None}


def twenty_weeks(cells: list[dict]) -> dict:
    """Including and excluding exceptions, from the per-month cells."""
    including = _measure(cells)
    excluding = _measure([c for c in cells if not c["exc"]])
    return {"including": including, "excluding": excluding,
            "exceptions": including["issued"] - excluding["issued"]}


def by_month(cells: list[dict]) -> list[dict]:
    rows = []
    for month in sorted({c["month"] for c in cells}):
        m = twenty_weeks([c for c in cells if c["month"] == month])
        rows.append({"month": month,
                     "issued": m["including"]["issued"], "within": m["including"]["within"],
                     "rate_including": m["including"]["rate"],
                     "issued_excluding": m["excluding"]["issued"], "within_excluding": m["excluding"]["within"],
                     "rate_excluding": m["excluding"]["rate"], "exceptions": m["exceptions"],
                     "avg_weeks": m["including"]["avg_weeks"]})
    return rows


def _clock_cells(conn: Connection, key: str, period: Period, *, only_not_issued: bool = False) -> list[dict]:
    """Deadlines of ``key`` (and its repeats ``key.N``) settled in the period, counted per (state, on time)."""
    query = _typed(CLOCK_SQL.format(extra=NOT_ISSUED if only_not_issued else ""), state=String, on_time=Integer,
                   n=Integer)
    params = {"key": key, "repeated": f"{key}.%", "start": period.start, "end": period.end}
    return [dict(r) for r in conn.execute(query, params).mappings()]


def _adjusted(cells: list[dict]) -> dict:
    """Met (within) and missed (late); disapplied clocks (an exception) counted apart."""
    within = sum(c["n"] for c in cells if c["state"] == MET)
    late = sum(c["n"] for c in cells if c["state"] == MISSED)
    return {"decisions": within + late, "within": within, "late": late, "rate": rate(within, within + late),
            "exceptions": sum(c["n"] for c in cells if c["state"] == DISAPPLIED)}


def clock_rate(conn: Connection, key: str, period: Period, *, only_not_issued: bool = False) -> dict:
    """Deadlines of ``key`` (and its repeats) settled in the period: met (within), missed (late),
    disapplied (an exception; counted apart)."""
    return _adjusted(_clock_cells(conn, key, period, only_not_issued=only_not_issued))


def six_weeks(conn: Connection, period: Period) -> dict:
    """The 6-week decision whether to assess (reg 5(1)), the DfE way first: SEN2 carries no 6-week
    exception flag, so every decision in the period counts, on time iff decided by its due date
    (RequestOutcomeDate against ReceivedDate). The exception-adjusted rate follows, labelled."""
    cells = _clock_cells(conn, "assessment_decision", period)
    within = sum(c["n"] for c in cells if c["on_time"])
    decisions = sum(c["n"] for c in cells)
    adjusted = _adjusted(cells)
    return {"decisions": decisions, "within": within, "late": decisions - within, "rate": rate(within, decisions),
            "exceptions": adjusted["exceptions"], "excluding_exceptions": adjusted}


def timeliness_report(conn: Connection, period: Period, *, day_count: int | None = None,
                      show_months: bool = False, policy: Policy = DEFAULT_POLICY) -> Report:
    """Every timeliness figure for the period (issue / decision dates inclusive), under the council's
    ``policy`` in effect: its SEN2 day count (Q4, unless ``day_count`` is given) and what completes a
    review (Q6)."""
    limit = policy.sen2_day_count if day_count is None else day_count
    cells = plan_cells(conn, period, limit)
    twenty = twenty_weeks(cells)
    months = by_month(cells)
    footer = FOOTER.format(limit=limit)
    document = {
        "period": period.as_dict(), "day_count": limit, "twenty_weeks": twenty, "months": months,
        "six_weeks": six_weeks(conn, period),
        "sixteen_weeks": clock_rate(conn, "no_plan_notice", period, only_not_issued=True),
        "review_decisions": clock_rate(conn, "review_decision", period),
        "annual_reviews": {**clock_rate(conn, "annual_review", period), "completed_by": policy.review_restart},
        "national": NATIONAL, "footer": footer,
    }
    title = f"Timeliness {period}"
    summary = Table("summary", ["measure", "within", "total", "rate", "detail"], summary_rows(document),
                    f"{title} (on time = issued by received + {limit} days)")
    bands = Table("bands", ["band", "including", "including_rate", "excluding", "excluding_rate"],
                  band_rows(twenty), "20-week bands (new plans issued)")
    month_table = Table("months", list(months[0]) if months else ["month"], months, "By month of issue")
    tables = [month_table, summary, bands] if show_months else [summary, bands, month_table]
    return Report(title, document, tables, footer, sheets=[summary, month_table, bands])


def summary_rows(doc: dict) -> list[dict]:
    t = doc["twenty_weeks"]
    rows = [
        {"measure": "20 weeks, excluding exceptions (DfE headline)", "within": t["excluding"]["within"],
         "total": t["excluding"]["issued"], "rate": t["excluding"]["rate"],
         "detail": f"average {_weeks(t['excluding']['avg_weeks'])}; national {NATIONAL['year']}: "
                   f"{NATIONAL['excluding_rate']}%"},
        {"measure": "20 weeks, including exceptions", "within": t["including"]["within"],
         "total": t["including"]["issued"], "rate": t["including"]["rate"],
         "detail": f"average {_weeks(t['including']['avg_weeks'])}; {t['exceptions']} with exceptions"},
    ]
    m = doc["six_weeks"]
    rows.append({"measure": "6-week decision whether to assess (every decision, as SEN2)", "within": m["within"],
                 "total": m["decisions"], "rate": m["rate"],
                 "detail": f"{m['exceptions']} decided during an exception, counted by their dates"})
    m = doc["six_weeks"]["excluding_exceptions"]
    rows.append({"measure": "6-week decision, excluding exceptions", "within": m["within"],
                 "total": m["decisions"], "rate": m["rate"],
                 "detail": f"{m['exceptions']} disapplied (exceptions) not counted"})
    m = doc["sixteen_weeks"]
    rows.append({"measure": "16-week notice not to issue a plan", "within": m["within"], "total": m["decisions"],
                 "rate": m["rate"], "detail": f"{m['exceptions']} disapplied (exceptions) not counted"})
    m = doc["review_decisions"]
    rows.append({"measure": "Review decision within 4 weeks of the meeting", "within": m["within"],
                 "total": m["decisions"], "rate": m["rate"], "detail": f"{m['exceptions']} disapplied not counted"})
    m = doc["annual_reviews"]
    rows.append({"measure": "Reviews completed within 12 months", "within": m["within"], "total": m["decisions"],
                 "rate": m["rate"], "detail": f"completed at the {m['completed_by']} (Policy Q6)"})
    return rows


def _weeks(value: float | None) -> str:
    return "-" if value is None else f"{value} weeks"


def band_rows(twenty: dict) -> list[dict]:
    labels = {"within_20_weeks": "<= 20 weeks", "weeks_20_to_52": "20-52 weeks", "over_52_weeks": "> 52 weeks"}
    return [{"band": label, "including": twenty["including"]["bands"][key],
             "including_rate": twenty["including"]["band_rates"][key],
             "excluding": twenty["excluding"]["bands"][key],
             "excluding_rate": twenty["excluding"]["band_rates"][key]} for key, label in labels.items()]


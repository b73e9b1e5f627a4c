"""Breach forecast: open cases whose 20-week limit falls in the next N weeks and, at the pace this LA
and its partners actually work, will be missed unless something changes.

Method (all in SQL, integer day numbers):
1. Candidates: cases in stage request, assessment or draft whose ``final_plan`` deadline is pending
   and due between the report date and N weeks later.
2. Observed pace, from work finished in the 365 days before the report date (medians; a step or
   partner with fewer than 3 observations uses the Code of Practice's indicative timetable instead):
   ``decide`` request -> decision to assess (fallback 42 days), ``assess`` decision -> draft plan (70),
   ``after_advice`` last advice received -> draft plan (28), ``finalise`` draft -> final plan (28),
   and per partner and advice kind the days from the body's receipt to the advice (42, reg 8(1)).
3. Estimated issue date, never earlier than the report date (T):
   * draft: max(T, draft sent + finalise);
   * assessment: max(max(T, decision + assess), max(T, expected last advice) + after_advice) + finalise,
     where each outstanding advice is expected at the body's receipt + that partner's median;
   * request: max(max(T, received + decide) + assess, max(T, expected last advice) + after_advice)
     + finalise.
4. Forecast breach: estimated issue date after the deadline's due date. ``driver`` says whether the
   outstanding advice or the case's own stage sets the estimate.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from sqlalchemy import Connection, Date, bindparam, text

from ehcp.domain.deadlines import PENDING
from ehcp.reports import stats
from ehcp.reports.dialect import from_dayno, sql_for, to_dayno
from ehcp.reports.result import Report, Table

FALLBACK = {"decide": 42, "assess": 70, "after_advice": 28, "finalise": 28}
ADVICE_DAYS = 42  # a partner with fewer than 3 observed answers is expected to take its 6 weeks (reg 8(1))
MIN_OBSERVATIONS = 3
HISTORY_DAYS = 365

STEPS_SQL = """
WITH m AS (
  SELECT e.case_id,
         MIN(CASE WHEN e.kind = 'assessment_agreed' THEN e."on" END) AS agreed,
         MIN(CASE WHEN e.kind = 'draft_plan_sent' THEN e."on" END) AS drafted,
         MIN(CASE WHEN e.kind = 'final_plan_issued' THEN e."on" END) AS issued
  FROM case_events e WHERE e.kind IN ('assessment_agreed', 'draft_plan_sent', 'final_plan_issued')
  GROUP BY e.case_id
), adv AS (
  SELECT a.case_id, MAX(a.received_on) AS last_advice FROM advice_requests a
  WHERE a.received_on IS NOT NULL GROUP BY a.case_id
), steps AS (
  SELECT 'decide' AS step, {d_decide} AS days FROM m JOIN cases c ON c.id = m.case_id
   WHERE m.agreed >= :since AND m.agreed <= :as_of
  UNION ALL
  SELECT 'assess', {d_assess} FROM m WHERE m.drafted >= :since AND m.drafted <= :as_of AND m.agreed IS NOT NULL
  UNION ALL
  SELECT 'after_advice', {d_after} FROM m JOIN adv ON adv.case_id = m.case_id
   WHERE m.drafted >= :since AND m.drafted <= :as_of AND adv.last_advice <= m.drafted
  UNION ALL
  SELECT 'finalise', {d_final} FROM m WHERE m.issued >= :since AND m.issued <= :as_of AND m.drafted IS NOT NULL
)
SELECT step, COUNT(days) AS n, {median} AS median_days FROM ({ranked}) r GROUP BY step
"""

FORECAST_SQL = """
WITH lat AS (
  SELECT partner_id, kind, {median} AS median_days FROM ({ranked}) r
  GROUP BY partner_id, kind HAVING COUNT(days) >= :min_obs
), cand AS (
  SELECT c.id, c.reference, c.stage, COALESCE(u.login, '(unassigned)') AS caseworker, c.received, d.due,
         {n_received} AS rec_n, {n_due} AS due_n,
         (SELECT MAX({n_on}) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'assessment_agreed') AS agreed_n,
         (SELECT MAX({n_on}) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'draft_plan_sent') AS drafted_n
  FROM deadlines d JOIN cases c ON c.id = d.case_id LEFT JOIN users u ON u.id = c.caseworker_id
  WHERE d.key = 'final_plan' AND d.state = '""" + PENDING + """' AND d.due >= :as_of AND d.due <= :horizon
    AND c.stage IN ('request', 'assessment', 'draft')
), adv AS (
  SELECT a.case_id, COUNT(*) AS outstanding,
         MAX({n_body} + COALESCE(l.median_days, :advice)) AS advice_n
  FROM advice_requests a JOIN cand ON cand.id = a.case_id
  LEFT JOIN lat l ON l.partner_id = a.partner_id AND l.kind = a.kind
  WHERE a.received_on IS NULL AND a.cancelled_on IS NULL GROUP BY a.case_id
), est AS (
  SELECT cand.*, COALESCE(adv.outstanding, 0) AS outstanding, adv.advice_n,
         CASE WHEN cand.stage = 'draft' THEN {g_draft}
              WHEN cand.stage = 'assessment' THEN {g_assess} + :finalise
              ELSE {g_request} + :assess + :finalise END AS stage_n,
         CASE WHEN cand.stage = 'draft' OR adv.advice_n IS NULL THEN 0
              ELSE {g_advice} + :after_advice + :finalise END AS advice_end_n
  FROM cand LEFT JOIN adv ON adv.case_id = cand.id
)
SELECT reference, stage, caseworker, received, due, due_n, outstanding, advice_n, stage_n, advice_end_n
FROM est WHERE {g_est} > due_n ORDER BY due_n, reference
"""

COLUMNS = ["reference", "stage", "caseworker", "received", "due", "estimated_issue", "days_late",
           "outstanding_advice", "expected_advice", "driver"]
FOOTER = ("Forecast: open cases whose 20-week deadline falls within the window and whose estimated issue "
          "date (stage + this LA's median pace over the last 365 days + each partner's median advice "
          "latency for outstanding advice; Code of Practice timetable where fewer than 3 observations) "
          "is after it. An estimate, not a DfE measure.")


def observed_pace(conn: Connection, as_of: date) -> dict[str, dict]:
    """Median days per step from the last year's finished work, with the fallback where too few."""
    q = sql_for(conn)
    source = "SELECT step, days FROM steps"
    sql = STEPS_SQL.format(d_decide=q.days("m.agreed", "c.received"), d_assess=q.days("m.drafted", "m.agreed"),
                           d_after=q.days("m.drafted", "adv.last_advice"), d_final=q.days("m.issued", "m.drafted"),
                           median=stats.median("days"), ranked=stats.ranked(source, ["step"], "days"))
    query = text(sql).bindparams(bindparam("since", type_=Date), bindparam("as_of", type_=Date))
    observed = {r["step"]: r for r in conn.execute(query, _window(as_of)).mappings()}
    pace = {}
    for step, fallback in FALLBACK.items():
        row = observed.get(step)
        if row is not None and row["n"] >= MIN_OBSERVATIONS:
            pace[step] = {"days": math.ceil(float(row["median_days"])), "observations": row["n"], "source": "observed"}
        else:
            pace[step] = {"days": fallback, "observations": int(row["n"]) if row else 0, "source": "Code of Practice"}
    pace["advice"] = {"days": ADVICE_DAYS, "observations": 0,
                      "source": "reg 8(1), for partners without 3 observed answers (others: their own median)"}
    return pace


def _window(as_of: date) -> dict[str, date]:
    return {"since": as_of - timedelta(days=HISTORY_DAYS), "as_of": as_of}


def forecast_rows(conn: Connection, *, as_of: date, weeks: int = 8) -> tuple[list[dict], dict]:
    """Cases forecast to breach, soonest deadline first, and the pace used."""
    pace = observed_pace(conn, as_of)
    q = sql_for(conn)
    latency = ("SELECT a.partner_id, a.kind, {d} AS days FROM advice_requests a WHERE a.received_on >= :since "
               "AND a.received_on <= :as_of AND a.partner_id IS NOT NULL").format(
                   d=q.days("a.received_on", "a.received_by_body_on"))
    sql = FORECAST_SQL.format(
        median=stats.median("days"), ranked=stats.ranked(latency, ["partner_id", "kind"], "days"),
        n_received=q.dayno("c.received"), n_due=q.dayno("d.due"), n_on=q.dayno('e."on"'),
        n_body=q.dayno("a.received_by_body_on"),
        g_draft=q.greatest(":today_n", "COALESCE(drafted_n, :today_n) + :finalise"),
        g_assess=q.greatest(":today_n", "COALESCE(agreed_n, rec_n + :decide) + :assess"),
        g_request=q.greatest(":today_n", "rec_n + :decide"), g_advice=q.greatest(":today_n", "adv.advice_n"),
        g_est=q.greatest("stage_n", "advice_end_n"))
    dates = ("since", "as_of", "horizon")
    query = text(sql).bindparams(*(bindparam(n, type_=Date) for n in dates)).columns(received=Date, due=Date)
    params = {**_window(as_of), "horizon": as_of + timedelta(weeks=weeks), "today_n": to_dayno(as_of),
              "min_obs": MIN_OBSERVATIONS, **{step: p["days"] for step, p in pace.items()}}
    rows = [_row(dict(r)) for r in conn.execute(query, params).mappings()]
    return rows, pace


def _row(r: dict) -> dict:
    stage_end, advice_end = math.ceil(float(r["stage_n"])), math.ceil(float(r["advice_end_n"]))
    estimate = max(stage_end, advice_end)
    expected = math.ceil(float(r["advice_n"])) if r["advice_n"] is not None else None
    return {"reference": r["reference"], "stage": r["stage"], "caseworker": r["caseworker"],
            "received": r["received"], "due": r["due"], "estimated_issue": from_dayno(estimate),
            "days_late": estimate - int(r["due_n"]), "outstanding_advice": int(r["outstanding"]),
            "expected_advice": from_dayno(expected),
            "driver": "advice" if advice_end >= stage_end and r["stage"] != "draft" else "stage"}


def forecast_report(conn: Connection, *, as_of: date, weeks: int = 8) -> Report:
    rows, pace = forecast_rows(conn, as_of=as_of, weeks=weeks)
    document = {"as_of": as_of, "weeks": weeks, "horizon": as_of + timedelta(weeks=weeks),
                "total": len(rows), "cases": rows, "pace": pace, "footer": FOOTER}
    title = f"Forecast 20-week breaches, {as_of} to {document['horizon']} ({len(rows)} cases)"
    pace_rows = [{"step": step, **p} for step, p in pace.items()]
    tables = [Table("cases", COLUMNS, rows, title),
              Table("pace", ["step", "days", "observations", "source"], pace_rows, "Pace used (median days)")]
    return Report(title, document, tables, FOOTER)

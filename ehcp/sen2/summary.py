"""The headline figures the DfE publishes from the return (sen2.md 3.1-3.2), computed from the extract,
and ``explain``: each item of one case with the events behind it.

Definitions: requests = ReceivedDate in the calendar year, by RequestOutcome; refusals = N;
assessments = outcome Y or N dated in the year; plans issued = AssessmentOutcome Y dated in the year
(the 20-week population, as ``report timeliness``); new plans = StartDate in the year of a plan
issued by this LA (Y); within 20 weeks = issued on or before ReceivedDate + the rule book's day
count (Policy Q4); excluding exceptions drops Week20 = 1 from numerator and denominator.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from ehcp.reports.result import rate
from ehcp.reports.timeliness import default_day_count
from ehcp.sen2 import codes
from ehcp.sen2.extract import Extract, extract


def census_for_activity_year(year: int) -> date:
    """The census that reports calendar year ``year``: the published January census of ``year + 1``."""
    return codes.CENSUS_DATES.get(year + 1) or date(year + 1, 1, 15)


def next_census(today: date) -> date:
    """The next census on or after ``today``."""
    this = codes.CENSUS_DATES.get(today.year, date(today.year, 1, 15))
    return this if today <= this else census_for_activity_year(today.year)


def _rate_block(plans: list[tuple[int, int]], limit: int) -> dict:
    within = sum(1 for days, _ in plans if days <= limit)
    return {"issued": len(plans), "within": within, "rate": rate(within, len(plans))}


def summary(data: Extract, *, day_count: int | None = None) -> dict:
    """Headline figures for the collection period of ``data``."""
    limit = default_day_count() if day_count is None else day_count
    start, end = data.start, data.end
    by_outcome = dict.fromkeys(("Y", "N", "A", "W", "H"), 0)
    assessments = {"Y": 0, "N": 0}
    new_plans = 0
    plans: list[tuple[int, int]] = []
    for p in data.persons:
        for r in p.requests:
            received = r.request["ReceivedDate"].value
            if start <= received <= end:
                by_outcome[r.request["RequestOutcome"].value] += 1
            a = r.assessment
            if a is None:
                continue
            outcome, day = a["AssessmentOutcome"].value, a["AssessmentOutcomeDate"].value
            if outcome in assessments and day is not None and start <= day <= end:
                assessments[outcome] += 1
                if outcome == "Y":
                    plans.append(((day - received).days, a["Week20"].value))
            if outcome == "Y" and r.plan and start <= r.plan["StartDate"].value <= end:
                new_plans += 1
    including = _rate_block(plans, limit)
    excluding = _rate_block([p for p in plans if not p[1]], limit)
    return {"year": start.year, "census": data.census, "day_count": limit,
            "requests": sum(by_outcome.values()), "requests_by_outcome": by_outcome, "refusals": by_outcome["N"],
            "assessments": assessments["Y"] + assessments["N"], "plans_issued": assessments["Y"],
            "not_issued": assessments["N"], "new_plans": new_plans,
            "twenty_weeks": {"including": including, "excluding": excluding,
                             "exceptions": including["issued"] - excluding["issued"]}}


def summary_rows(doc: dict) -> list[dict]:
    t = doc["twenty_weeks"]
    o = doc["requests_by_outcome"]
    return [
        {"measure": "Requests received", "value": doc["requests"],
         "detail": f"Y {o['Y']}, N {o['N']}, A {o['A']}, W {o['W']}" + (f", H {o['H']}" if o["H"] else "")},
        {"measure": "Refused (not to assess)", "value": doc["refusals"],
         "detail": f"{rate(doc['refusals'], doc['requests'])}%"},
        {"measure": "Assessments completed", "value": doc["assessments"],
         "detail": f"plan issued {doc['plans_issued']}, not issued {doc['not_issued']}"},
        {"measure": "New plans (StartDate in year)", "value": doc["new_plans"], "detail": ""},
        {"measure": "Within 20 weeks, excluding exceptions (DfE headline)", "value": t["excluding"]["within"],
         "detail": f"of {t['excluding']['issued']}: {t['excluding']['rate']}%"},
        {"measure": "Within 20 weeks, including exceptions", "value": t["including"]["within"],
         "detail": f"of {t['including']['issued']}: {t['including']['rate']}%; {t['exceptions']} with exceptions"},
    ]


def explain(conn: Connection, census: date, reference: str) -> list[dict]:
    """Each item of case ``reference`` in the return for ``census``: module, item, value, why.
    An empty list means the case is not in the return for that census."""
    data = extract(conn, census, references=[reference])
    rows: list[dict] = []
    for p in data.persons:
        for name, item in p.person.items():
            if name not in ("Surname", "Forename"):
                rows.append({"module": "Person", "item": name, "value": item.value, "why": item.why})
        for r in p.requests:
            for module, items in (("Requests", r.request), ("Assessment", r.assessment), ("NamedPlan", r.plan),
                                  ("ActivePlans", r.active)):
                for name, item in (items or {}).items():
                    rows.append({"module": module, "item": name, "value": item.value, "why": item.why})
            for p_ in r.placements:
                where = p_.get("URN") or p_.get("UKPRN") or p_.get("SENSetting")
                rows.append({"module": "PlacementDetail", "item": f"rank {p_['PlacementRank']}", "value": where,
                             "why": f"placement {p_.get('_setting') or ''} {p_['EntryDate']} to "
                                    f"{p_['LeavingDate'] or 'open'} (ehcp sen2 placement)"})
            for n in r.needs:
                rows.append({"module": "SENneed", "item": f"rank {n['SENtypeRank']}", "value": n["SENtype"],
                             "why": "recorded with ehcp sen2 need"})
    return rows

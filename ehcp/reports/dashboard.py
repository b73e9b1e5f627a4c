"""The board dashboard: one self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched
at view time) with the headline figures and charts, built from the same report functions as the
JSON reports, so the page and ``ehcp report ... --format json`` always agree.

Every figure shown also sits in a ``data-figure`` / ``data-value`` attribute pair. The timeliness
year defaults to the last complete calendar year (:func:`default_year`); the year to date is shown
beside it.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from sqlalchemy import Connection

from ehcp.reports import charts
from ehcp.reports.caseload import caseload_report
from ehcp.reports.charts import Bar
from ehcp.reports.forecast import forecast_report
from ehcp.reports.overdue import overdue_report
from ehcp.reports.partners import partners_report
from ehcp.reports.result import DFE_NOTE, Period
from ehcp.reports.timeliness import NATIONAL, timeliness_report
from ehcp.rules import DEFAULT_POLICY, Policy

CASEWORKERS_SHOWN = 10
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def default_year(as_of: date) -> int:
    """The last complete calendar year before ``as_of`` (in January the current year is nearly empty)."""
    return as_of.year - 1


def build_dashboard(conn: Connection, *, as_of: date, year: int | None = None, weeks: int = 8,
                    policy: Policy = DEFAULT_POLICY) -> dict[str, Any]:
    """Every figure the page shows, as plain data (the JSON documents of the reports), under the
    council's policy in effect."""
    year = default_year(as_of) if year is None else year
    to_date = Period(date(as_of.year, 1, 1), as_of)
    return {
        "as_of": as_of, "year": year, "weeks": weeks,
        "timeliness": timeliness_report(conn, Period.year(year), policy=policy).document,
        "year_to_date": timeliness_report(conn, to_date, policy=policy).document,
        "overdue_by_stage": overdue_report(conn, as_of=as_of, by="stage").document,
        "overdue_by_partner": overdue_report(conn, as_of=as_of, by="partner").document,
        "partners": partners_report(conn, as_of=as_of).document,
        "caseload": caseload_report(conn, as_of=as_of).document,
        "forecast": forecast_report(conn, as_of=as_of, weeks=weeks).document,
    }


def _card(figure: str, value: Any, label: str, sub: str = "", unit: str = "", tone: str = "") -> str:
    shown = charts.fmt(value, unit) if isinstance(value, (int, float)) or value is None else escape(str(value))
    return (f'<div class="card {tone}"><div class="big" data-figure="{charts.attr(figure)}" '
            f'data-value="{charts.attr(value)}">{shown}</div><div class="label">{escape(label)}</div>'
            f'<div class="sub">{escape(sub)}</div></div>')


def cards(data: dict) -> str:
    t = data["timeliness"]["twenty_weeks"]
    excl, incl = t["excluding"], t["including"]
    six = data["timeliness"]["six_weeks"]
    ytd = data["year_to_date"]["twenty_weeks"]["excluding"]
    tone = "" if excl["rate"] is None else ("good" if excl["rate"] >= NATIONAL["excluding_rate"] else "bad")
    overdue = data["overdue_by_stage"]["total_overdue"]
    return "".join([
        _card("twenty_weeks.excluding.rate", excl["rate"], "EHC plans issued within 20 weeks",
              f"excluding exceptions: {excl['within']:,} of {excl['issued']:,}; national {NATIONAL['excluding_rate']}% "
              f"({NATIONAL['year']})", "%", tone),
        _card("twenty_weeks.including.rate", incl["rate"], "Within 20 weeks, including exceptions",
              f"{incl['within']:,} of {incl['issued']:,}; {t['exceptions']:,} with exceptions", "%"),
        _card("twenty_weeks.including.issued", incl["issued"], f"New plans issued in {data['year']}",
              f"average {charts.fmt(incl['avg_weeks'])} weeks from request"),
        _card("year_to_date.excluding.rate", ytd["rate"], f"Within 20 weeks, {data['as_of'].year} to date",
              f"excluding exceptions: {ytd['within']:,} of {ytd['issued']:,} to {data['as_of']}", "%"),
        _card("six_weeks.rate", six["rate"], "Decisions to assess within 6 weeks",
              f"every decision, as SEN2: {six['within']:,} of {six['decisions']:,}", "%"),
        _card("overdue.total_overdue", overdue, "Statutory deadlines overdue", f"as of {data['as_of']}",
              tone="bad" if overdue else "good"),
        _card("forecast.total", data["forecast"]["total"], "Plans forecast to breach 20 weeks",
              f"in the next {data['weeks']} weeks at the current pace"),
        _card("caseload.total", data["caseload"]["totals"]["total"], "Open cases",
              f"{data['caseload']['totals']['with_overdue']:,} with an overdue deadline"),
        _card("partners.overdue", sum(r["overdue"] for r in data["partners"]["partners"]), "Advice requests overdue",
              "from partner organisations"),
    ])


def timeliness_chart(data: dict) -> str:
    months = {m["month"]: m for m in data["timeliness"]["months"]}
    year, as_of = data["year"], data["as_of"]
    last = 12 if as_of.year > year else (as_of.month if as_of.year == year else 0)
    bars = []
    for number in range(1, last + 1):
        key = f"{year}-{number:02d}"
        m = months.get(key)
        value = m["rate_excluding"] if m else None
        colour = "green" if value is not None and value >= NATIONAL["excluding_rate"] else "red"
        bars.append(Bar(MONTHS[number - 1], value, f"timeliness.month.{key}.rate_excluding", colour,
                        note=f"n={charts.compact(m['issued_excluding'])}" if m else "n=0"))
    return charts.column_chart(bars, label="20-week timeliness by month",
                               reference=(NATIONAL["excluding_rate"], f"national {NATIONAL['excluding_rate']}%"))


def overdue_chart(doc: dict, *, figure: str, skip: tuple[str, ...] = ()) -> str:
    bars = [Bar(g["group"], g["overdue"], f"{figure}.{g['group']}", "red")
            for g in sorted(doc["groups"], key=lambda g: -g["overdue"])
            if not g["advisory"] and g["overdue"] and g["group"] not in skip]
    return charts.hbar_chart(bars, label=f"Overdue deadlines ({figure})")


def latency_chart(data: dict) -> str:
    rows = [r for r in data["partners"]["partners"] if r["median_days"] is not None]
    bars = [Bar(r["partner"], r["median_days"], f"partners.{r['partner']}.{r['kind']}.median_days",
                "green" if r["median_days"] <= 42 else "orange", note=f"90th {charts.fmt(r['p90_days'])}",
                marker=r["p90_days"], sublabel=f"{r['kind'].replace('_', ' ')} advice, n={r['received']:,}")
            for r in sorted(rows, key=lambda r: -(r["median_days"] or 0))[:10]]
    return charts.hbar_chart(bars, label="Advice latency by partner", reference=(42, "6 weeks"), label_width=270)


def bands_chart(data: dict) -> str:
    t = data["timeliness"]["twenty_weeks"]["including"]
    labels = (("within_20_weeks", "20 weeks or less", "green"), ("weeks_20_to_52", "20 to 52 weeks", "orange"),
              ("over_52_weeks", "over 52 weeks", "red"))
    bars = [Bar(text, t["band_rates"][key], f"twenty_weeks.including.band_rates.{key}", colour,
                note=f"n={t['bands'][key]:,}", sublabel=f"national {NATIONAL['bands'][key]}%")
            for key, text, colour in labels]
    return charts.hbar_chart(bars, label="Weeks from request to plan", unit="%", label_width=230)


def caseload_chart(data: dict) -> str:
    doc = data["caseload"]
    rows = [(r["caseworker"], [(s, r[s]) for s in doc["stages"]], f"caseload.{r['caseworker']}")
            for r in doc["caseworkers"][:CASEWORKERS_SHOWN]]
    return charts.stacked_chart(rows, label="Open cases per caseworker and stage")


def _panel(title: str, subtitle: str, svg: str) -> str:
    return f'<section class="panel"><h2>{escape(title)}</h2><p class="subtitle">{escape(subtitle)}</p>{svg}</section>'


def render_html(data: dict) -> str:
    """The page: headline cards, then the charts two to a row, then the definitions."""
    t = data["timeliness"]
    panels = [
        _panel("20-week timeliness by month", f"% of new plans issued within 20 weeks, excluding exceptions, "
               f"{data['year']}; dashed line: national average {NATIONAL['excluding_rate']}% ({NATIONAL['year']})",
               timeliness_chart(data)),
        _panel("Overdue statutory deadlines by stage", f"as of {data['as_of']}",
               overdue_chart(data["overdue_by_stage"], figure="overdue.stage")),
        _panel("Overdue advice by partner", "advice deadlines past 6 weeks (reg 8)",
               overdue_chart(data["overdue_by_partner"], figure="overdue.partner", skip=("(LA)",))),
        _panel("Advice latency by partner", "median days from the body's receipt to advice; tick = 90th "
               "percentile; dashed = 6 weeks", latency_chart(data)),
        _panel("Weeks from request to final plan", f"new plans issued in {data['year']}, including exceptions; "
               f"national {NATIONAL['year']} for comparison", bands_chart(data)),
        _panel("Caseload", f"open cases per caseworker and stage (largest {CASEWORKERS_SHOWN} of "
               f"{len(data['caseload']['caseworkers']):,})", caseload_chart(data)),
    ]
    notes = [t["footer"], data["overdue_by_stage"]["footer"], data["partners"]["footer"],
             data["forecast"]["footer"], data["caseload"]["footer"]]
    return PAGE.format(
        title=f"EHC plan performance {data['year']}", as_of=data["as_of"], cards=cards(data),
        panels="".join(panels), notes="".join(f"<li>{escape(n.replace(DFE_NOTE, '').strip())}</li>" for n in notes),
        dfe=escape("Timeliness " + DFE_NOTE[0].lower() + DFE_NOTE[1:] + " Other figures say what they count."),
        national=escape(NATIONAL["source"]))


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: Arial, Helvetica, sans-serif; margin: 0; padding: 20px 32px; color: #0b0c0c;
         background: #ffffff; font-size: 22px; }}
  header {{ border-bottom: 8px solid #1d70b8; margin-bottom: 18px; }}
  h1 {{ font-size: 42px; margin: 0 0 4px; }}
  .asof {{ font-size: 21px; color: #505a5f; margin: 0 0 10px; }}
  .cards {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; margin-bottom: 20px; }}
  .card {{ border: 2px solid #b1b4b6; border-left: 12px solid #1d70b8; padding: 8px 16px 10px; }}
  .card.good {{ border-left-color: #00703c; }}
  .card.bad {{ border-left-color: #d4351c; }}
  .big {{ font-size: 60px; font-weight: bold; line-height: 1.05; }}
  .label {{ font-size: 23px; font-weight: bold; margin-top: 2px; }}
  .sub {{ font-size: 18px; color: #505a5f; margin-top: 4px; }}
  .grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }}
  .panel {{ border: 2px solid #b1b4b6; padding: 10px 16px; }}
  h2 {{ font-size: 28px; margin: 0; }}
  .subtitle {{ font-size: 18px; color: #505a5f; margin: 2px 0 8px; }}
  footer {{ margin-top: 28px; font-size: 17px; color: #505a5f; }}
  footer li {{ margin-bottom: 6px; }}
</style></head>
<body>
<p class="marking"><strong>OFFICIAL-SENSITIVE</strong></p>
<header><h1>{title}</h1><p class="asof">As of {as_of}. {dfe}</p></header>
<main>
<section class="cards">{cards}</section>
<div class="grid">{panels}</div>
</main>
<footer><p>Definitions</p><ul>{notes}<li>National average: {national}.</li></ul></footer>
</body></html>
"""

"""``ehcp report ...``: what managers answer for. Each command reads one connection, calls one report
function from :mod:`ehcp.reports` and renders it with the shared formatter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer

from cli.common import FORCE_OPTION, context, out_file, parse_date, refusals, settings
from cli.output import ReportFormat, emit_report, info
from ehcp.files import write_private
from ehcp.reports.result import Period
from ehcp.reports.xlsx import MARKING_NOTE
from ehcp.services.errors import Refused

app = typer.Typer(help="Manager reports (DfE definitions; table, csv, json or xlsx).", no_args_is_help=True)

FORMAT = typer.Option(ReportFormat.table, "--format", "-f", help="Output format: table, csv, json or xlsx.")
OUT = typer.Option(None, "--out", "-o", help="Write to FILE instead of stdout (required for xlsx).")
AS_OF = typer.Option(None, "--as-of", help="Date to report at: today (the default, London) or later; "
                     "an earlier date is refused (reports read the current state).")


def _run(name: str, build: Callable, fmt: ReportFormat, out: Path | None, as_of: str | None = None, *,
         force: bool = False) -> None:
    """Build the report with (conn, day) in one read transaction (ehcp.services.reporting), and emit it.
    A file (``--out``) is checked first (``cli.common.out_file``); the export needs 'export_personal_data'
    and is audited with its row count before it is written."""
    from ehcp.services.reporting import run_report

    if fmt is ReportFormat.xlsx and out is None:
        raise typer.BadParameter("--format xlsx needs --out FILE", param_hint="--out")
    cfg = settings()
    day = parse_date(as_of, "--as-of") or cfg.today
    out_file(out, cfg, force=force)
    if out is not None:
        _authorise_export()  # refused before anything is read
    report = run_report(cfg, build, day)
    if out is not None:
        _audit_export(name, fmt, out, sum(len(t.rows) for t in report.tables))
    with _writing(out):
        emit_report(report, fmt, out=out, made_on=cfg.today)
        if out is not None and fmt is not ReportFormat.xlsx:
            _sidecar(out, cfg)
    if out is not None:
        info(f"wrote {out} (OFFICIAL-SENSITIVE)")


def _authorise_export() -> None:
    """A report written to a file is an export of personal data: it needs the
    'export_personal_data' permission (when enforced)."""
    from ehcp.services.permissions import authorise

    authorise(context(), "export_personal_data")


def _audit_export(name: str, fmt: ReportFormat, out: Path, rows: int) -> None:
    """The export in the audit trail: who (the actor), what (report, format, file name), how many rows."""
    from ehcp.services.permissions import authorise

    authorise(context(), "export_personal_data", action="personal_data_exported",
              detail={"report": name, "format": fmt.value, "file": out.name, "rows": rows})


def _sidecar(out: Path, cfg) -> None:
    """CSV/JSON files stay machine-readable: the protective marking goes in a file beside them (0600)."""
    write_private(out.with_name(out.name + ".OFFICIAL-SENSITIVE.txt"),
                  f"{MARKING_NOTE}\nFile: {out.name}\nMade on {cfg.today.isoformat()} by {cfg.user}\n",
                  force=True, database_url=cfg.database_url)


@contextmanager
def _writing(out: Path | None) -> Iterator[None]:
    """A file that cannot be written is a refusal (one line, exit 1), not a traceback."""
    try:
        yield
    except OSError as exc:
        raise Refused(f"cannot write {out}: {exc.strerror or exc}") from None


def _period(year: int | None, start: str | None, end: str | None, today: date, *, default_all: bool = False):
    if year is not None and (start or end):
        raise Refused("give either --year or --from/--to, not both")
    if year is not None:
        return Period.year(year)
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    if first is None and last is None:
        return None if default_all else Period.year(today.year)
    last = last or (today if first else None)
    first = first or date((last or today).year, 1, 1)
    if last < first:
        raise Refused(f"--to {last} is before --from {first}")
    return Period(first, last)


@app.command("overdue")
@refusals
def overdue(
    as_of: str | None = AS_OF,
    by: str = typer.Option("rule", "--by", help="Group by stage, caseworker, team, partner or rule."),
    due_within: int | None = typer.Option(None, "--due-within", min=0, help="Also list deadlines due within N days."),
    detail: bool = typer.Option(True, "--detail/--summary", help="List every deadline, or only the counts."),
    fmt: ReportFormat = FORMAT,
    out: Path | None = OUT,
    force: bool = FORCE_OPTION,
) -> None:
    """Every overdue deadline, grouped, oldest first; advisory clocks apart."""
    from ehcp.reports.overdue import GROUPS, overdue_report

    if by not in GROUPS:
        raise Refused(f"unknown grouping {by!r}; choose one of {', '.join(GROUPS)}")

    def build(conn, day):
        report = overdue_report(conn, as_of=day, by=by, due_within=due_within)
        if not detail:
            report.tables, report.csv = [t for t in report.tables if t.name == "groups"], None
        return report

    _run("overdue", build, fmt, out, as_of, force=force)


@app.command("timeliness")
@refusals
def timeliness(
    year: int | None = typer.Option(None, "--year", help="Calendar year of issue (default this year)."),
    start: str | None = typer.Option(None, "--from", help="First issue date (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last issue date (YYYY-MM-DD)."),
    by: str | None = typer.Option(None, "--by", help="'month' to lead with the month-by-month table."),
    day_count: int | None = typer.Option(None, "--day-count", help="On time = issued by received + N days "
                                            "(default: the policy in effect, Q4 sen2_day_count: 140)."),
    fmt: ReportFormat = FORMAT,
    out: Path | None = OUT,
    force: bool = FORCE_OPTION,
) -> None:
    """20-week timeliness including and excluding exceptions, bands, 6/16-week and review rates."""
    from ehcp.reports.timeliness import timeliness_report
    from ehcp.services.policy import policy_read

    if by not in (None, "month"):
        raise Refused(f"unknown grouping {by!r}; timeliness can be grouped by month")
    cfg = settings()
    period = _period(year, start, end, cfg.today)
    _run("timeliness",
         lambda conn, _day: timeliness_report(conn, period, day_count=day_count, show_months=by == "month",
                                              policy=policy_read(conn, cfg)), fmt, out,
         force=force)


@app.command("partners")
@refusals
def partners(
    year: int | None = typer.Option(None, "--year", help="Advice requested in this calendar year."),
    start: str | None = typer.Option(None, "--from", help="First request date (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last request date (YYYY-MM-DD)."),
    as_of: str | None = AS_OF,
    fmt: ReportFormat = FORMAT,
    out: Path | None = OUT,
    force: bool = FORCE_OPTION,
) -> None:
    """Advice league table: per partner and kind, requests, within 6 weeks, median/90th days, chasing."""
    from ehcp.reports.partners import partners_report

    period = _period(year, start, end, settings().today, default_all=True)
    _run("partners", lambda conn, day: partners_report(conn, as_of=day, period=period), fmt, out, as_of,
         force=force)


@app.command("forecast")
@refusals
def forecast(
    weeks: int = typer.Option(8, "--weeks", min=1, max=52, help="Look this many weeks ahead."),
    as_of: str | None = AS_OF,
    fmt: ReportFormat = FORMAT,
    out: Path | None = OUT,
    force: bool = FORCE_OPTION,
) -> None:
    """Open cases that will breach the 20-week limit within N weeks at the observed pace."""
    from ehcp.reports.forecast import forecast_report

    _run("forecast", lambda conn, day: forecast_report(conn, as_of=day, weeks=weeks), fmt, out, as_of,
         force=force)


@app.command("caseload")
@refusals
def caseload(as_of: str | None = AS_OF, fmt: ReportFormat = FORMAT, out: Path | None = OUT,
             force: bool = FORCE_OPTION) -> None:
    """Open cases per caseworker and stage."""
    from ehcp.reports.caseload import caseload_report

    _run("caseload", lambda conn, day: caseload_report(conn, as_of=day), fmt, out, as_of,
         force=force)


@app.command("dashboard")
@refusals
def dashboard(
    out: Path = typer.Option(..., "--out", "-o", help="The HTML file to write (self-contained)."),
    force: bool = FORCE_OPTION,
    year: int | None = typer.Option(None, "--year", help="Timeliness year (default: the last complete "
                                    "calendar year; the year to date is shown beside it)."),
    weeks: int = typer.Option(8, "--weeks", min=1, max=52, help="Forecast horizon in weeks."),
    as_of: str | None = AS_OF,
) -> None:
    """One self-contained HTML page of headline figures and charts, for a board meeting."""
    from ehcp.reports.dashboard import render_html
    from ehcp.services.reporting import dashboard as figures

    cfg = settings()
    day = parse_date(as_of, "--as-of") or cfg.today
    out_file(out, cfg, force=force)
    data = figures(cfg, as_of=day, year=year, weeks=weeks)
    with _writing(out):
        write_private(out, render_html(data), force=force, database_url=cfg.database_url)
    info(f"wrote {out}")

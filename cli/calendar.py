"""``ehcp calendar ...``: bank holidays, proclaimed holidays and school term calendars.

Services are imported inside the commands: they load the ORM (about a second), which no other
command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from cli.common import context, parse_date, refusals
from cli.output import Format, emit, emit_json, info, output_options
from ehcp.services.errors import Refused

app = typer.Typer(help="Working days, bank holidays and school term calendars.", no_args_is_help=True)


@app.command("import")
@refusals
def import_(
    file: Path = typer.Argument(..., help="An iCalendar (.ics) file of term dates or closures."),
    setting: str | None = typer.Option(
        None, "--setting", help="The school or setting it belongs to (default: the LA's default calendar)."),
    kind: str = typer.Option("school", "--kind", help="school, early_years or post16."),
) -> None:
    """Import a term calendar; closures of 4 weeks or more feed the reg 5(4)/10(4) exceptions."""
    from ehcp.services.calendars_admin import import_ics

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise Refused(f"cannot read {file}: {exc.strerror}") from None
    result = import_ics(context(), data, source=file.name, setting=setting, kind=kind)
    info(f"imported {result.closures} closures ({result.long_closures} of 4 weeks or more) "
         f"for {setting or 'the LA default calendar'}")


@app.command("show")
@refusals
@output_options()
def show(
    year: int | None = typer.Option(None, "--year", help="Bank holidays of this year (default: this year)."),
    setting: str | None = typer.Option(None, "--setting", help="Only this setting's closures."),
    fmt: Format = Format.table,
) -> None:
    """Show the non-working days of a year and the recorded closures."""

    from ehcp.services.calendar import calendar_in_force
    from ehcp.services.calendars_admin import list_closures

    ctx = context()
    year = year or ctx.today.year
    cal = calendar_in_force(ctx)
    holidays = [{"date": d, "name": n} for d, n in cal.holidays_between(date(year, 1, 1), date(year, 12, 31))]
    closures = list_closures(ctx, setting)
    if fmt is Format.json:
        emit_json({"year": year, "holidays": holidays, "closures": closures})
        return
    emit(holidays, ["date", "name"], fmt, key="holidays", title=f"Non-working days {year} (England and Wales)")
    emit(closures, ["setting", "closed_from", "reopens", "days", "four_weeks_or_more"], fmt, key="closures",
         title="Closures")


@app.command("add-holiday")
@refusals
def add_holiday(day: str = typer.Argument(..., help="YYYY-MM-DD"), name: str = typer.Argument(...)) -> None:
    """Record a one-off proclaimed bank holiday; run 'ehcp deadlines recompute' afterwards."""
    from ehcp.services.calendars_admin import add_holiday as add

    add(context(), parse_date(day, "date"), name)
    info(f"{day} recorded as a non-working day ({name}); run 'ehcp deadlines recompute' to apply it")

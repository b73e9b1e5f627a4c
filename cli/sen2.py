"""``ehcp sen2 ...``: the SEN2 statutory return - record its data, check, explain, summarise, export.

The SEN2 extract, checks and services are imported inside the commands: they load SQLAlchemy and the
ORM (about a second), which no other command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import typer

from cli.common import context, parse_date, refusals, settings
from cli.output import Format, emit, emit_json, emit_noted, info, output_options
from ehcp.services.errors import Refused

app = typer.Typer(help="The SEN2 statutory return (DfE person-level XML): data, checks, explain, summary, export.",
                  no_args_is_help=True)
REF = typer.Argument(..., help="Case reference, e.g. EHC-2025-00042.")
CENSUS = typer.Option(None, "--census", help="Census date YYYY-MM-DD (default: the next census day).")


def _census(value: Optional[str]):  # noqa: ANN202
    from ehcp.sen2.summary import next_census

    return parse_date(value, "--census") or next_census(settings().today)


def _extract(census):  # noqa: ANN001, ANN202
    from ehcp.sen2.extract import extract
    from ehcp.services.views import read_connection

    try:
        with read_connection(settings()) as conn:
            return extract(conn, census)
    except KeyError as exc:
        raise Refused(str(exc.args[0])) from None


@app.command("placement")
@refusals
@output_options(listing=False)
def placement(reference: str = REF,
              start: str = typer.Option(..., "--from", help="Entry date YYYY-MM-DD."),
              setting: Optional[str] = typer.Option(None, "--setting", help="Setting name (created if new)."),
              urn: Optional[str] = typer.Option(None, "--urn", help="GIAS URN (6 digits)."),
              ukprn: Optional[str] = typer.Option(None, "--ukprn", help="UKPRN (8 digits), e.g. a college."),
              sen_setting: Optional[str] = typer.Option(None, "--sen-setting",
                                                        help="No URN: OLA, OPA, EHE, EYP, OTH, NEET, NIEC or NIEO."),
              other: Optional[str] = typer.Option(None, "--other", help="Detail for --sen-setting OTH."),
              until: Optional[str] = typer.Option(None, "--to", help="Leaving date, if known."),
              rank: int = typer.Option(1, "--rank", help="1 main placement, 2 second ..."),
              sen_unit: bool = typer.Option(False, "--sen-unit", help="In an SEN unit."),
              resourced: bool = typer.Option(False, "--resourced-provision", help="In resourced provision."),
              residential: Optional[str] = typer.Option(None, "--residential", help="A 38-51 weeks, B 52 weeks."),
              fmt: Format = Format.table) -> None:
    """Record where the child is placed (SEN2 PlacementDetail); an open placement of the same rank ends.

    Example: ehcp sen2 placement EHC-2025-00042 --setting "Oak Primary" --urn 123456 --from 2025-09-03
    """
    from ehcp.services.sen2_data import PlacementDetails, record_placement

    details = PlacementDetails(entry_date=parse_date(start, "--from"), setting=setting, urn=urn, ukprn=ukprn,
                               sen_setting=sen_setting, sen_setting_other=other, rank=rank,
                               leaving_date=parse_date(until, "--to"), sen_unit=sen_unit,
                               resourced_provision=resourced, residential=residential)
    emit_noted(record_placement(context(), reference, details), fmt, "placement recorded")


@app.command("need")
@refusals
@output_options(listing=False)
def need(reference: str = REF, primary: str = typer.Option(..., "--primary", help="Primary SEN type, e.g. ASD."),
         secondary: Optional[list[str]] = typer.Option(None, "--secondary", help="Secondary SEN type (repeatable)."),
         on: Optional[str] = typer.Option(None, "--on", help="Date recorded (default today)."),
         fmt: Format = Format.table) -> None:
    """Set the plan's SEN types of need (SEN2 SENneed), replacing those recorded before.

    Types: SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH.
    Example: ehcp sen2 need EHC-2025-00042 --primary ASD --secondary SLCN
    """
    from ehcp.services.sen2_data import record_needs

    emit_noted(record_needs(context(), reference, primary=primary, secondary=secondary or [], on=parse_date(on, "--on")),
          fmt, "SEN types recorded")


@app.command("upn-unknown")
@refusals
@output_options(listing=False)
def upn_unknown(reference: str = REF,
                code: Optional[str] = typer.Option(None, "--code", help="UN1, UN2, UN3, UN5, UN8, UN9 or UN10."),
                clear: bool = typer.Option(False, "--clear", help="Remove the reason."),
                fmt: Format = Format.table) -> None:
    """Record why the child has no UPN or ULN (SEN2 UPNunknown).

    Example: ehcp sen2 upn-unknown EHC-2025-00042 --code UN1
    """
    from ehcp.services.sen2_data import record_upn_unknown

    if (code is None) == (not clear):
        raise Refused("give --code or --clear")
    emit_noted(record_upn_unknown(context(), reference, None if clear else code), fmt, "UPN-unknown reason recorded")


@app.command("export")
@refusals
def export(census: str = typer.Option(..., "--census", help="Census date YYYY-MM-DD, e.g. 2026-01-15."),
           out: Path = typer.Option(..., "--out", "-o", help="The XML file to write."),
           lea: str = typer.Option(..., "--lea", help="Your 3-digit LA number.")) -> None:
    """Write the person-level SEN2 XML for the collection year before the census date.

    Run 'ehcp sen2 check' first. The file holds personal data (OFFICIAL-SENSITIVE); the export is audited.
    Example: ehcp sen2 export --census 2026-01-15 --lea 886 --out sen2_2026.xml
    """
    from ehcp.sen2 import xml
    from ehcp.services.permissions import authorise

    if not (lea.isdigit() and len(lea) == 3):
        raise Refused(f"--lea {lea!r} must be the 3-digit LA number")
    day = parse_date(census, "--census")
    data = _extract(day)
    authorise(context(), "export_personal_data", action="personal_data_exported",
              detail={"report": "sen2", "census": day.isoformat(), "file": out.name, "persons": len(data.persons)})
    try:
        count = xml.write(data, str(out), lea=lea, made_at=datetime.now(timezone.utc).replace(microsecond=0,
                                                                                             tzinfo=None),
                          release="1")
    except OSError as exc:
        raise Refused(f"cannot write {out}: {exc.strerror or exc}") from None
    info(f"wrote {out}: {count} persons, collection {data.year} (period {data.start} to {data.end}) "
         "(OFFICIAL-SENSITIVE)")


@app.command("check")
@refusals
@output_options()
def check(census: Optional[str] = CENSUS, fmt: Format = Format.table) -> None:
    """Pre-submission checks: each problem with the case reference and how to fix it (exit 0 either way).

    Example: ehcp sen2 check --census 2026-01-15 --format csv
    """
    from ehcp.sen2.checks import COLUMNS, run_checks

    data = _extract(_census(census))
    findings = [f.to_dict() for f in run_checks(data)]
    emit(findings, COLUMNS, fmt, key="findings", title=f"SEN2 checks, census {data.census}",
         extra={"census": data.census, "year": data.year, "persons": len(data.persons)})
    info(f"{len(findings)} problem(s) in {len(data.persons)} person record(s)")


@app.command("explain")
@refusals
@output_options()
def explain(reference: str = REF, census: Optional[str] = CENSUS, fmt: Format = Format.table) -> None:
    """Why each SEN2 item of a case has its value (which events).

    Example: ehcp sen2 explain EHC-2025-00042 --census 2026-01-15
    """
    from ehcp.sen2.summary import explain as run
    from ehcp.services.views import read_connection

    day = _census(census)
    with read_connection(settings()) as conn:
        rows = run(conn, day, reference)
    if not rows:
        raise Refused(f"{reference.strip().upper()} is not in the SEN2 return for the census {day} "
                      "(unknown, or no activity in the collection year and no active plan)")
    emit(rows, ["module", "item", "value", "why"], fmt, key="items", title=f"{reference.upper()}: SEN2 items, census {day}",
         extra={"reference": reference.strip().upper(), "census": day})


@app.command("summary")
@refusals
@output_options()
def summary(year: Optional[int] = typer.Option(None, "--year", help="Calendar year of activity (default: last year)."),
            fmt: Format = Format.table) -> None:
    """Headline figures the DfE will publish from the return (they agree with 'ehcp report timeliness').

    Example: ehcp sen2 summary --year 2025
    """
    from ehcp.sen2.summary import census_for_activity_year, summary as build, summary_rows

    activity = year or settings().today.year - 1
    doc = build(_extract(census_for_activity_year(activity)))
    if fmt is Format.json:
        emit_json(doc)
        return
    emit(summary_rows(doc), ["measure", "value", "detail"], fmt, title=f"SEN2 {activity} (census {doc['census']})")

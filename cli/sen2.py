"""``ehcp sen2 ...``: the SEN2 statutory return - record its data, check, explain, summarise, export.

The SEN2 extract, checks and services are imported inside the commands: they load SQLAlchemy and the
ORM (about a second), which no other command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import typer

from cli.common import FORCE_OPTION, context, out_file, parse_date, refusals, settings
from cli.output import Format, emit, emit_json, emit_noted, info, output_options
from ehcp.files import atomic_write
from ehcp.sen2 import codes
from ehcp.services.errors import Refused

app = typer.Typer(help="The SEN2 statutory return (DfE person-level XML): data, checks, explain, summary, export.",
                  no_args_is_help=True)
REF = typer.Argument(..., help="Case reference, e.g. EHC-2025-00042.")
CENSUS = typer.Option(None, "--census", help="Census date YYYY-MM-DD (default: the next census day).")


def _census(value: str | None):
    from ehcp.sen2.summary import next_census

    return parse_date(value, "--census") or next_census(settings().today)


def _extract(census):
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
              setting: str | None = typer.Option(None, "--setting", help="Setting name (created if new)."),
              urn: str | None = typer.Option(None, "--urn", help="GIAS URN (6 digits)."),
              ukprn: str | None = typer.Option(None, "--ukprn", help="UKPRN (8 digits), e.g. a college."),
              sen_setting: str | None = typer.Option(None, "--sen-setting",
                                                        help="No URN: OLA, OPA, EHE, EYP, OTH, NEET, NIEC or NIEO."),
              other: str | None = typer.Option(None, "--other", help="Detail for --sen-setting OTH."),
              until: str | None = typer.Option(None, "--to", help="Leaving date, if known."),
              rank: int = typer.Option(1, "--rank", help="1 main placement, 2 second ..."),
              sen_unit: bool = typer.Option(False, "--sen-unit", help="In an SEN unit."),
              resourced: bool = typer.Option(False, "--resourced-provision", help="In resourced provision."),
              residential: str | None = typer.Option(None, "--residential", help="A 38-51 weeks, B 52 weeks."),
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
         secondary: list[str] | None = typer.Option(None, "--secondary", help="Secondary SEN type (repeatable)."),
         on: str | None = typer.Option(None, "--on", help="Date recorded (default today)."),
         fmt: Format = Format.table) -> None:
    """Set the plan's SEN types of need (SEN2 SENneed), replacing those recorded before.

    Types: SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH.
    Example: ehcp sen2 need EHC-2025-00042 --primary ASD --secondary SLCN
    """
    from ehcp.services.sen2_data import record_needs

    recorded = record_needs(context(), reference, primary=primary, secondary=secondary or [], on=parse_date(on, "--on"))
    emit_noted(recorded, fmt, "SEN types recorded")


@app.command("upn-unknown")
@refusals
@output_options(listing=False)
def upn_unknown(reference: str = REF,
                code: str | None = typer.Option(None, "--code", help="UN1, UN2, UN3, UN5, UN8, UN9 or UN10."),
                clear: bool = typer.Option(False, "--clear", help="Remove the reason."),
                fmt: Format = Format.table) -> None:
    """Record why the child has no UPN or ULN (SEN2 UPNunknown).

    Example: ehcp sen2 upn-unknown EHC-2025-00042 --code UN1
    """
    from ehcp.services.sen2_data import record_upn_unknown

    if (code is None) == (not clear):
        raise Refused("give --code or --clear")
    emit_noted(record_upn_unknown(context(), reference, None if clear else code), fmt, "UPN-unknown reason recorded")


def _header(day, lea: str, *, strict: bool = True):
    """The return's header from the settings; a missing or wrong officer setting refuses (``strict``) or,
    for ``check``, is returned as a finding with a placeholder so the schema check still runs."""
    from ehcp.sen2.checks import Finding
    from ehcp.sen2.xml import Header

    s = settings()
    year = codes.collection_year(day)
    wanted = [("sen2_dmo", "EHCP_SEN2_DMO"), ("sen2_dco", "EHCP_SEN2_DCO")]
    if year >= 2026:  # DSCO compulsory from the 2026 collection (voluntary in 2025)
        wanted.append(("sen2_dsco", "EHCP_SEN2_DSCO"))
    values, findings = {}, []
    for name, var in (("sen2_dmo", "EHCP_SEN2_DMO"), ("sen2_dco", "EHCP_SEN2_DCO"), ("sen2_dsco", "EHCP_SEN2_DSCO")):
        raw = getattr(s, name)
        value = str(raw).strip().upper() if raw not in (None, "") else None
        if (value is not None and value not in codes.OFFICER) or (value is None and (name, var) in wanted):
            problem = (f"setting {name} ({var}) is {raw!r}, not Y, N or R" if value is not None
                       else f"setting {name} ({var}) is not set: the {year} return needs it (Y, N or R)")
            if strict:
                raise Refused(problem)
            findings.append(Finding("-", "header_setting", name.removeprefix("sen2_").upper(), problem,
                                    f"set {name} in ehcp.toml or {var} in the environment"))
            value = "N" if (name, var) in wanted else None
        values[name.removeprefix("sen2_")] = value
    made_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    return Header(year=year, census=day, lea=lea, made_at=made_at, **values), findings


def _lea(lea: str) -> str:
    if not (lea.isdigit() and len(lea) == 3):
        raise Refused(f"--lea {lea!r} must be the 3-digit LA number")
    return lea


@app.command("plan")
@refusals
@output_options(listing=False)
def plan(reference: str = REF,
         res: str | None = typer.Option(None, "--res", help="PlanRes: A 38-51 weeks, B 52 weeks residential."),
         wbp: str | None = typer.Option(None, "--wbp", help="PlanWBP: A apprenticeship, T traineeship, "
                                                               "S supported internship."),
         pb: bool | None = typer.Option(None, "--pb/--no-pb", help="PB: a personal budget was taken up."),
         oa: bool | None = typer.Option(None, "--oa/--no-oa", help="OA: organised arrangements in place."),
         dp: str | None = typer.Option(None, "--dp", help="DP direct payment: E education, S social care, "
                                                             "H health, I integrated."),
         transfer_la: str | None = typer.Option(None, "--transfer-la", help="LA number (3 digits) the plan "
                                                                                "came from (TransferLA)."),
         exported_la: str | None = typer.Option(None, "--exported-la", help="LA number (3 digits) the plan "
                                                                                "went to (Exported)."),
         fmt: Format = Format.table) -> None:
    """Record SEN2 items of the plan that no event carries (NamedPlan PlanRes, PlanWBP, PB, OA, DP) and
    the LA numbers of a transfer.

    Example: ehcp sen2 plan EHC-2025-00042 --pb --oa --dp E
    """
    from ehcp.services.sen2_data import PlanItems, record_plan_items

    items = PlanItems(residential=res, work_based=wbp, personal_budget=pb, organised_arrangements=oa,
                      direct_payment=dp, transfer_la=transfer_la, exported_la=exported_la)
    emit_noted(record_plan_items(context(), reference, items), fmt, "plan items recorded")


@app.command("export")
@refusals
def export(census: str = typer.Option(..., "--census", help="Census date YYYY-MM-DD, e.g. 2026-01-15."),
           out: Path = typer.Option(..., "--out", "-o", help="The XML file to write."),
           force: bool = FORCE_OPTION,
           lea: str = typer.Option(..., "--lea", help="Your 3-digit LA number."),
           serial: int = typer.Option(1, "--serial", min=1, max=999,
                                      help="SerialNo of this submission (1-999).")) -> None:
    """Write the person-level SEN2 XML for the collection year of the census date, in that year's
    element names and order (2023 to 2026 layouts), a person at a time.

    The header's DMO, DCO and (from 2026) DSCO come from the settings sen2_dmo, sen2_dco, sen2_dsco
    (ehcp.toml or EHCP_SEN2_DMO ...). Run 'ehcp sen2 check' first. The file holds personal data
    (OFFICIAL-SENSITIVE); the export is audited.
    Example: ehcp sen2 export --census 2026-01-15 --lea 886 --out sen2_2026.xml
    """
    from ehcp.sen2 import xml
    from ehcp.sen2.extract import persons
    from ehcp.services.permissions import authorise
    from ehcp.services.views import read_connection

    day = parse_date(census, "--census")
    header, _ = _header(day, _lea(lea))
    header = replace(header, serial=serial)
    out_file(out, force=force)
    ctx = context()
    authorise(ctx, "export_personal_data")
    try:
        with read_connection(settings()) as conn, atomic_write(out, binary=True) as handle:
            count = xml.write(persons(conn, day), handle, header)
    except KeyError as exc:
        raise Refused(str(exc.args[0])) from None
    except OSError as exc:
        raise Refused(f"cannot write {out}: {exc.strerror or exc}") from None
    authorise(ctx, "export_personal_data", action="personal_data_exported",
              detail={"report": "sen2", "census": day.isoformat(), "file": out.name, "rows": count})
    start = f"{header.year - 1}-01-01"
    info(f"wrote {out}: {count} persons, collection {header.year} (period {start} to {header.year - 1}-12-31) "
         "(OFFICIAL-SENSITIVE)")


@app.command("check")
@refusals
@output_options()
def check(census: str | None = CENSUS,
          schema: Path | None = typer.Option(None, "--schema",
                                             help="Also validate the export against this XSD "
                                                  "(the DfE's, from the technical specification)."),
          lea: str = typer.Option("000", "--lea", help="LA number written in the file the schema check validates."),
          fmt: Format = Format.table) -> None:
    """Pre-submission checks: each problem with the case reference, item and how to fix it (exit 0 either
    way). With --schema, the return is also written to a temporary file and validated against the XSD.

    Example: ehcp sen2 check --census 2026-01-15 --schema SEN2_2026.xsd --format csv
    """
    import tempfile  # imports random, ~10 ms: only `sen2 check` needs it

    from ehcp.sen2 import xml
    from ehcp.sen2.checks import COLUMNS, Return, run_checks
    from ehcp.sen2.extract import persons
    from ehcp.services.views import read_connection

    day = _census(census)
    year = codes.collection_year(day)
    if schema is not None and not schema.is_file():
        raise Refused(f"--schema {schema}: no such file")
    header, findings = _header(day, _lea(lea), strict=False)
    references: list[str] = []

    def counted(people):
        for p in people:
            references.append(p.references[0])
            yield p

    found = []
    try:
        with read_connection(settings()) as conn:
            found = [f.to_dict() for f in run_checks(Return(day, year), counted(persons(conn, day)))]
            if schema is not None:
                from ehcp.sen2.schema import schema_findings  # xmlschema loads only for --schema

                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "sen2.xml"
                    with path.open("wb") as handle:
                        xml.write(persons(conn, day), handle, header)
                    found += [f.to_dict() for f in schema_findings(path, schema, references)]
    except KeyError as exc:
        raise Refused(str(exc.args[0])) from None
    rows = [f.to_dict() for f in findings] + found
    emit(rows, COLUMNS, fmt, key="findings", title=f"SEN2 checks, census {day}",
         extra={"census": day, "year": year, "persons": len(references), "schema": str(schema) if schema else None})
    info(f"{len(rows)} problem(s) in {len(references)} person record(s)")


@app.command("explain")
@refusals
@output_options()
def explain(reference: str = REF, census: str | None = CENSUS, fmt: Format = Format.table) -> None:
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
    emit(rows, ["module", "item", "value", "why"], fmt, key="items",
         title=f"{reference.upper()}: SEN2 items, census {day}",
         extra={"reference": reference.strip().upper(), "census": day})


@app.command("summary")
@refusals
@output_options()
def summary(year: int | None = typer.Option(None, "--year", help="Calendar year of activity (default: last year)."),
            fmt: Format = Format.table) -> None:
    """Headline figures the DfE will publish from the return (they agree with 'ehcp report timeliness').

    Example: ehcp sen2 summary --year 2025
    """
    from ehcp.sen2.summary import census_for_activity_year, summary_rows
    from ehcp.sen2.summary import summary as build
    from ehcp.services.policy import policy_for

    cfg = settings()
    activity = year or cfg.today.year - 1
    doc = build(_extract(census_for_activity_year(activity)), day_count=policy_for(cfg).sen2_day_count)
    if fmt is Format.json:
        emit_json(doc)
        return
    emit(summary_rows(doc), ["measure", "value", "detail"], fmt, title=f"SEN2 {activity} (census {doc['census']})")

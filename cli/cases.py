"""``ehcp case ...``: open cases and look at them.

The stage moves (``advance``, ``decide``, ``draft``, ``finalise``, ``no-plan``, ``withdraw``) are rows of
the lifecycle table (``cli.lifecycle``), which builds the ``case`` group: ``opening`` (``new``), then
its rows, then ``app`` (the rest). Services are imported inside the commands: they load the ORM (about
a second), which a command that does not need them should not pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, parse_date, refusals, settings
from cli.labels import HIDDEN_DETAIL, detail_label, detail_value, event_label
from cli.output import Format, emit, emit_case, emit_json, info, output_options, pending_style

opening = typer.Typer()
app = typer.Typer()

STAGE_HELP = "assessment, not_assessed, draft, final, no_plan, review, ceased or withdrawn"


@opening.command("new")
@refusals
@output_options(listing=False)
def new(
    child: str = typer.Option(..., "--child", help="The child's or young person's name, e.g. 'Alex Example'."),
    dob: str = typer.Option(..., "--dob", help="Date of birth, YYYY-MM-DD."),
    received: str = typer.Option(..., "--received", help="Date the LA received the request, YYYY-MM-DD."),
    source: str = typer.Option("parent", "--source", help="Who asked: parent, young_person, school or other."),
    upn: str | None = typer.Option(None, "--upn", help="Unique pupil number, if known."),
    year_group: int | None = typer.Option(None, "--year-group", help="National curriculum year (NCY)."),
    sex: str | None = typer.Option(None, "--sex", help="SEN2 sex: M or F."),
    ethnicity: str | None = typer.Option(None, "--ethnicity", help="SEN2 ethnicity (CBDS code, e.g. WBRI; "
                                                                        "REFU refused, NOBT not yet obtained)."),
    postcode: str | None = typer.Option(None, "--postcode", help="Home postcode, e.g. AB1 2CD."),
    uln: str | None = typer.Option(None, "--uln", help="Unique learner number (10 digits), if known."),
    force: bool = typer.Option(False, "--force", help="Open a case even if this child already has one."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
    fmt: Format = Format.table,
) -> None:
    """Open a case for a new request for an EHC needs assessment.

    Example: ehcp case new --child "Alex Example" --dob 2016-05-04 --received 2025-03-03
    """
    from ehcp.services.cases import ChildDetails, open_case, split_name

    given, family = split_name(child)
    details = ChildDetails(given_name=given, family_name=family, dob=parse_date(dob, "--dob"),
                           upn=upn, year_group=year_group, sex=sex, ethnicity=ethnicity, postcode=postcode,
                           uln=uln)
    opened = open_case(context(), details, received=parse_date(received, "--received"),
                       source=source, force=force, reason=reason)
    if fmt is Format.json:
        emit_json({"reference": opened.reference, "stage": opened.stage, "received": opened.received})
    else:
        typer.echo(f"Opened case for a request received {opened.received.isoformat()} (stage: {opened.stage})")
        typer.echo(opened.reference)


@app.command("waive")
@refusals
def waive(
    reference: str = typer.Argument(...),
    on: str = typer.Option(..., "--on", help="Date of the parent's or young person's written waiver."),
    reason: str | None = typer.Option(None, "--reason"),
) -> None:
    """Record the parent's written agreement to finalise before the 15-day window ends."""
    from ehcp.domain import events as ev
    from ehcp.services.cases import record_event

    ref = record_event(context(), reference, ev.RepresentationsWaived(on=parse_date(on, "--on")),
                       reason=reason, action="representations_waived")
    info(f"{ref}: written waiver of the representation window recorded")


@app.command("exception")
@refusals
def exception(
    reference: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="school_closure, personal_circumstances, absence_from_area, "
                                                     "missed_appointment (or coronavirus for 2020)."),
    start: str = typer.Option(..., "--from", help="First day the circumstance applied (closure: first day closed)."),
    until: str | None = typer.Option(None, "--to", help="Last day (closure: the day the setting re-opens)."),
    kind: str | None = typer.Option(None, "--kind", help="Advice kind a missed appointment concerns."),
    note: str | None = typer.Option(None, "--note", help="Evidence or explanation (audit trail)."),
) -> None:
    """Record an exception that disapplies the clocks the regulations allow (reg 5(4), 8(2), 10(4), 13(3))."""
    from ehcp.services.cases import record_exception

    recorded = record_exception(context(), reference, reason=reason, start=parse_date(start, "--from"),
                                until=parse_date(until, "--to"), advice_kind=kind, note=note)
    info(f"{recorded.reference}: exception {reason} recorded")
    if recorded.details["disapplied"]:
        info(f"disapplied: {', '.join(recorded.details['disapplied'])}")
    else:
        info(f"changed no deadline: {recorded.details['nothing_changed']}")


@app.command("note")
@refusals
def note(reference: str = typer.Argument(...), text: str = typer.Argument(..., help="The note.")) -> None:
    """Add a note to a case."""
    from ehcp.services.cases import add_note

    info(f"{add_note(context(), reference, text)}: note added")


@app.command("assign")
@refusals
def assign(
    reference: str = typer.Argument(...),
    to: str = typer.Option(..., "--to", help="Login of the caseworker."),
    reason: str | None = typer.Option(None, "--reason"),
) -> None:
    """Give a case to a caseworker."""
    from ehcp.services.cases import assign_case

    info(f"{assign_case(context(), reference, to, reason)}: assigned to {to}")


@app.command("reassign")
@refusals
@output_options(listing=False)
def reassign(
    source: str = typer.Option(..., "--from", help="Login of the caseworker whose cases move (e.g. a leaver)."),
    target: str = typer.Option(..., "--to", help="Login of the caseworker who takes them (active)."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail of each case)."),
    team: str | None = typer.Option(None, "--team", help="Only that team's cases, to someone in the team."),
    closed: bool = typer.Option(False, "--include-closed", help="Move closed cases too (default: open ones)."),
    fmt: Format = Format.table,
) -> None:
    """Move a caseworker's whole caseload to another in one transaction (each case audited).

    Example: ehcp case reassign --from sam.leaver --to casey.worker --reason "Sam left the service"
    """
    from ehcp.services.caseload import reassign_caseload

    moved = reassign_caseload(context(), source, target, reason=reason, team=team, closed=closed)
    if fmt is Format.json:
        emit_json(moved.to_dict())
        return
    info(f"{len(moved.references)} case{'s' if len(moved.references) != 1 else ''} moved from {source} to {target}")
    for reference in moved.references:
        typer.echo(reference)


@app.command("show")
@refusals
@output_options(listing=False)
def show(reference: str = typer.Argument(...), fmt: Format = Format.table) -> None:
    """Show a case: the child, stage, every deadline with its citation and status, advice, notes."""
    from ehcp.services.views import show_case

    cfg = settings()
    emit_case(show_case(cfg, reference), fmt)


@app.command("list")
@refusals
@output_options()
def list_(
    stage: str | None = typer.Option(None, "--stage", help=f"Only this stage: request, {STAGE_HELP}."),
    overdue: bool = typer.Option(False, "--overdue", help="Only cases with an overdue statutory deadline."),
    caseworker: str | None = typer.Option(None, "--caseworker", help="Another caseworker's caseload."),
    team: str | None = typer.Option(None, "--team", help="Every case of this team's caseworkers."),
    everyone: bool = typer.Option(False, "--all", help="Every caseworker's cases."),
    due_within: int | None = typer.Option(None, "--due-within", help="Next deadline within N days."),
    sort: str = typer.Option("next_due", "--sort", help="next_due, reference, received or stage."),
    fmt: Format = Format.table,
) -> None:
    """List your caseload with each case's next deadline (RAG coloured). '--all' as csv or json is an
    export of every child's name: it needs 'export_personal_data' (a manager or admin once permissions
    are enforced) and is audited with its row count."""
    from ehcp.services.views import list_cases

    cfg = settings()
    export = everyone and fmt in (Format.csv, Format.json)
    if export:  # the permission check needs the ORM, which a plain list must not import (~100 ms)
        from ehcp.services.permissions import authorise

        authorise(context(), "export_personal_data")
    rows, scope = list_cases(cfg, mine=not everyone, stage=stage, overdue_only=overdue,
                             caseworker=caseworker, team=team, due_within=due_within, sort=sort)
    if export:
        authorise(context(), "export_personal_data", action="personal_data_exported",
                  detail={"report": "case list --all", "format": fmt.value, "rows": len(rows)})
    columns = ["reference", "child", "stage", "caseworker", "next_deadline", "next_due", "days_left", "overdue"]
    emit(rows, columns, fmt, key="cases", title=f"Cases ({scope}, {len(rows)})",
         row_style=lambda r: pending_style(r["next_due"], cfg.today, due_soon_days=cfg.due_soon_days))


@app.command("timeline")
@refusals
@output_options()
def timeline(reference: str = typer.Argument(...), fmt: Format = Format.table) -> None:
    """The whole chronology of a case: events, deadlines met or missed, notes, who did what."""
    from ehcp.services.views import timeline as build

    view = build(settings(), reference)
    if fmt is Format.table:  # words on screen; CSV keeps the keys
        rows = [{**item, "what": event_label(item["what"]), "detail": _spoken(item["detail"])}
                for item in view["items"]]
    else:
        rows = [{**item, "detail": _short(item["detail"])} for item in view["items"]]
    if fmt is Format.json:
        emit_json(view)
    else:
        emit(rows, ["id", "date", "what", "by", "detail", "reason"], fmt, key="items",
             title=f"{view['reference']} ({view['stage']})")


def _short(detail: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in detail.items() if v not in (None, ""))


def _spoken(detail: dict) -> str:
    """An event's detail as words: ``advice kind: medical, partner: Community Paediatrics``."""
    return ", ".join(f"{detail_label(k)}: {detail_value(k, v)}" for k, v in detail.items()
                     if v not in (None, "") and k not in HIDDEN_DETAIL)


@app.command("find")
@refusals
@output_options()
def find(term: str = typer.Argument(..., help="Name, reference, UPN or date of birth."),
         fmt: Format = Format.table) -> None:
    """Find cases by child's name, reference, UPN or date of birth."""
    from ehcp.services.views import find_cases, near_matches

    cfg = settings()
    rows, title, near = find_cases(cfg, term), f"Matches for {term!r}", False
    if not rows:
        rows, title, near = near_matches(cfg, term), f"No match for {term!r}; did you mean", True
        if not rows:
            info(f"no case matches {term!r}")
    emit(rows, ["reference", "child", "dob", "upn", "stage"], fmt, key="cases", title=title,
         extra={"near_matches": near})

"""``ehcp event ...`` and ``ehcp child ...``: putting a mistake in a case's log or the child's record right
(issue 15).

Services are imported inside the commands: they load the ORM (about a second), which no other
command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, refusals
from cli.output import SHOW_FORMAT_OPTION, Format, emit_json, emit_recorded, emit_table, info

event_app = typer.Typer(help="Events recorded in error: the log stays append-only, a correction is audited.",
                        no_args_is_help=True)


@event_app.command("void")
@refusals
def void(
    reference: str = typer.Argument(..., help="Case reference, e.g. EHC-2025-00042."),
    event_id: int = typer.Argument(..., help="The event's id (the id column of 'ehcp case timeline')."),
    reason: str = typer.Option(..., "--reason", help="Why it was recorded in error (kept in the audit trail)."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Void an event recorded in error: it stops counting, the stage and deadlines recompute.

    Refused while later events depend on it (it names them: void those first). The timeline keeps
    the event, marked void.

    Example: ehcp event void EHC-2025-00042 17 --reason "recorded on the wrong case"
    """
    from ehcp.services.corrections import void_event

    ctx = context()
    result = void_event(ctx, reference, event_id, reason=reason)
    emit_recorded(result, fmt, f"event {event_id} void", due_soon_days=ctx.settings.due_soon_days)


child_app = typer.Typer(help="The child's record: put a mistake right (audited, deadlines recompute).",
                        no_args_is_help=True)

CHANGE_COLUMNS = ["field", "before", "after"]


@child_app.command("edit")
@refusals
def edit(
    reference: str = typer.Argument(..., help="Case reference, e.g. EHC-2025-00042."),
    reason: str = typer.Option(..., "--reason", help="Why the record was wrong (kept in the audit trail)."),
    name: str | None = typer.Option(None, "--name", help="The whole name, e.g. 'Alex Example-Smith'."),
    given_name: str | None = typer.Option(None, "--given-name", help="Given (first) name(s) only."),
    family_name: str | None = typer.Option(None, "--family-name", help="Family (last) name only."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth, YYYY-MM-DD."),
    upn: str | None = typer.Option(None, "--upn", help="Unique pupil number ('none' to clear)."),
    year_group: str | None = typer.Option(None, "--year-group",
                                          help="National curriculum year now (NCY, -3..20; 'none' to clear)."),
    sex: str | None = typer.Option(None, "--sex", help="SEN2 sex: M or F ('none' to clear)."),
    ethnicity: str | None = typer.Option(None, "--ethnicity", help="SEN2 ethnicity code ('none' to clear)."),
    postcode: str | None = typer.Option(None, "--postcode", help="Home postcode ('none' to clear)."),
    force: bool = typer.Option(False, "--force",
                               help="Accept a date of birth that makes the child 25 or over at the request."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Correct the child's record: prints each field before and after, and the deadlines that moved.

    A corrected date of birth or year group recomputes the clocks that use them (under-5 reviews,
    year 9, phase transfer) in the same transaction, on every open case of the child. The year
    group is the one the child is in now; it moves on each 1 September. The change, with who, when
    and why, is kept in the audit trail.

    Example: ehcp child edit EHC-2025-00042 --year-group 6 --reason "school confirmed Year 6, not 5"
    """
    from cli.common import parse_date
    from ehcp.domain.labels import words
    from ehcp.services.child_edit import ChildEdit, edit_child

    ctx = context()
    wanted = ChildEdit(name=name, given_name=given_name, family_name=family_name, dob=parse_date(dob, "--dob"),
                       upn=upn, year_group=year_group, sex=sex, ethnicity=ethnicity, postcode=postcode)
    result = edit_child(ctx, reference, wanted, reason=reason, force=force)
    if fmt is Format.json:
        emit_json(result.to_dict(ctx.settings.due_soon_days))
        return
    info(f"{result.reference}: child's record corrected (stage: {result.stage})")
    changes = [{**row, "field": words(row["field"])} for row in result.details["changes"]]
    emit_table(changes, CHANGE_COLUMNS, title="Child's record")
    for ref in result.details["also_noted"]:
        info(f"also brought into step: {ref}")
    if result.dropped:
        typer.echo(f"no longer apply: {', '.join(result.dropped)}")
    if result.details["moved"]:
        emit_table(result.details["moved"], ["key", "was_due", "due"], title="Deadlines moved")
    elif not result.dropped:
        typer.echo("no deadline moved")

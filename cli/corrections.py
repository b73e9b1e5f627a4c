"""``ehcp event ...``: putting a mistake in a case's log right (issue 15).

Services are imported inside the commands: they load the ORM (about a second), which no other
command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, refusals
from cli.output import SHOW_FORMAT_OPTION, Format, emit_recorded

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

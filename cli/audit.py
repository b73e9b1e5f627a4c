"""``ehcp audit ...``: the hash-chained audit trail (who did what, when, to which case, and why).

Services are imported inside the commands: they load the ORM (about a second), which no other
command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, fail, refusals
from cli.output import Format, emit, info, output_options

app = typer.Typer(help="Check and read the tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
@refusals
def verify() -> None:
    """Walk the hash chain: exit 0 'audit trail intact: N records', or exit 1 naming the first
    broken record (edited, deleted or re-ordered) and why."""
    from ehcp.services.audit_views import verify_chain

    report = verify_chain(context())
    if report.ok:
        info(f"audit trail intact: {report.records} records")
        return
    fail(f"audit trail broken at record {report.first_broken_id}: {report.problem}")


@app.command("show")
@refusals
@output_options()
def show(reference: str = typer.Argument(..., help="Case reference."), fmt: Format = Format.table) -> None:
    """Every audit record of one case, oldest first."""
    from ehcp.services.audit_views import case_audit

    ref, rows = case_audit(context(), reference)
    if fmt is Format.table:
        rows = [{**r, "detail": ", ".join(f"{k}={v}" for k, v in r["detail"].items() if v not in (None, "")),
                 "hash": r["hash"][:12]} for r in rows]
    emit(rows, ["id", "at", "actor", "action", "reason", "detail", "hash"], fmt, key="audit",
         extra={"reference": ref}, title=f"Audit trail of {ref} ({len(rows)} records)")

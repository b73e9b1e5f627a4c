"""``ehcp audit ...``: the hash-chained audit trail (who did what, when, to which case, and why).

Services are imported inside the commands: they load the ORM (about a second), which no other
command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, fail, refusals
from cli.output import Format, emit, emit_json, error, info, output_options

app = typer.Typer(help="Check and read the tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
@refusals
def verify(against: str | None = typer.Option(
        None, "--against", metavar="SEALS",
        help="A file of seals ('ehcp audit seal --append SEALS'): also detect truncation and rollback.")) -> None:
    """Walk the keyed hash chain and check every case event against it: exit 0 'audit trail intact:
    N records', or exit 1 naming the first broken record (edited, deleted, re-ordered, or re-hashed
    without the audit key) or the case events that no longer match. With --against, each seal's head
    must still be in the trail (a restore that undid it is named)."""
    from ehcp.services.audit_views import verify_chain

    ctx = context()
    report = verify_chain(ctx)
    if not report.ok:
        where = f" at record {report.first_broken_id}" if report.first_broken_id is not None else ""
        fail(f"audit trail broken{where}: {report.problem}")
    notes = []
    if report.events is not None:
        notes.append(f"{report.events} case events match")
    elif report.records > report.unkeyed:
        notes.append("case events not checked: row security shows this login only its teams' cases")
    if report.unkeyed:
        notes.append(f"{report.unkeyed} unkeyed records from before the audit key")
    if report.skipped:
        notes.append("ids skipped with the chain unbroken (rolled-back transactions): "
                     + ", ".join(f"{a}..{b}" if a != b else str(a) for a, b in report.skipped[:5]))
    if against is not None:
        from pathlib import Path

        from ehcp.services.audit_seals import check_against

        checked = check_against(ctx, Path(against))
        for problem in checked.problems:
            error(f"seal of {problem.at} (line {problem.line} of {against}): {problem.problem}")
        if checked.problems:
            raise typer.Exit(1)
        n = checked.seals
        notes.append(f"{n} seals hold" if n > 1 else "1 seal holds" if n else "no seals in the file")
    info(f"audit trail intact: {report.records} records" + "".join(f"; {n}" for n in notes))


@app.command("seal")
@refusals
@output_options(listing=False)
def seal(append: str | None = typer.Option(
        None, "--append", metavar="FILE",
        help="Also append the seal as one JSON line to FILE (created 0600), kept outside the database."),
        fmt: Format = Format.table) -> None:
    """Print the trail's head (hash, records, last id, time, and an HMAC of them) for an external
    anchor: 'ehcp audit verify --against FILE' later detects truncation and rollback."""
    from pathlib import Path

    from ehcp.services.audit_seals import seal as make_seal

    document = make_seal(context(), Path(append) if append else None)
    if fmt is Format.json:
        emit_json(document)
    else:
        typer.echo(f"head {document['head'] or '-'}  records {document['records']}  last id "
                   f"{document['last_id'] or '-'}  at {document['at']}")
    if append:
        info(f"appended the seal to {append}")


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

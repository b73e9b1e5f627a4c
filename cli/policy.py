"""``ehcp policy show|set`` (the readings of the rulebook's open questions) and ``ehcp deadline explain``.

``deadline`` (singular) is a new group for questions about one deadline of one case; the existing
``deadlines`` group (cli/admin.py) stays for the derived table as a whole (``deadlines recompute``).
"""

from __future__ import annotations

import typer

from cli.common import context, refusals
from cli.output import FORMAT_OPTION, SHOW_FORMAT_OPTION, Format, console, emit, emit_json, info

policy_app = typer.Typer(
    help=("The readings of the rulebook's open questions (docs/policies.md). Precedence: a value an admin set "
          "with 'ehcp policy set' (stored in the database, the same for every user) wins over the [policy] table "
          "of ehcp.toml, which wins over the default; a conflict is warned about."),
    no_args_is_help=True)
deadline_app = typer.Typer(help="One deadline of a case: how its date was reached.", no_args_is_help=True)

SHOW_COLUMNS = ["setting", "question", "value", "source", "default", "allowed"]
DIFF_COLUMNS = ["reference", "key", "before", "after", "state_before", "state_after"]


@policy_app.command("show")
@refusals
def show(fmt: Format = FORMAT_OPTION) -> None:
    """Every policy question: allowed values, default, the value in effect and where it comes from.

    Example: ehcp policy show --format json
    """
    from ehcp.services.policy import show_policy

    rows, found = show_policy(context())
    for line in found.conflicts:
        info(f"warning: {line}")
    emit(rows, SHOW_COLUMNS if fmt is Format.table else [*SHOW_COLUMNS, "help"], fmt, key="policy",
         extra={"policy_hash": found.policy.digest, "warnings": list(found.conflicts)},
         title=f"Policy in effect ({found.policy.digest})")


@policy_app.command("set")
@refusals
def set_(key: str = typer.Argument(..., help="A policy setting, e.g. deemed_service."),
         value: str = typer.Argument(..., help="Its new value (see 'ehcp policy show'), or 'default' to remove "
                                                "the database's value (ehcp.toml or the default applies)."),
         reason: str = typer.Option(..., "--reason", help="Why (audited)."),
         fmt: Format = FORMAT_OPTION) -> None:
    """Set a policy for every user of the database (an admin); every case is recomputed and the
    changed deadlines are shown (the count, and the first 20), audited.

    Example: ehcp policy set deemed_service cpr_6_26 --reason "council decision 2026-12"
    """
    from ehcp.services.policy import set_policy

    change = set_policy(context(), key, value, reason=reason)
    for line in change.warnings:
        info(f"warning: {line}")
    document = change.to_dict()
    emit(document["changes"], DIFF_COLUMNS, fmt, key="changes",
         extra={k: v for k, v in document.items() if k != "changes"},
         title=(f"policy {key}: {change.before} -> {change.after}; {change.cases} cases recomputed, "
                f"{len(change.changes)} deadlines changed" + (" (first 20)" if len(change.changes) > 20 else "")))


@deadline_app.command("explain")
@refusals
def explain(reference: str = typer.Argument(...),
            key: str = typer.Argument(..., help="A deadline key of the case, e.g. amended_plan or advice.medical."),
            fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """How one deadline's date was reached: the trigger, the period and counting, every calendar
    adjustment, exceptions applied or rejected, the policy readings, the rule version and the
    alternative readings, each with its citation.

    Example: ehcp deadline explain EHC-2025-00042 amended_plan --format json
    """
    from ehcp.services.explain import explain as run

    document = run(context(), reference, key)
    if fmt is Format.json:
        emit_json(document)
        return
    out = console()
    out.print(f"{document['reference']} {document['key']} ({document['rule']}, {document['citation']}): "
              f"due {document['due']}, {document['status']}")
    for step in document["steps"]:
        when = f" [{step['date']}]" if step["date"] else ""
        out.print(f"- {step['step']}: {step['text']}{when} ({step['citation']})", highlight=False)
    for line in document["warnings"]:
        out.print(f"warning: {line}", style="yellow")

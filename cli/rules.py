"""``ehcp rules list|show``: the statutory rule catalogue as the engine holds it (docs/rules.md in print)."""

from __future__ import annotations

import typer

from cli.output import FORMAT_OPTION, SHOW_FORMAT_OPTION, Format, console, emit, emit_json, emit_table, error

app = typer.Typer(help="The statutory rules: every clock, its citation, counting and versions.",
                  no_args_is_help=True)

LIST_COLUMNS = ["rule", "key", "version", "effective_from", "effective_to", "period", "convention", "citation",
                "trigger", "binds", "kind", "exceptions"]
SHOW_FIELDS = ["rule", "key", "citation", "trigger", "period", "convention", "counting", "binds", "kind",
               "exceptions", "section"]
SCREEN_COLUMNS = ["rule", "version", "effective_from", "effective_to", "period", "convention", "citation"]
VERSION_COLUMNS = ["version", "effective_from", "effective_to", "period", "kind", "citation", "exceptions", "note"]


def _flat(row: dict) -> dict:
    """Lists as comma-separated text, for tables and CSV."""
    return {k: ", ".join(v) if isinstance(v, list) and all(isinstance(x, str) for x in v) else v
            for k, v in row.items()}


@app.command("list")
def list_rules(fmt: Format = FORMAT_OPTION) -> None:
    """Every version of every rule, in catalogue order (docs/rules.md); the table shows the main columns.

    Example: ehcp rules list --format csv
    """
    # the catalogue and the docs generator: compiled only for `rules`, not at every start-up
    from ehcp.rules import DEFAULT_RULES
    from ehcp.rules.docs import version_record

    rows = [version_record(rule) for rule in DEFAULT_RULES]
    if fmt is not Format.json:
        rows = [_flat(row) for row in rows]
    columns = SCREEN_COLUMNS if fmt is Format.table else LIST_COLUMNS
    emit(rows, columns, fmt, key="rules", title="Statutory rules (every column: --format csv or json)")


@app.command("show")
def show_rule(rule: str = typer.Argument(..., help="A rule id (R-FINAL-PLAN) or deadline key (final_plan)."),
              fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """One rule: citation, trigger, period, counting convention, exceptions and versions in force.

    Example: ehcp rules show R-AMEND-FINAL
    """
    from ehcp.rules import DEFAULT_RULES, UnknownRule  # the catalogue: compiled only for `rules`
    from ehcp.rules.docs import rule_record

    name = rule.strip()
    name = name.upper() if name.upper().startswith("R-") else name  # ids are upper case, keys lower
    try:
        rule_id = DEFAULT_RULES.versions(name)[0].rule_id
    except UnknownRule as exc:
        error(str(exc))
        raise typer.Exit(1) from None
    record = rule_record(rule_id)
    if fmt is Format.json:
        emit_json(record)
        return
    flat = _flat(record)
    emit_table([{"field": name, "value": flat[name]} for name in SHOW_FIELDS], ["field", "value"], title=rule_id)
    emit_table([_flat(v) for v in record["versions"]], VERSION_COLUMNS, title="Versions")
    console().print(f"docs/rules.md#{rule_id.lower()}", style="dim")

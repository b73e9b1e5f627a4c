"""Rendering for the lifecycle commands: what was recorded, the dates it implies, the clocks changed."""

from __future__ import annotations

from typing import Any

import typer

from cli.output import Format, emit_json, emit_table, info, rag_style

DEADLINE_COLUMNS = ["key", "due", "status", "met_on", "citation"]


def show(result: Any, fmt: Format, summary: str) -> None:  # noqa: ANN401 - a services Recorded
    """JSON: the result's document. Table: the dates on stdout, the clocks changed, a summary on stderr."""
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    info(f"{result.reference}: {summary} (stage: {result.stage})")
    for warning in result.warnings:
        info(f"warning: {warning}")
    for key, value in result.details.items():
        if value is not None:
            typer.echo(f"{key.replace('_', ' ')}: {_plain(value)}")
    if result.dropped:
        typer.echo(f"no longer apply: {', '.join(result.dropped)}")
    rows = [d.to_dict(result.as_of) for d in result.deadlines]
    if rows:
        emit_table(rows, DEADLINE_COLUMNS, title=f"Deadlines changed (as of {result.as_of.isoformat()})",
                   row_style=lambda r: rag_style(None, r["status"]) if r["status"] in ("met", "missed", "disapplied")
                   else rag_style((_date(r["due"]) - result.as_of).days))


def _plain(value: Any) -> str:  # noqa: ANN401
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _date(text: str):  # noqa: ANN202
    from datetime import date

    return date.fromisoformat(text)

"""The run summary as markdown (the Prefect artifact): counts per partner and rung, no personal data."""

from __future__ import annotations

from ehcp.chase.kind import NightKind


def markdown(kind: NightKind, summary: dict, rows: list[dict]) -> str:
    title = f"{kind.title} - {summary['as_of']}" + (" (dry run: nothing sent)" if summary.get("dry_run") else "")
    group = kind.audience
    last = "Would send" if summary.get("dry_run") else "Sent"
    lines = [f"# {title}", "", f"| {group} | Rung | Queued tonight | {last} | Not delivered |",
             "|---|---|---:|---:|---:|"]
    for row in rows:
        sent = row.get("would_send", 0) if summary.get("dry_run") else row["sent"]
        lines.append(f"| {_cell(row['group'])} | {row['rung']} | {row['queued']} | {sent} | {row['failed']} |")
    if not rows:
        lines.append("| - | - | 0 | 0 | 0 |")
    lines += [
        "",
        f"- requests examined: {summary['examined']}; already chased at their rung: {summary['unchanged']}",
        f"- partners without a contact address: {summary['no_contact']} request(s) not chased",
        f"- messages sent: {summary['messages_sent']} ({summary['reminders_sent']} reminders)",
        f"- messages not delivered (left pending for the next run): {summary['messages_failed']}"
        + (f" - {', '.join(f'{k} x{v}' for k, v in summary['errors'].items())}" if summary["errors"] else ""),
    ]
    if summary.get("dry_run"):
        lines.append(f"- messages a real run would send: {summary['messages_would_send']}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")

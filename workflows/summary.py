"""The run summary as markdown (the Prefect artifact): counts per partner and rung, no personal data."""

from __future__ import annotations

from ehcp.chase.kind import NightKind


def markdown(kind: NightKind, summary: dict, rows: list[dict]) -> str:
    title = f"{kind.title} - {summary['as_of']}" + (" (dry run: nothing sent)" if summary.get("dry_run") else "")
    group = kind.audience
    last = "Would send" if summary.get("dry_run") else "Sent"
    if summary.get("not_working_day"):
        return (f"# {title}\n\nNot a working day ({summary['not_working_day']}): nothing sent; the next working "
                "day's digests carry everything due meanwhile.\n")
    lines = [f"# {title}", "", f"| {group} | Rung | Queued tonight | {last} | Not delivered |",
             "|---|---|---:|---:|---:|"]
    for row in rows:
        sent = row.get("would_send", 0) if summary.get("dry_run") else row["sent"]
        lines.append(f"| {_cell(row['group'])} | {row['rung']} | {row['queued']} | {sent} | {row['failed']} |")
    if not rows:
        lines.append("| - | - | 0 | 0 | 0 |")
    lines += [
        "",
        (f"- examined: {summary['examined']}; already sent at their rung: {summary['unchanged']}; "
        f"retried from an earlier run: {summary.get('reminders_retried', 0)}"),
        (f"- **without an e-mail address: {summary['no_contact']}** (not sent; "
        f"{', '.join(f'{g} {n}' for g, n in summary.get('no_contact_by_group', {}).items()) or 'none'})"),
        f"- messages sent: {summary['messages_sent']} ({summary['reminders_sent']} reminders)",
        f"- messages not delivered: {summary['messages_failed']} - pending for the next run "
        f"{summary.get('messages_pending', 0)}, failed for good {summary.get('messages_gave_up', 0)}, "
        f"interrupted {summary.get('messages_interrupted', 0)}"
        + (f" - {', '.join(f'{k} x{v}' for k, v in summary['errors'].items())}" if summary["errors"] else ""),
        *(f"- {kind}: {reason}" for kind, reason in summary.get("reasons", {}).items()),
    ]
    if summary.get("dry_run"):
        lines.append(f"- messages a real run would send: {summary['messages_would_send']}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")

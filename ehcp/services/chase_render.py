"""Plain-text bodies and subjects of the chase digests. Children are identified only by the case
reference and the configured fields (default initials and date of birth): never names, never notes."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

from ehcp.services.chase_config import Rung

CHILD_HEADINGS = {"initials": "Child", "dob": "Born", "upn": "UPN", "year_group": "Year"}


def wrap(text: str) -> str:
    return textwrap.fill(text, width=76)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def initials(given_initial: str | None, family_initial: str | None) -> str:
    return "".join(f"{c.upper()}." for c in (given_initial, family_initial) if c)


def child_cells(row, fields: Sequence[str]) -> list[str]:  # noqa: ANN001 - a result row
    return [_CHILD_CELL[name](row) for name in fields]


_CHILD_CELL = {
    "initials": lambda row: initials(row.gi, row.fi),
    "dob": lambda row: row.dob or "",  # ISO text from the query
    "upn": lambda row: row.upn or "",
    "year_group": lambda row: "" if row.year_group is None else str(row.year_group),
}


def timing(due: date, as_of: date) -> str:
    days = (as_of - due).days
    if days > 0:
        return f"overdue {days} day{'s' if days != 1 else ''}"
    if days == 0:
        return "due today"
    return f"due in {-days} day{'s' if days != -1 else ''}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns two spaces apart (one format string for every line: a night's digests
    run to hundreds of thousands of lines)."""
    columns = list(zip(*rows)) if rows else [() for _ in headers]
    widths = [max(len(h), max(map(len, column), default=0)) for h, column in zip(headers, columns)]
    line = ("  " + "  ".join(f"{{:<{w}}}" for w in widths)).format
    return "\n".join([line(*headers).rstrip(), line(*("-" * w for w in widths)).rstrip(),
                      *(line(*r).rstrip() for r in rows)])


def heading_for(rung_name: str, ladder: Sequence[Rung]) -> str:
    for rung in ladder:
        if rung.name == rung_name:
            return rung.heading
    return rung_name.replace("_", " ").capitalize()


def advice_body(*, contact: str | None, sections: list[tuple[str, list[list[str]]]], as_of: date,
                child_fields: Sequence[str], multiple_partners: bool) -> str:
    headers = ["Reference", *(CHILD_HEADINGS[f] for f in child_fields), "Advice", "Requested", "Due", "Status"]
    if multiple_partners:
        headers.insert(1, "Service")
    parts = [
        f"Dear {contact or 'colleague'},",
        "",
        wrap(f"These requests for advice for education, health and care needs assessments are still open on "
             f"{long_date(as_of)}. Advice requested under regulation 6 of the SEND Regulations 2014 is due "
             "within six weeks of the request (regulation 8(1))."),
    ]
    for title, rows in sections:
        parts += ["", f"{title} ({len(rows)})", text_table(headers, rows)]
    parts += [
        "",
        wrap("Please send the advice, or reply with the date you expect to send it, quoting the case "
             "reference."),
        "",
        wrap("This is a single daily digest of all open requests for this address, sent automatically by "
             "the SEN team's case system."),
    ]
    return "\n".join(parts) + "\n"


def advice_subject(outstanding: int, overdue: int, escalated: bool) -> str:
    prefix = "ESCALATION: " if escalated else ""
    return (f"{prefix}EHC needs assessment advice: {outstanding} request{'s' if outstanding != 1 else ''} "
            f"outstanding, {overdue} overdue")


def caseworker_body(*, as_of: date, overdue: list[list[str]], due_soon: list[list[str]],
                    team: list[list[str]], child_fields: Sequence[str], digest_days: int) -> str:
    own_headers = ["Reference", *(CHILD_HEADINGS[f] for f in child_fields), "Deadline", "Due", "Status"]
    parts = [f"Statutory EHC deadlines as of {long_date(as_of)}."]
    if overdue:
        parts += ["", f"Your overdue deadlines ({len(overdue)})", text_table(own_headers, overdue)]
    if due_soon:
        parts += ["", f"Your deadlines due in the next {digest_days} days ({len(due_soon)})",
                  text_table(own_headers, due_soon)]
    if team:
        parts += ["", f"Your team's overdue deadlines ({len(team)})",
                  text_table(["Reference", "Caseworker", "Deadline", "Due", "Status"], team)]
    parts += ["", "Open 'ehcp case show REFERENCE' for the details. One digest a day, sent automatically."]
    return "\n".join(parts) + "\n"


def caseworker_subject(overdue: int, due_soon: int, team: int) -> str:
    bits = []
    if overdue or due_soon:
        bits.append(f"{overdue} overdue, {due_soon} due soon")
    if team:
        bits.append(f"team: {team} overdue")
    return "EHC deadlines: " + "; ".join(bits)

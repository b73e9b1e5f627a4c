"""Read-only views of cases (``case show``, ``case list``, ``case timeline``, ``case find``).

These use :mod:`ehcp.store.reads` (SQLAlchemy Core, no ORM) so the commands start fast.
"""

from __future__ import annotations

import difflib
from contextlib import AbstractContextManager
from datetime import date
from typing import Unpack

from ehcp.config import Settings
from ehcp.domain.school_year import academic_year, year_group_on
from ehcp.domain.vocabulary import VOIDED_EVENT_KIND
from ehcp.services.errors import Refused, UnknownCase
from ehcp.store import reads
from ehcp.store.reads import Connection


def read_connection(settings: Settings) -> AbstractContextManager[Connection]:
    """A read transaction (deferred on SQLite, so it never waits for the write lock); for the
    report builders (ehcp.reports) and the SEN2 return, which run their own SQL."""
    return reads.read_connection(settings.database_url)


def _header(conn: Connection, reference: str) -> dict:
    reference = reference.strip().upper()
    header = reads.case_header(conn, reference)
    if header is None:
        raise UnknownCase(reference, reads.near_references(conn, reference))
    return header


def show_case(settings: Settings, reference: str) -> dict:
    """Everything a caseworker needs on one screen; the JSON keys follow the product contract."""
    today = settings.today
    with read_connection(settings) as conn:
        header = _header(conn, reference)
        deadlines = reads.case_deadlines(conn, header["id"], today, settings.due_soon_days)
        advice = reads.case_advice(conn, header["id"])
        notes = reads.case_notes(conn, header["id"])
        exceptions = [e for e in reads.case_events(conn, header["id"]) if e["kind"] == "exception_recorded"]
    return {
        "reference": header["reference"],
        "stage": header["stage"],
        "received": header["received"],
        "deadlines": deadlines,
        "child": {"name": f"{header['given_name']} {header['family_name']}".strip(),
                  "dob": header["dob"], "upn": header["upn"],
                  "year_group": _year_group(header, today)},
        "caseworker": header["caseworker"],
        "source": header["source"],
        "version": header["version"],
        "updated_by": header["updated_by"],
        "as_of": today,
        "advice": advice,
        "exceptions": [{"on": e["on"], **(e["payload"] or {})} for e in exceptions],
        "notes": notes,
    }


def list_cases(settings: Settings, *, mine: bool = True,
               **filters: Unpack[reads.CaseloadFilters]) -> tuple[list[dict], str]:
    """The caseload; by default the acting user's own cases (all cases if they hold none)."""
    with read_connection(settings) as conn:
        scope = "all"
        login, team = filters.get("caseworker"), filters.get("team")
        if login and not reads.known_login(conn, login):
            raise Refused(f"no caseworker with the login {login!r} ('ehcp user list' shows them)")
        if team and not reads.known_team(conn, team):
            raise Refused(f"no team called {team!r}")
        if team:
            scope = f"team {team}"
        elif login:
            scope = f"caseload of {login}"
        if mine and not login and not team and reads.owns_cases(conn, settings.user):
            filters["caseworker"] = settings.user
            scope = f"caseload of {settings.user}"
        rows = reads.caseload(conn, today=settings.today, due_soon_days=settings.due_soon_days, **filters)
    return rows, scope


def timeline(settings: Settings, reference: str) -> dict:
    """The whole chronology: events (with who recorded them and when, and their ids; one voided as
    recorded in error is marked void), notes, deadlines settled."""
    today = settings.today
    with read_connection(settings) as conn:
        header = _header(conn, reference)
        items = []
        partners = reads.request_partners(conn, header["id"])
        events = reads.case_events(conn, header["id"])
        voided = {(e["payload"] or {}).get("event_id") for e in events if e["kind"] == VOIDED_EVENT_KIND}
        for e in events:
            detail = e["payload"] or {}
            if detail.get("request_id") in partners:
                detail = {**detail, "partner": partners[detail["request_id"]]}
            what = f"{e['kind']} (void)" if e["id"] in voided else e["kind"]
            items.append({"date": e["on"], "what": what, "by": e["actor"], "recorded_at": e["recorded_at"],
                          "detail": detail, "reason": e["reason"], "id": e["id"]})
        for n in reads.case_notes(conn, header["id"], limit=10_000):
            at = n["at"]
            items.append({"date": str(at)[:10], "what": "note", "by": n["actor"],
                          "recorded_at": at, "detail": {"text": n["text"]}, "reason": None, "id": None})
        for d in reads.case_deadlines(conn, header["id"], today, settings.due_soon_days):
            if d["status"] in ("met", "missed"):
                items.append({"date": d["met_on"], "what": f"deadline {d['key']} {d['status']}", "by": None,
                              "recorded_at": None, "detail": {"due": d["due"], "citation": d["citation"]},
                              "reason": None, "id": None})
    items.sort(key=lambda i: (str(i["date"]), str(i["recorded_at"] or "")))
    return {"reference": header["reference"], "stage": header["stage"], "items": items}


def find_cases(settings: Settings, term: str) -> list[dict]:
    """Cases whose reference, child's name, UPN or date of birth matches ``term``."""
    with read_connection(settings) as conn:
        return reads.find_cases(conn, term)


def _year_group(header: dict, today: date) -> int | None:
    """The recorded year group as it is today (it moves up each 1 September)."""
    if header["year_group"] is None:
        return None
    return year_group_on(header["year_group"], header["year_group_year"] or academic_year(today), today)


def near_matches(settings: Settings, term: str, *, limit: int = 3) -> list[dict]:
    """Cases whose child's name or reference is close to ``term`` (a typo: difflib's ratio >= 0.6),
    for when ``find_cases`` found nothing."""
    with read_connection(settings) as conn:
        names = reads.case_names(conn)
        wanted = term.strip().lower()
        scored = sorted(((max(_likeness(wanted, ref.lower()), _likeness(wanted, child.lower()),
                              *(_likeness(wanted, part.lower()) for part in child.split())), ref)
                         for ref, child in names), reverse=True)
        refs = [ref for score, ref in scored[:limit] if score >= 0.6]
        return [row for ref in refs for row in reads.find_cases(conn, ref)]


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()

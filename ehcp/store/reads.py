"""Hand-written read queries on SQLAlchemy Core only (no ORM import), so that the commands people
run all day (``case show``, ``case list``) start fast. Status is derived in SQL from the stored
``state`` and today's date, so every read agrees with the reports."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TypedDict

from sqlalchemy import JSON, Boolean, Connection, Date, Integer, String, text

from ehcp.domain.deadlines import (
    CONDITIONAL,
    DUE_SOON,
    MET,
    MILESTONE,
    NOT_RECEIVED_BEFORE_PLAN,
    OPEN,
    OVERDUE,
    PENDING,
)
from ehcp.domain.vocabulary import CLOSED_STAGE_NAMES
from ehcp.store.db import engine_for

# The domain's closed stages; ehcp.domain.vocabulary is stdlib-only, so the read path and the nightly
# flows import it without the calendars.
CLOSED_STAGES = CLOSED_STAGE_NAMES
CLOSED_STAGES_SQL = "(" + ", ".join(f"'{stage}'" for stage in CLOSED_STAGES) + ")"


def conditional_sql(alias: str = "d") -> str:
    """True for a row of a conditional clock (ehcp.domain.deadlines.CONDITIONAL, or a repeat ``key.N``)."""
    keys = sorted(CONDITIONAL)
    return "(" + " OR ".join(f"{alias}.key = '{k}' OR {alias}.key LIKE '{k}.%'" for k in keys) + ")"


def iso_date_sql(column: str, dialect: str) -> str:
    """A date column as ISO ``YYYY-MM-DD`` text: SQLite stores it so; PostgreSQL formats it with
    ``to_char`` (a plain CAST would follow the server's DateStyle)."""
    return f"to_char({column}, 'YYYY-MM-DD')" if dialect == "postgresql" else f"CAST({column} AS VARCHAR)"


def status_sql(alias: str = "d") -> str:
    """``Deadline.status`` (ehcp.domain.deadlines) as one SQL expression over a deadlines row, built
    from the same constants: not pending -> its state; past due -> met for a window, a milestone for
    a conditional clock, else overdue; due by ``:soon`` (today + EHCP_DUE_SOON_DAYS, see
    :func:`status_params`) -> due soon; else open."""
    pending = f"{alias}.state = '{PENDING}'"
    return f"""
CASE WHEN {pending} AND {alias}.due < :today AND {alias}.is_window = :true THEN '{MET}'
     WHEN {pending} AND {alias}.due < :today AND {conditional_sql(alias)} THEN '{MILESTONE}'
     WHEN {pending} AND {alias}.due < :today THEN '{OVERDUE}'
     WHEN {pending} AND {alias}.due <= :soon THEN '{DUE_SOON}'
     WHEN {pending} THEN '{OPEN}'
     ELSE {alias}.state END"""


STATUS_SQL = status_sql()

_DEADLINE_TYPES = dict(due=Date, met_on=Date, practical_last_working_day=Date, advisory=Boolean)


def status_params(today: date, due_soon_days: int) -> dict[str, object]:
    """The parameters of :data:`STATUS_SQL`: today, the last due-soon day, and SQL true."""
    return {"today": today, "soon": today + timedelta(days=due_soon_days), "true": True}


@contextmanager
def read_connection(url: str) -> Iterator[Connection]:
    """A read transaction (deferred on SQLite, so it never waits for the write lock)."""
    with engine_for(url).connect() as conn:
        conn = conn.execution_options(sqlite_begin="DEFERRED")
        with conn.begin():
            yield conn


def case_header(conn: Connection, reference: str) -> dict | None:
    query = text(
        """SELECT c.id, c.reference, c.stage, c.received, c.source, c.closed_on, c.version,
                  c.updated_at, c.updated_by,
                  ch.given_name, ch.family_name, ch.dob, ch.upn, ch.year_group, ch.year_group_year,
                  u.login AS caseworker
           FROM cases c JOIN children ch ON ch.id = c.child_id
           LEFT JOIN users u ON u.id = c.caseworker_id
           WHERE c.reference = :ref"""
    ).columns(received=Date, dob=Date, closed_on=Date, year_group=Integer, year_group_year=Integer)
    row = conn.execute(query, {"ref": reference}).mappings().first()
    return dict(row) if row else None


def case_deadlines(conn: Connection, case_id: int, today: date, due_soon_days: int) -> list[dict]:
    query = text(
        f"""SELECT d.key, d.due, {STATUS_SQL} AS status, d.met_on, d.citation, d.exception,
                   d.practical_last_working_day, d.rule, d.advisory, d.detail
            FROM deadlines d WHERE d.case_id = :case_id ORDER BY d.due, d.key"""
    ).columns(**_DEADLINE_TYPES, detail=JSON)
    params = {"case_id": case_id, **status_params(today, due_soon_days)}
    rows = []
    for row in conn.execute(query, params).mappings():
        found = dict(row)
        detail = found.pop("detail") or {}
        found["components"] = detail.get("components", [])  # the sub-dates that made ``due`` (issue 21)
        found["alternatives"] = detail.get("alternatives", [])  # other readings the rulebook names
        rows.append(found)
    return rows


def case_advice(conn: Connection, case_id: int) -> list[dict]:
    query = text(
        """SELECT a.id, a.kind, p.name AS partner, a.requested_on, a.received_by_body_on,
                  a.received_on, a.channel
           FROM advice_requests a LEFT JOIN partners p ON p.id = a.partner_id
           WHERE a.case_id = :case_id ORDER BY a.id"""
    ).columns(requested_on=Date, received_by_body_on=Date, received_on=Date)
    return [dict(r) for r in conn.execute(query, {"case_id": case_id}).mappings()]


def case_notes(conn: Connection, case_id: int, limit: int = 5) -> list[dict]:
    query = text("SELECT at, actor, text FROM notes WHERE case_id = :case_id ORDER BY id DESC LIMIT :n")
    return [dict(r) for r in conn.execute(query, {"case_id": case_id, "n": limit}).mappings()]


def case_events(conn: Connection, case_id: int) -> list[dict]:
    query = text(
        """SELECT id, kind, "on", recorded_at, actor, reason, payload FROM case_events
           WHERE case_id = :case_id ORDER BY "on", id"""
    ).columns(on=Date, payload=JSON)
    return [dict(r) for r in conn.execute(query, {"case_id": case_id}).mappings()]


def case_audit(conn: Connection, case_id: int) -> list[dict]:
    query = text("SELECT id, at, actor, action, reason FROM audit_log WHERE case_id = :case_id ORDER BY id")
    return [dict(r) for r in conn.execute(query, {"case_id": case_id}).mappings()]


def near_references(conn: Connection, reference: str) -> list[str]:
    """References that look like a mistyped one (same serial number, or a close spelling)."""
    serial = reference.rsplit("-", 1)[-1].lstrip("0")
    if not serial.isdigit():
        return []
    pool = [r for (r,) in conn.execute(text("SELECT reference FROM cases WHERE reference LIKE :p LIMIT 200"),
                                       {"p": f"%{serial}"})]
    return difflib.get_close_matches(reference, pool, n=3, cutoff=0.6)


class CaseloadFilters(TypedDict, total=False):
    """The optional filters of :func:`caseload`, as ``ehcp case list`` passes them on."""

    stage: str | None
    caseworker: str | None
    team: str | None
    overdue_only: bool
    due_within: int | None
    include_closed: bool
    sort: str
    limit: int | None


def caseload(
    conn: Connection,
    *,
    today: date,
    due_soon_days: int,
    stage: str | None = None,
    caseworker: str | None = None,
    team: str | None = None,
    overdue_only: bool = False,
    due_within: int | None = None,
    include_closed: bool = False,
    sort: str = "next_due",
    limit: int | None = None,
) -> list[dict]:
    """One row per case: stage, caseworker, next pending statutory deadline, days left, overdue count."""
    where = ["1=1"]
    params: dict[str, object] = {**status_params(today, due_soon_days)}
    if stage:
        where.append("c.stage = :stage")
        params["stage"] = stage
    elif not include_closed:
        where.append(f"c.stage NOT IN {CLOSED_STAGES_SQL}")
    scope, state = "", "d.state"
    if caseworker:
        where.append("u.login = :caseworker")
        params["caseworker"] = caseworker
        # aggregate only this caseload's deadlines, not every case's (200 cases, not 100,000)
        state = "d.state || ''"  # steer the planner to the case_id index, not (state, due)
        scope = (" AND d.case_id IN (SELECT c3.id FROM cases c3 JOIN users u3 ON u3.id = c3.caseworker_id"
                 " WHERE u3.login = :caseworker)")
    if team:
        where.append("u.team_id = (SELECT t.id FROM teams t WHERE t.name = :team)")
        params["team"] = team
    if overdue_only:
        where.append("nd.overdue > 0")
    if due_within is not None:
        where.append("nd.next_due <= :within")
        params["within"] = today + timedelta(days=due_within)
    order = {"next_due": "nd.next_due IS NULL, nd.next_due, c.reference",
             "reference": "c.reference", "received": "c.received, c.reference",
             "stage": "c.stage, c.reference"}.get(sort, "c.reference")
    # The next deadline's key comes out of the same aggregate as its date - the least "date key" - not
    # from a look-up per listed case: under a caseworker's row-level security that look-up was planned
    # as a bitmap AND with a full scan of ix_deadlines_state_due, 18.6 s for 200 cases at national
    # scale (docs/performance.md).
    due_text = iso_date_sql("d.due", conn.dialect.name)
    query = text(
        f"""WITH nd AS (
              SELECT d.case_id, MIN(d.due) AS next_due,
                     SUM(CASE WHEN d.due < :today THEN 1 ELSE 0 END) AS overdue,
                     MIN({due_text} || ' ' || d.key) AS first_due_key
              FROM deadlines d WHERE {state} = '{PENDING}' AND d.advisory = :false
                AND NOT (d.is_window = :true AND d.due < :today)
                AND NOT (d.due < :today AND {conditional_sql("d")}){scope}
              GROUP BY d.case_id)
            SELECT c.reference, ch.given_name || ' ' || ch.family_name AS child, c.stage,
                   c.received, u.login AS caseworker, nd.next_due, COALESCE(nd.overdue, 0) AS overdue,
                   nd.first_due_key AS next_deadline
            FROM cases c JOIN children ch ON ch.id = c.child_id
            LEFT JOIN users u ON u.id = c.caseworker_id
            LEFT JOIN nd ON nd.case_id = c.id
            WHERE {' AND '.join(where)}
            ORDER BY {order}""" + (" LIMIT :limit" if limit else "")
    ).columns(received=Date, next_due=Date, overdue=Integer, child=String)
    params["false"] = False
    if limit:
        params["limit"] = limit
    rows = []
    for r in conn.execute(query, params).mappings():
        row = dict(r)
        row["next_deadline"] = row["next_deadline"][11:] if row["next_deadline"] else None  # after "YYYY-MM-DD "
        row["days_left"] = (row["next_due"] - today).days if row["next_due"] else None
        rows.append(row)
    return rows


def actor_standing(conn: Connection, login: str, test_flag: str) -> tuple[bool, bool | None, int, bool]:
    """(enforcement flag on, the login's active flag or None if unknown, number of users, the
    ``test_flag`` flag on: a test database) in one round trip - the start-of-command check, without
    importing the ORM."""
    row = conn.execute(
        text("""SELECT (SELECT value FROM system_flags WHERE name = 'enforce_permissions') AS flag,
                       (SELECT active FROM users WHERE login = :login) AS active,
                       (SELECT COUNT(*) FROM users) AS users,
                       (SELECT value FROM system_flags WHERE name = :test_flag) AS test
                """).columns(active=Boolean, users=Integer),
        {"login": login, "test_flag": test_flag},
    ).one()
    return row.flag == "on", row.active, row.users, row.test == "on"


def flags_with_prefix(conn: Connection, prefix: str) -> dict[str, str]:
    """Every ``system_flags`` value whose name starts with ``prefix`` (the ``policy.`` settings)."""
    rows = conn.execute(text("SELECT name, value FROM system_flags WHERE name LIKE :p"), {"p": f"{prefix}%"})
    return dict(rows.tuples().all())


def known_login(conn: Connection, login: str) -> bool:
    """Whether ``login`` is a user, or the caseworker of a case (cases are assigned to users)."""
    return conn.execute(text("SELECT 1 FROM users WHERE login = :l"), {"l": login}).first() is not None


def known_team(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM teams WHERE name = :n"), {"n": name}).first() is not None


def case_names(conn: Connection) -> list[tuple[str, str]]:
    """(reference, child's name) of every case: what a mistyped search is compared with."""
    query = text("""SELECT c.reference, ch.given_name || ' ' || ch.family_name AS child
                    FROM cases c JOIN children ch ON ch.id = c.child_id ORDER BY c.reference""")
    return [(r.reference, r.child) for r in conn.execute(query)]


def request_partners(conn: Connection, case_id: int) -> dict[int, str]:
    """Each advice request of a case and the partner asked (the timeline names the partner)."""
    query = text("""SELECT ar.id, p.name FROM advice_requests ar JOIN partners p ON p.id = ar.partner_id
                    WHERE ar.case_id = :case""")
    return {r.id: r.name for r in conn.execute(query, {"case": case_id})}


def owns_cases(conn: Connection, login: str) -> bool:
    """Whether ``login`` is the caseworker of any case."""
    return conn.execute(
        text("SELECT 1 FROM cases c JOIN users u ON u.id = c.caseworker_id WHERE u.login = :l LIMIT 1"),
        {"l": login}).first() is not None


def find_cases(conn: Connection, term: str) -> list[dict]:
    """Cases whose reference, child's name, UPN or date of birth matches ``term``."""
    like = f"%{term.strip().lower()}%"
    query = text(
        """SELECT c.reference, ch.given_name || ' ' || ch.family_name AS child, ch.dob, ch.upn, c.stage
           FROM cases c JOIN children ch ON ch.id = c.child_id
           WHERE lower(c.reference) LIKE :like OR lower(ch.given_name || ' ' || ch.family_name) LIKE :like
              OR lower(COALESCE(ch.upn, '')) = :exact OR CAST(ch.dob AS VARCHAR(10)) = :exact
           ORDER BY c.reference LIMIT 200"""
    )
    return [dict(r) for r in conn.execute(query, {"like": like, "exact": term.strip().lower()}).mappings()]


def advice_requests(conn: Connection, *, today: date, due_soon_days: int, overdue: bool = False,
                    partner: str | None = None, reference: str | None = None,
                    outstanding: bool = False, received_via: str | None = None) -> list[dict]:
    """Advice requests with their 6-week clock and its status ('no clock' when there is none), soonest
    due first and those without a clock (parent's advice, cancelled requests) last, in the same order
    on both databases (SQLite sorts NULL first, PostgreSQL last)."""
    where = ["1=1"]
    params: dict[str, object] = status_params(today, due_soon_days)
    if received_via:
        where.append("a.received_via = :via")
        params["via"] = received_via
    if partner:
        where.append("p.name = :partner")
        params["partner"] = partner
    if reference:
        where.append("c.reference = :ref")
        params["ref"] = reference
    if outstanding or overdue:  # neither answered, cancelled, nor closed at the final plan
        where.append("a.received_on IS NULL AND a.cancelled_on IS NULL AND COALESCE(d.exception, '') <> :closed")
        params["closed"] = NOT_RECEIVED_BEFORE_PLAN
    if overdue:
        where.append(f"d.state = '{PENDING}' AND d.due < :today")
    query = text(
        f"""SELECT c.reference, a.kind, p.name AS partner, a.requested_on, a.received_by_body_on,
                   d.due, a.received_on,
                   CASE WHEN a.cancelled_on IS NOT NULL THEN 'cancelled'
                        ELSE COALESCE({STATUS_SQL}, 'no clock') END AS status, d.exception
            FROM advice_requests a JOIN cases c ON c.id = a.case_id
            LEFT JOIN partners p ON p.id = a.partner_id
            LEFT JOIN deadlines d ON d.advice_request_id = a.id
            WHERE {' AND '.join(where)}
            ORDER BY d.due IS NULL, d.due, c.reference, a.requested_on, a.id"""
    ).columns(requested_on=Date, received_by_body_on=Date, due=Date, received_on=Date)
    return [dict(r) for r in conn.execute(query, params).mappings()]


def users(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(text(
        "SELECT u.login, u.name, u.role, t.name AS team, u.email, u.active FROM users u "
        "LEFT JOIN teams t ON t.id = u.team_id ORDER BY u.login").columns(active=Boolean)).mappings()]

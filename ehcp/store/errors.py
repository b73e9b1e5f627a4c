"""What a database error means for the person at the command line, in one line."""

from __future__ import annotations

import sys

from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

NO_TABLES = "the database has no ehcp tables yet; run 'ehcp db upgrade' first"


def unreadable(exc: BaseException) -> bool:
    """The database could not be read at all (no tables yet, not reachable, locked...)."""
    return isinstance(exc, (OperationalError, ProgrammingError))


def _stale(exc: BaseException) -> bool:
    """Whether ``exc`` is the ORM's StaleDataError (someone else changed the case first). Only the
    ORM raises it, so when the ORM was never loaded it cannot be one; read commands, which do not
    load the ORM (about 250 ms), keep it that way."""
    orm_exc = sys.modules.get("sqlalchemy.orm.exc")
    return orm_exc is not None and isinstance(exc, orm_exc.StaleDataError)


def database_problem(exc: BaseException) -> str | None:
    """The one line to print for a database error, or None if ``exc`` is not one."""
    text = str(getattr(exc, "orig", exc))
    key_module = sys.modules.get("ehcp.store.audit_key")
    if key_module is not None and isinstance(exc, key_module.AuditKeyMissing):
        return text
    if unreadable(exc):
        if "no such table" in text or "does not exist" in text:
            return NO_TABLES
        return f"database error: {text.splitlines()[0]}"
    if _stale(exc):
        return "the case was changed by someone else while you worked; please re-check and try again"
    if isinstance(exc, IntegrityError):
        return f"refused by the database (nothing written): {text.splitlines()[0]}"
    return None

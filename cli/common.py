"""What every command shares: settings, date parsing, the refusal-to-exit-code mapping."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, Callable, TypeVar

import typer

from cli.output import error
from ehcp.config import load_settings
from ehcp.dates import parse_iso_date

F = TypeVar("F", bound=Callable[..., Any])


def settings(*, check_actor: bool = True):  # noqa: ANN201
    """The settings; once permissions are enforced, an unknown EHCP_USER is refused here (exit 1)."""
    cfg = load_settings()
    if check_actor:
        _check_actor(cfg)
    return cfg


def _check_actor(cfg) -> None:  # noqa: ANN001
    """Refuse an unknown or deactivated login when enforcement is on; silent on a database without
    tables (the command itself then says 'run ehcp db upgrade'). Core SQL only, so that read
    commands do not pay for importing the ORM; SQLAlchemy itself is imported here, not at start-up,
    so that ``--help`` does not pay for it either."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from ehcp.services.errors import Refused
    from ehcp.services.views import read_connection
    from ehcp.store.reads import actor_standing

    try:
        with read_connection(cfg) as conn:
            flag, active, users = actor_standing(conn, cfg.user)
    except (OperationalError, ProgrammingError):
        return
    if not (flag or cfg.enforce_permissions) or users == 0:
        return
    if active is None:
        raise Refused(f"unknown user {cfg.user!r} (EHCP_USER); an admin must add them with "
                      f"'ehcp user add {cfg.user} --role caseworker'")
    if not active:
        raise Refused(f"user {cfg.user!r} is deactivated")


def context():  # noqa: ANN201
    # the services load the ORM (about a second): imported when a command needs them, not at start-up
    from ehcp.services.context import ServiceContext

    return ServiceContext(settings())


def parse_date(value: str | None, what: str) -> date | None:
    return None if value is None else parse_iso_date(value, what=what)


def refusals(func: F) -> F:
    """Map a refusal to one line on stderr and exit 1; a database that is not set up likewise."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ehcp.dates import BadDate
        from ehcp.services.errors import Refused

        try:
            return func(*args, **kwargs)
        except (Refused, BadDate) as exc:
            error(str(exc))
            raise typer.Exit(1) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence: one line, no traceback
            message = _database_problem(exc)
            if message is None:
                raise
            error(message)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _database_problem(exc: Exception) -> str | None:
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlalchemy.orm.exc import StaleDataError as OrmStale

    text = str(getattr(exc, "orig", exc))
    if isinstance(exc, (OperationalError, ProgrammingError)):
        if "no such table" in text or "does not exist" in text:
            return "the database has no ehcp tables yet; run 'ehcp db upgrade' first"
        return f"database error: {text.splitlines()[0]}"
    if isinstance(exc, OrmStale):
        return "the case was changed by someone else while you worked; please re-check and try again"
    from sqlalchemy.exc import IntegrityError

    if isinstance(exc, IntegrityError):
        return f"refused by the database (nothing written): {text.splitlines()[0]}"
    return None


def fail(message: str) -> None:
    error(message)
    raise typer.Exit(1)

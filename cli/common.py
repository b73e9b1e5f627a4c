"""What every command shares: settings, date parsing, the refusal-to-exit-code mapping."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import typer
from typer.main import get_current_context  # typer's own (vendored) click: `click` is another package

from cli.output import emit_json, error, info
from ehcp.config import BadSetting, load_settings
from ehcp.dates import BadDate, parse_iso_date
from ehcp.files import UnsafeFile, check_out
from ehcp.services.errors import Refused

F = TypeVar("F", bound=Callable[..., Any])


def settings(*, check_actor: bool = True):
    """The settings; once permissions are enforced, an unknown EHCP_USER is refused here (exit 1).
    On PostgreSQL a login role that is not the owner acts as itself (ehcp.services.identity). Both
    checks share one read transaction (ehcp.services.login.acting)."""
    from ehcp.services.login import acting

    cfg, enforced = acting(load_settings(), check_actor=check_actor)
    typed = os.environ.get("EHCP_USER")
    if typed and typed != cfg.user and _first_time("ehcp.user_ignored"):
        info(f"note: EHCP_USER={typed} ignored: on PostgreSQL you act as your login role {cfg.user}")
    if check_actor and enforced and cfg.is_sqlite and _first_time("ehcp.sqlite_warned"):
        from ehcp.services.identity import SQLITE_WARNING

        info(SQLITE_WARNING.format(user=cfg.user))
    return cfg


def _first_time(key: str) -> bool:
    """True the first time ``key`` is asked for within one command (click's per-invocation meta)."""
    click_ctx = get_current_context(silent=True)
    if click_ctx is None:
        return True
    if click_ctx.meta.get(key):
        return False
    click_ctx.meta[key] = True
    return True


def context():
    # the services load the ORM (about a second): imported when a command needs them, not at start-up
    from ehcp.services.context import ServiceContext

    return ServiceContext(settings())


FORCE_OPTION = typer.Option(False, "--force", help="Replace FILE if it exists (never the live database).")


def out_file(out: Path | None, cfg=None, *, force: bool = False) -> Path | None:
    """Check an ``--out FILE`` before anything is read: an existing file needs ``--force``; the live
    SQLite database and its -wal/-shm/-journal are always refused (``ehcp.files.check_out``)."""
    if out is None:
        return None
    url = (cfg or load_settings()).database_url
    return check_out(out, force=force, database_url=url)


def parse_date(value: str | None, what: str) -> date | None:
    """A date option: ``YYYY-MM-DD``, ``today`` or ``yesterday`` (the settings' today, EHCP_TODAY)."""
    return None if value is None else parse_iso_date(value, what=what, today=lambda: load_settings().today)


def refusals(func: F) -> F:
    """Map a refusal to one line on stderr and exit 1; a database that is not set up likewise.

    With ``--format json`` a refusal also prints one JSON document on stdout:
    ``{"error": {"message", "rule", "citation", "stage", "target"}}`` (the law's refusals carry the
    rule and citation; other refusals null)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Refused as exc:
            error(_with_command(str(exc), kwargs.get("reference")))
            if _wants_json(kwargs.get("fmt")):
                emit_json({"error": exc.to_dict()})
            raise typer.Exit(1) from None
        except (BadSetting, UnsafeFile) as exc:
            error(str(exc))
            raise typer.Exit(1) from None
        except BadDate as exc:  # a malformed date is a usage error (docs/contract.md: exit 2)
            error(str(exc))
            raise typer.Exit(2) from None
        except Exception as exc:
            message = _database_problem(exc)
            if message is None:
                raise
            error(message)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


# Refusals that send the user to another command: the words in the law's refusal, and the command.
NEXT_COMMANDS = {"record a written waiver": "ehcp case waive {reference} --on YYYY-MM-DD"}


def _with_command(message: str, reference: object) -> str:
    """The refusal, naming the command that does what it asks for (the domain knows no commands)."""
    for words, command in NEXT_COMMANDS.items():
        if words in message:
            return f"{message} ({command.format(reference=reference or 'REFERENCE')})"
    return message


def _wants_json(fmt: object) -> bool:
    """Whether the command was asked for ``--format json`` (every command names the option ``fmt``)."""
    return getattr(fmt, "value", fmt) == "json"


def _database_problem(exc: Exception) -> str | None:
    from ehcp.store.errors import database_problem

    return database_problem(exc)


def fail(message: str) -> None:
    error(message)
    raise typer.Exit(1)

"""The start-of-command check on who is acting (``EHCP_USER``), kept off the ORM so that read
commands start fast; the rules themselves are :mod:`ehcp.services.permissions`'."""

from __future__ import annotations

from dataclasses import replace

from ehcp.config import Settings
from ehcp.services.errors import Refused
from ehcp.store import roles
from ehcp.store.errors import unreadable
from ehcp.store.reads import actor_standing, read_connection

TEST_FLAG = "test_database"  # 'on': an admin declared this a test database, where EHCP_TODAY may move the clock


def today_refused() -> Refused:
    """``EHCP_TODAY`` with permissions enforced on a database not flagged as a test database."""
    return Refused("EHCP_TODAY is refused while permissions are enforced (dates must be the real date); "
                   "unset it, or an admin flags a test database with 'ehcp db flag-test --on'")


def check_login(settings: Settings) -> bool:
    """Refuse an unknown or deactivated login once enforcement is on; silent on a database that
    cannot be read yet (the command itself then says 'run ehcp db upgrade'). Returns whether
    permissions are enforced."""
    try:
        with read_connection(settings.database_url) as conn:
            standing = actor_standing(conn, settings.user, TEST_FLAG)
    except Exception as exc:
        if unreadable(exc):
            return settings.enforce_permissions
        raise
    return _judged(settings, *standing)


def acting(settings: Settings, *, check_actor: bool = True) -> tuple[Settings, bool]:
    """What every command does first, in one read transaction: on PostgreSQL the actor becomes the
    login role unless the session is the owner (:func:`ehcp.services.identity.authenticated`), then,
    if ``check_actor``, :func:`check_login` for that actor. Returns (settings, permissions enforced)."""
    if settings.is_sqlite:
        return settings, check_login(settings) if check_actor else settings.enforce_permissions
    standing: tuple[bool, bool | None, int, bool] | None = None
    try:
        with read_connection(settings.database_url) as conn:
            login, owner = roles.session_identity(conn)
            settings = settings if owner else replace(settings, user=login)
            if check_actor:
                standing = actor_standing(conn, settings.user, TEST_FLAG)
    except Exception as exc:
        if unreadable(exc):  # no schema yet: the identity (if it was read) stands, as in authenticated()
            return settings, settings.enforce_permissions
        raise
    if standing is None:
        return settings, settings.enforce_permissions
    return settings, _judged(settings, *standing)


def _judged(settings: Settings, flag: bool, active: bool | None, users: int, test_database: bool) -> bool:
    if active is False:  # a leaver is refused whether or not permissions are enforced
        raise Refused(f"user {settings.user!r} is deactivated")
    if not (flag or settings.enforce_permissions) or users == 0:
        return flag or settings.enforce_permissions
    if active is None:
        raise Refused(f"unknown user {settings.user!r} (EHCP_USER); an admin must add them with "
                      f"'ehcp user add {settings.user} --role caseworker'")
    if not active:
        raise Refused(f"user {settings.user!r} is deactivated")
    if settings.today_override is not None and not test_database:
        raise today_refused()
    return True

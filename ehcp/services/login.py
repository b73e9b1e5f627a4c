"""The start-of-command check on who is acting (``EHCP_USER``), kept off the ORM so that read
commands start fast; the rules themselves are :mod:`ehcp.services.permissions`'."""

from __future__ import annotations

from ehcp.config import Settings
from ehcp.services.errors import Refused
from ehcp.store.errors import unreadable
from ehcp.store.reads import actor_standing, read_connection


def check_login(settings: Settings) -> bool:
    """Refuse an unknown or deactivated login once enforcement is on; silent on a database that
    cannot be read yet (the command itself then says 'run ehcp db upgrade'). Returns whether
    permissions are enforced."""
    try:
        with read_connection(settings.database_url) as conn:
            flag, active, users = actor_standing(conn, settings.user)
    except Exception as exc:
        if unreadable(exc):
            return settings.enforce_permissions
        raise
    if active is False:  # a leaver is refused whether or not permissions are enforced
        raise Refused(f"user {settings.user!r} is deactivated")
    if not (flag or settings.enforce_permissions) or users == 0:
        return flag or settings.enforce_permissions
    if active is None:
        raise Refused(f"unknown user {settings.user!r} (EHCP_USER); an admin must add them with "
                      f"'ehcp user add {settings.user} --role caseworker'")
    if not active:
        raise Refused(f"user {settings.user!r} is deactivated")
    return True

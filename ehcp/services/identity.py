"""Who is acting, and how much that proves.

On PostgreSQL every person connects as their own login role, and the actor is ``session_user``:
when the session is not the schema owner, ``EHCP_USER``, ``LOGNAME`` and the ``user`` setting are
ignored (the CLI says so when ``EHCP_USER`` names someone else), so the audit trail names whoever
the server authenticated. The owner role (migrations, set-up, tests) keeps the configured actor.

On SQLite anyone who can run the command can write the file: roles are guidance and the actor is a
label, not proof. With permissions enforced each command warns once (see :data:`SQLITE_WARNING`).
"""

from __future__ import annotations

from dataclasses import replace

from ehcp.config import Settings
from ehcp.services.errors import Refused
from ehcp.store import roles
from ehcp.store.db import engine_for
from ehcp.store.errors import unreadable
from ehcp.store.reads import read_connection

SQLITE_WARNING = ("warning: SQLite database: the acting user {user!r} is not authenticated (anyone can set "
                  "EHCP_USER or edit the file); roles here are guidance, not proof. Use PostgreSQL with one "
                  "login role per person for enforced roles (README: 'Multi-user deployment on PostgreSQL').")


def authenticated(settings: Settings) -> Settings:
    """The settings with ``user`` set to the PostgreSQL login role, unless the session is the owner
    (or the database cannot be read yet, or is SQLite: then unchanged)."""
    if settings.is_sqlite:
        return settings
    try:
        with read_connection(settings.database_url) as conn:
            login, owner = roles.session_identity(conn)
    except Exception as exc:
        if unreadable(exc):
            return settings
        raise
    return settings if owner else replace(settings, user=login)


def role_sql(settings: Settings, prefix: str = roles.PREFIX) -> list[str]:
    """``ehcp db roles --print``: the statements for this database's schema."""
    _postgres_only(settings)
    with engine_for(settings.database_url).connect() as conn:
        return roles.role_set_sql(roles.current_schema(conn), _checked(prefix))


def apply_roles(settings: Settings, prefix: str = roles.PREFIX) -> dict[str, str]:
    """``ehcp db roles --apply``: create the group roles and grants (idempotent; run as the owner,
    which needs CREATEROLE). Returns product role -> group role."""
    _postgres_only(settings)
    with engine_for(settings.database_url).begin() as conn:
        roles.apply(conn, roles.role_set_sql(roles.current_schema(conn), _checked(prefix)))
    return roles.group_roles(prefix)


def _checked(prefix: str) -> str:
    try:
        roles.group_roles(prefix)
    except ValueError as exc:
        raise Refused(str(exc)) from None
    return prefix


def _postgres_only(settings: Settings) -> None:
    if settings.is_sqlite:
        raise Refused("database roles need PostgreSQL; on SQLite roles are guidance and the actor is a "
                      "label (see README: 'Multi-user deployment on PostgreSQL')")

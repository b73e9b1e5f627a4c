"""Who is acting, and the user list.

Until a council adds its users (``ehcp user add``) the database is in open mode: an unknown login is
registered on first use, the very first as admin. Adding a user is how a council says "these are our
users", so it switches enforcement on (see :mod:`ehcp.services.permissions`): from then on an unknown
``EHCP_USER`` is refused rather than silently registered.
"""

from __future__ import annotations

from ehcp.config import Settings
from ehcp.domain.vocabulary import NAME_CHARACTERS, valid_name
from ehcp.services.context import ServiceContext
from ehcp.services.errors import NotFound, Refused
from ehcp.services.permissions import ENFORCE_FLAG, enforcement_on, require, set_enforcement, unknown_user
from ehcp.store.models import User
from ehcp.store.reads import read_connection, users
from ehcp.store.uow import UnitOfWork

ROLES = ("caseworker", "manager", "admin")


def acting_user(uow: UnitOfWork, login: str, settings: Settings | None = None) -> User:
    """The user row for ``login``; the very first user becomes an admin, later ones caseworkers.

    Raises Refused for an unknown login once permissions are enforced (see
    :mod:`ehcp.services.permissions`): registration on first use is only for open mode.
    """
    user = uow.users.get(login)
    if user is not None:
        return user
    first = uow.users.count() == 0
    if not first and settings is not None and enforcement_on(uow, settings):
        raise unknown_user(login)
    user = uow.users.add(User(login=login, name=login, role="admin" if first else "caseworker"))
    uow.audit.append(actor=login, action="user_registered", detail={"login": login, "role": user.role})
    return user


def find_user(uow: UnitOfWork, login: str) -> User:
    user = uow.users.get(login)
    if user is None:
        raise NotFound(f"unknown user {login!r}; add them with 'ehcp user add {login}'")
    return user


def check_name(value: str, what: str) -> str:
    """Refuse a login or team name that is not letters, digits, '.', '-' and '_' (one line)."""
    if not valid_name(value):
        raise Refused(f"{what} {value!r} is not allowed: use {NAME_CHARACTERS} (at most 63)")
    return value


def check_role(role: str) -> str:
    if role not in ROLES:
        raise Refused(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role


def add_user(uow: UnitOfWork, *, actor: str, login: str, name: str | None, role: str,
             team: str | None, email: str | None) -> User:
    check_role(role)
    check_name(login, "login")
    if team:
        check_name(team, "team name")
    if uow.users.get(login) is not None:
        raise Refused(f"user {login!r} already exists")
    team_row = uow.users.team(team) if team else None
    user = uow.users.add(User(login=login, name=name or login, role=role, email=email,
                              team_id=team_row.id if team_row else None))
    uow.audit.append(actor=actor, action="user_added", detail={"login": login, "role": role, "team": team})
    return user


def set_role(uow: UnitOfWork, *, actor: str, login: str, role: str, team: str | None = None) -> User:
    """Change a user's role (and team, if given); audited."""
    check_role(role)
    if team:
        check_name(team, "team name")
    user = find_user(uow, login)
    before = user.role
    user.role = role
    if team:
        user.team_id = uow.users.team(team).id
    uow.users.flush()
    uow.audit.append(actor=actor, action="user_role_changed",
                     detail={"login": login, "from": before, "to": role, "team": team})
    return user


def grant_login(uow: UnitOfWork, login: str, role: str) -> list[str]:
    """On PostgreSQL with the role set applied, the person's login role (created if new) joins
    ``role``'s group; it has no password: the server authenticates it (README, scram or peer)."""
    if not uow.logins.managed():
        return []
    group = uow.logins.grant(login, role)
    return [f"PostgreSQL login role {login} is a member of {group} (set up its authentication on the server)"]


def enrol(uow: UnitOfWork, settings: Settings, *, login: str, name: str | None, role: str,
          team: str | None, email: str | None) -> list[str]:
    """``ehcp user add``: add ``login`` (an admin's act once any user exists) and switch enforcement on.

    On an empty user table the acting login is registered as the first admin beforehand, so that
    whoever sets the users up is not locked out the moment enforcement starts; for the same reason the
    first user cannot be the actor with a lesser role. Returns what else happened, for the CLI to say.
    """
    require(uow, settings, "manage_users", always=True)
    said: list[str] = []
    if uow.users.count() == 0:
        if login == settings.user and role != "admin":
            raise Refused(f"the first user must be an admin: {login} is acting; "
                          f"add them with --role admin, then add the others")
        if login != settings.user:
            acting_user(uow, settings.user)
            said.append(f"{settings.user} (you) registered as the first admin")
    add_user(uow, actor=settings.user, login=login, name=name, role=role, team=team, email=email)
    said += grant_login(uow, login, role)
    if not uow.flags.exists(ENFORCE_FLAG):  # never switched: an explicit 'off' stays off
        set_enforcement(uow, settings, True)
        said.append("permissions are now enforced: unknown logins are refused "
                    "('ehcp user enforce off' to go back to open mode)")
    return said


def add(ctx: ServiceContext, *, login: str, name: str | None, role: str, team: str | None,
        email: str | None) -> list[str]:
    """One transaction of :func:`enrol`; returns what else happened, for the CLI to say."""
    with ctx.uow() as uow:
        said = enrol(uow, ctx.settings, login=login, name=name, role=role, team=team, email=email)
        uow.commit()
    return said


def change_role(ctx: ServiceContext, login: str, role: str, team: str | None = None) -> None:
    """``ehcp user role``: an admin changes a user's role (and team)."""
    with ctx.uow() as uow:
        require(uow, ctx.settings, "manage_users", always=True)
        set_role(uow, actor=ctx.actor, login=login, role=role, team=team)
        grant_login(uow, login, role)
        uow.commit()


def list_users(settings: Settings) -> list[dict]:
    """Every user with their role and team, by login."""
    with read_connection(settings.database_url) as conn:
        return users(conn)

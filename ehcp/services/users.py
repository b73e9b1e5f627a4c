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
from ehcp.services.partners import check_email
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


def active_user(uow: UnitOfWork, login: str) -> User:
    """The user ``login``, refused if unknown or deactivated (cases go only to someone who can act)."""
    user = find_user(uow, login)
    if user.active is False:
        raise Refused(f"user {login!r} is deactivated; give the work to an active user")
    return user


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


def edit_user(ctx: ServiceContext, login: str, *, name: str | None = None, email: str | None = None,
              team: str | None = None, reason: str | None = None) -> list[dict]:
    """``ehcp user edit``: an admin corrects a user's display name, e-mail or team; returns the
    changes as ``{"field", "before", "after"}`` (audited with the reason). ``email``/``team`` "none"
    clears them. Raises Refused with nothing to change, NotFound for an unknown login."""
    if name is None and email is None and team is None:
        raise Refused("nothing to change: give --name, --email or --team")
    if name is not None and (not name.strip() or len(name) > 200 or any(ord(c) < 32 for c in name)):
        raise Refused("--name must be 1-200 printable characters")
    cleared = {"none", ""}
    new_email = None if email is None or email.strip().lower() in cleared else check_email(email.strip(), "--email")
    if team is not None and team.strip().lower() not in cleared:
        check_name(team.strip(), "team name")
    with ctx.uow() as uow:
        require(uow, ctx.settings, "manage_users", always=True)
        user = find_user(uow, login)
        team_row = uow.users.team(team.strip()) if team is not None and team.strip().lower() not in cleared else None
        before = {"name": user.name, "email": user.email, "team": uow.users.team_name(user.team_id)}
        after = dict(before)
        if name is not None:
            after["name"] = " ".join(name.split())
        if email is not None:
            after["email"] = new_email
        if team is not None:
            after["team"] = team_row.name if team_row else None
        diff = [{"field": k, "before": before[k], "after": after[k]} for k in before if before[k] != after[k]]
        if not diff:
            raise Refused(f"user {login!r}: nothing to change (the record already says so)")
        user.name, user.email = str(after["name"]), after["email"]
        if team is not None:
            user.team_id = team_row.id if team_row else None
        uow.users.flush()
        uow.audit.append(actor=ctx.actor, action="user_edited", reason=reason,
                         detail={"login": login, "changes": diff})
        uow.commit()
    return diff


def set_active(ctx: ServiceContext, login: str, *, active: bool, reason: str) -> list[str]:
    """``ehcp user deactivate`` (``active=False``) or ``reactivate``: an admin's act, audited with the
    reason. A deactivated login is refused whenever it acts; its history (events, audit, notes) keeps
    its name. On PostgreSQL with the role set applied its login role becomes NOLOGIN (LOGIN again).
    Returns what else happened, for the CLI to say. Raises Refused for yourself, no reason, or no
    change; NotFound for an unknown login."""
    if not reason or not reason.strip():
        raise Refused("say why (--reason)")
    with ctx.uow() as uow:
        require(uow, ctx.settings, "manage_users", always=True)
        user = find_user(uow, login)
        if not active and login == ctx.actor:
            raise Refused("you cannot deactivate yourself: ask another admin")
        if bool(user.active) == active:
            raise Refused(f"user {login!r} is already {'active' if active else 'deactivated'}")
        user.active = active
        uow.users.flush()
        said = _switch_login(uow, login, active)
        uow.audit.append(actor=ctx.actor, action="user_reactivated" if active else "user_deactivated",
                         reason=reason.strip(), detail={"login": login, "login_role": bool(said)})
        uow.commit()
    return said


def _switch_login(uow: UnitOfWork, login: str, active: bool) -> list[str]:
    """The PostgreSQL side of (de)activation: the login role becomes LOGIN or NOLOGIN."""
    if not uow.logins.managed():
        return []
    if not uow.logins.can_switch():
        return [(f"the PostgreSQL login role {login} was not changed: run 'ehcp db roles --apply' as the owner "
                 "to add the function that does it")]
    if not uow.logins.set_login(login, active):
        return []
    return [f"PostgreSQL login role {login} can {'' if active else 'no longer '}log in"]

"""Who is acting, and the user list.

Until a council adds its users (``ehcp user add``) the database is in open mode: an unknown login is
registered on first use, the very first as admin. Adding a user is how a council says "these are our
users", so it switches enforcement on (see :mod:`ehcp.services.permissions`): from then on an unknown
``EHCP_USER`` is refused rather than silently registered.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from typing import TYPE_CHECKING

from ehcp.services.errors import NotFound, Refused
from ehcp.store import audit
from ehcp.store.models import Team, User

if TYPE_CHECKING:
    from ehcp.config import Settings

ROLES = ("caseworker", "manager", "admin")


def acting_user(session: Session, login: str, settings: "Settings | None" = None) -> User:
    """The user row for ``login``; the very first user becomes an admin, later ones caseworkers.

    Raises Refused for an unknown login once permissions are enforced (see
    :mod:`ehcp.services.permissions`): registration on first use is only for open mode.
    """
    user = session.scalars(select(User).where(User.login == login)).one_or_none()
    if user is not None:
        return user
    first = session.scalar(select(func.count(User.id))) == 0
    if not first and settings is not None:
        from ehcp.services.permissions import enforcement_on

        if enforcement_on(session, settings):
            raise Refused(f"unknown user {login!r} (EHCP_USER); an admin must add them with "
                          f"'ehcp user add {login} --role caseworker'")
    user = User(login=login, name=login, role="admin" if first else "caseworker")
    session.add(user)
    session.flush()
    audit.append(session, actor=login, action="user_registered", detail={"login": login, "role": user.role})
    return user


def _team(session: Session, name: str) -> Team:
    """The team called ``name``, created if new."""
    team = session.scalars(select(Team).where(Team.name == name)).one_or_none()
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def find_user(session: Session, login: str) -> User:
    user = session.scalars(select(User).where(User.login == login)).one_or_none()
    if user is None:
        raise NotFound(f"unknown user {login!r}; add them with 'ehcp user add {login}'")
    return user


def add_user(session: Session, *, actor: str, login: str, name: str | None, role: str,
             team: str | None, email: str | None) -> User:
    if role not in ROLES:
        raise Refused(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if session.scalars(select(User).where(User.login == login)).one_or_none():
        raise Refused(f"user {login!r} already exists")
    team_row = _team(session, team) if team else None
    user = User(login=login, name=name or login, role=role, email=email,
                team_id=team_row.id if team_row else None)
    session.add(user)
    session.flush()
    audit.append(session, actor=actor, action="user_added",
                 detail={"login": login, "role": role, "team": team})
    return user


def set_role(session: Session, *, actor: str, login: str, role: str, team: str | None = None) -> User:
    """Change a user's role (and team, if given); audited."""
    if role not in ROLES:
        raise Refused(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    user = find_user(session, login)
    before = user.role
    user.role = role
    if team:
        user.team_id = _team(session, team).id
    session.flush()
    audit.append(session, actor=actor, action="user_role_changed",
                 detail={"login": login, "from": before, "to": role, "team": team})
    return user


def enrol(session: Session, settings: "Settings", *, login: str, name: str | None, role: str,
          team: str | None, email: str | None) -> list[str]:
    """``ehcp user add``: add ``login`` (an admin's act once any user exists) and switch enforcement on.

    On an empty user table the acting login is registered as the first admin beforehand, so that
    whoever sets the users up is not locked out the moment enforcement starts; for the same reason the
    first user cannot be the actor with a lesser role. Returns what else happened, for the CLI to say.
    """
    from ehcp.services.permissions import ENFORCE_FLAG, require, set_enforcement
    from ehcp.store.models import SystemFlag

    require(session, settings, "manage_users", always=True)
    said: list[str] = []
    if session.scalar(select(func.count(User.id))) == 0:
        if login == settings.user and role != "admin":
            raise Refused(f"the first user must be an admin: {login} is acting; "
                          f"add them with --role admin, then add the others")
        if login != settings.user:
            acting_user(session, settings.user)
            said.append(f"{settings.user} (you) registered as the first admin")
    add_user(session, actor=settings.user, login=login, name=name, role=role, team=team, email=email)
    if session.get(SystemFlag, ENFORCE_FLAG) is None:  # never switched: an explicit 'off' stays off
        set_enforcement(session, settings, True)
        said.append("permissions are now enforced: unknown logins are refused "
                    "('ehcp user enforce off' to go back to open mode)")
    return said

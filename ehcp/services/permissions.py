"""Roles and permissions: who may do what, and whether the rules are enforced yet.

Enforcement is on when ``Settings.enforce_permissions`` is set (``EHCP_ENFORCE_PERMISSIONS=1`` or
``ehcp.toml``) or the ``system_flags`` row says so: the first ``ehcp user add`` writes it (the council
has declared its users), and an admin may switch it with ``ehcp user enforce on|off``. While it is
off (a fresh install, a demo) every login is registered on first use - the very first as admin -
and every action is allowed and audited; once on, unknown logins are refused and each permission
below needs one of its roles. Every refusal names the permission and the roles it needs.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehcp.config import Settings
from ehcp.services.errors import Refused
from ehcp.store import audit
from ehcp.store.models import SystemFlag, User

ENFORCE_FLAG = "enforce_permissions"
ANY = ("caseworker", "manager", "admin")
SENIOR = ("manager", "admin")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "act_on_cases": ANY,             # open, advance, record events, notes, advice, case list/show
    "record_exception": SENIOR,      # an exception lifts a statutory clock
    "reopen_case": SENIOR,           # moving a closed case (ceased, withdrawn, no plan...) again
    "bulk_import": SENIOR,           # ehcp import cases|events
    "export_personal_data": SENIOR,  # reports with names to csv/xlsx/json files, retention report
    "manage_users": ("admin",),      # user add, role, enforce
    "purge_records": ("admin",),     # retention purge
    "restore_database": ("admin",),  # db restore
}


def enforcement_on(session: Session, settings: Settings) -> bool:
    if settings.enforce_permissions:
        return True
    value = session.scalar(select(SystemFlag.value).where(SystemFlag.name == ENFORCE_FLAG))
    return value == "on"


def set_enforcement(session: Session, settings: Settings, on: bool) -> None:
    """``ehcp user enforce on|off``: an admin (or the bootstrap user) switches enforcement."""
    require(session, settings, "manage_users", always=True)
    row = session.get(SystemFlag, ENFORCE_FLAG)
    stamp = datetime.now(timezone.utc)
    if row is None:
        row = SystemFlag(name=ENFORCE_FLAG, value="off", changed_at=stamp, changed_by=settings.user)
        session.add(row)
    row.value, row.changed_at, row.changed_by = ("on" if on else "off"), stamp, settings.user
    audit.append(session, actor=settings.user, action="permissions_enforced" if on else "permissions_relaxed",
                 detail={"enforce": on})


def _user(session: Session, login: str) -> User | None:
    return session.scalars(select(User).where(User.login == login)).one_or_none()


def check_actor(session: Session, settings: Settings) -> User | None:
    """Refuse an unknown or inactive login when enforcement is on (and users exist)."""
    if not enforcement_on(session, settings):
        return _user(session, settings.user)
    user = _user(session, settings.user)
    if user is None:
        if session.scalar(select(func.count(User.id))) == 0:
            return None
        raise Refused(f"unknown user {settings.user!r} (EHCP_USER); an admin must add them with "
                      f"'ehcp user add {settings.user} --role caseworker'")
    if not user.active:
        raise Refused(f"user {settings.user!r} is deactivated")
    return user


def require(session: Session, settings: Settings, permission: str, *, always: bool = False) -> User | None:
    """Raise Refused unless the acting user holds ``permission`` (only checked while enforced,
    or ``always``: user management is checked whenever users exist)."""
    roles = PERMISSIONS[permission]
    if not (always or enforcement_on(session, settings)):
        return _user(session, settings.user)
    user = check_actor(session, settings)
    if user is None:
        if always and session.scalar(select(func.count(User.id))):
            raise Refused(f"permission {permission!r} needs role {' or '.join(roles)}; "
                          f"{settings.user} is not a registered user")
        return None  # no users yet: bootstrap
    if user.role not in roles:
        article = "an" if user.role[0] in "aeiou" else "a"
        raise Refused(f"permission {permission!r} needs role {' or '.join(roles)}; "
                      f"{user.login} is {article} {user.role}")
    return user


def authorise(ctx, permission: str, *, action: str | None = None, detail: dict | None = None) -> None:  # noqa: ANN001
    """Check ``permission`` for the acting user in its own transaction; audit a bulk read if ``action``."""
    with ctx.uow() as uow:
        require(uow.session, ctx.settings, permission)
        if action:
            audit.append(uow.session, actor=ctx.actor, action=action, detail=detail or {})
        uow.commit()

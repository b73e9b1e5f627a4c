"""Roles and permissions: who may do what, and whether the rules are enforced yet.

Enforcement is on when ``Settings.enforce_permissions`` is set (``EHCP_ENFORCE_PERMISSIONS=1`` or
``ehcp.toml``) or the ``system_flags`` row says so: the first ``ehcp user add`` writes it (the council
has declared its users), and an admin may switch it with ``ehcp user enforce on|off``. While it is
off (a fresh install, a demo) every login is registered on first use - the very first as admin -
and every action is allowed and audited; once on, unknown logins are refused and each permission
below needs one of its roles. Every refusal names the permission and the roles it needs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from ehcp.config import Settings
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.login import TEST_FLAG, today_refused
from ehcp.store.models import User
from ehcp.store.uow import UnitOfWork

ENFORCE_FLAG = "enforce_permissions"
ANY = ("caseworker", "manager", "admin")
SENIOR = ("manager", "admin")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "act_on_cases": ANY,             # open, advance, record events, notes, advice, case list/show
    "record_exception": SENIOR,      # an exception lifts a statutory clock
    "reopen_case": SENIOR,           # a tribunal order reopening a case closed as not assessed / no plan
    "bulk_import": SENIOR,           # ehcp import cases|events
    "export_personal_data": SENIOR,  # reports with names to csv/xlsx/json files, retention report
    "manage_users": ("admin",),      # user add, role, enforce
    "purge_records": ("admin",),     # retention purge
    "restore_database": ("admin",),  # db restore
    "set_policy": ("admin",),        # policy set: the readings every user of the database computes with
}


def enforcement_on(uow: UnitOfWork, settings: Settings) -> bool:
    if settings.enforce_permissions:
        return True
    return uow.flags.value(ENFORCE_FLAG) == "on"


def set_enforcement(uow: UnitOfWork, settings: Settings, on: bool) -> None:
    """``ehcp user enforce on|off``: an admin (or the bootstrap user) switches enforcement."""
    require(uow, settings, "manage_users", always=True)
    uow.flags.set(ENFORCE_FLAG, "on" if on else "off", at=datetime.now(UTC), by=settings.user)
    uow.audit.append(actor=settings.user, action="permissions_enforced" if on else "permissions_relaxed",
                     detail={"enforce": on})


def enforce(ctx: ServiceContext, state: str) -> bool:
    """``ehcp user enforce on|off|status``: switch enforcement (an admin) and say whether it is on."""
    with ctx.uow(write=state != "status") as uow:
        if state != "status":
            set_enforcement(uow, ctx.settings, state == "on")
            uow.commit()
        return enforcement_on(uow, ctx.settings)


def check_clock(uow: UnitOfWork, settings: Settings) -> None:
    """Refuse ``EHCP_TODAY`` (a typed date) once permissions are enforced, unless the database is
    flagged as a test database: a caseworker must not date events in 2029."""
    if settings.today_override is not None and uow.flags.value(TEST_FLAG) != "on":
        raise today_refused()


def flag_test(ctx: ServiceContext, on: bool | None) -> bool:
    """``ehcp db flag-test --on|--off``: an admin (or the bootstrap user) declares this a test database
    (``EHCP_TODAY`` honoured with permissions enforced) or not; audited. None: say whether it is."""
    settings = replace(ctx.settings, today_override=None)  # the flag itself is not dated: EHCP_TODAY may be set
    with ctx.uow(write=on is not None) as uow:
        if on is not None:
            require(uow, settings, "manage_users", always=True)
            uow.flags.set(TEST_FLAG, "on" if on else "off", at=datetime.now(UTC), by=ctx.actor)
            uow.audit.append(actor=ctx.actor, action="test_database_flagged" if on else "test_database_unflagged",
                             detail={"test_database": on})
            uow.commit()
        return uow.flags.value(TEST_FLAG) == "on"


def unknown_user(login: str) -> Refused:
    return Refused(f"unknown user {login!r} (EHCP_USER); an admin must add them with "
                   f"'ehcp user add {login} --role caseworker'")


def check_actor(uow: UnitOfWork, settings: Settings) -> User | None:
    """Refuse an unknown or inactive login when enforcement is on (and users exist)."""
    if not enforcement_on(uow, settings):
        return uow.users.get(settings.user)
    user = uow.users.get(settings.user)
    if user is None:
        if uow.users.count() == 0:
            return None
        raise unknown_user(settings.user)
    if not user.active:
        raise Refused(f"user {settings.user!r} is deactivated")
    check_clock(uow, settings)
    return user


def require(uow: UnitOfWork, settings: Settings, permission: str, *, always: bool = False) -> User | None:
    """Raise Refused unless the acting user holds ``permission`` (only checked while enforced,
    or ``always``: user management is checked whenever users exist)."""
    roles = PERMISSIONS[permission]
    if not (always or enforcement_on(uow, settings)):
        user = uow.users.get(settings.user)
        if user is not None and user.active is False:  # a leaver is refused in open mode too
            raise Refused(f"user {settings.user!r} is deactivated")
        return user
    user = check_actor(uow, settings)
    if user is None:
        if always and uow.users.count():
            raise Refused(f"permission {permission!r} needs role {' or '.join(roles)}; "
                          f"{settings.user} is not a registered user")
        return None  # no users yet: bootstrap
    if user.role not in roles:
        article = "an" if user.role[0] in "aeiou" else "a"
        raise Refused(f"permission {permission!r} needs role {' or '.join(roles)}; "
                      f"{user.login} is {article} {user.role}")
    return user


def authorise(ctx: ServiceContext, permission: str, *, action: str | None = None,
              detail: dict | None = None) -> None:
    """Check ``permission`` for the acting user in its own transaction; audit a bulk read if ``action``."""
    with ctx.uow() as uow:
        require(uow, ctx.settings, permission)
        if action:
            uow.audit.append(actor=ctx.actor, action=action, detail=detail or {})
        uow.commit()

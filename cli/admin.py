"""``ehcp db ...``, ``ehcp user ...``, ``ehcp deadlines ...``: looking after the system."""

from __future__ import annotations

import typer

from cli.common import context, fail, refusals, settings
from cli.output import FORMAT_OPTION, Format, emit, info

db_app = typer.Typer(help="Create, migrate and check the database.", no_args_is_help=True)
user_app = typer.Typer(
    help=("Users, roles (caseworker, manager, admin) and teams. Managing users needs an admin once any "
          "user exists. Permissions are enforced from the first 'ehcp user add' (or with "
          "EHCP_ENFORCE_PERMISSIONS=1, or 'ehcp user enforce on'): then unknown logins are refused and "
          "exceptions, re-opening closed cases, imports, personal-data exports and retention need a "
          "manager or admin."),
    no_args_is_help=True)
deadlines_app = typer.Typer(help="The derived deadlines table.", no_args_is_help=True)


@db_app.command("upgrade")
@refusals
def upgrade(revision: str = typer.Argument("head")) -> None:
    """Create or migrate the database to the latest schema (Alembic)."""
    from ehcp.services import database

    info(database.upgrade(settings(check_actor=False), revision))


@db_app.command("check")
@refusals
def check() -> None:
    """Fail if the models and the migrations differ (alembic check)."""
    from ehcp.services import database

    database.check(settings(check_actor=False))
    info("no drift between models and migrations")


@db_app.command("backup")
@refusals
def backup(
    file: str = typer.Argument(..., help="Where to write the backup (a new file)."),
    encrypt_to: list[str] | None = typer.Option(
        None, "--encrypt-to", help="Encrypt with age to this recipient: an age1... public key (from 'ehcp db "
                                   "keygen'), an SSH public key, or a file of them. Repeat for several."),
) -> None:
    """Back up the database: SQLite through the online backup API (safe while in use) into a new 0600
    file, encrypted with age if --encrypt-to is given; on PostgreSQL print the pg_dump command to run
    (and the pg_restore one). A backup holds every child's record: it needs the permission
    'export_personal_data' (a manager or admin once permissions are enforced) and is audited."""
    from ehcp.services import database
    from ehcp.services.context import ServiceContext

    cfg = settings(check_actor=False)
    ctx = context() if cfg.is_sqlite else ServiceContext(cfg)  # PostgreSQL: nothing is read here
    made = database.backup(ctx, file, encrypt_to=encrypt_to)
    if made.dump is not None:
        typer.echo(made.dump)
        info(f"run the command above as the database owner role, with umask 077 (the dump holds every "
             f"child's record); restore with: {made.restore}")
        return
    if made.encrypted:
        info(f"backed up {made.tables} tables ({made.cases} cases) to {file}, encrypted with age for "
             f"{made.encrypted} recipient(s); restore needs the matching key: ehcp db restore {file} "
             "--identity KEYFILE --yes")
    else:
        info(f"backed up {made.tables} tables ({made.cases} cases) to {file}: NOT encrypted (0600, "
             "OFFICIAL-SENSITIVE); use --encrypt-to to encrypt it")


@db_app.command("keygen")
@refusals
def keygen(file: str = typer.Argument(..., help="Where to write the new secret key (a new file, 0600).")) -> None:
    """Make an age key pair for encrypted backups: the secret key goes to FILE (keep it off the
    database's machine), the public key is printed for 'ehcp db backup --encrypt-to'."""
    from ehcp.services import database

    public = database.keygen(file)
    typer.echo(public)
    info(f"secret key written to {file} (0600): keep it away from the backups and the database; "
         f"back up with: ehcp db backup FILE --encrypt-to {public}")


@db_app.command("restore")
@refusals
def restore(file: str = typer.Argument(..., help="A backup made by 'ehcp db backup'."),
            identity: str | None = typer.Option(None, "--identity", "-i",
                                                help="The age key file of an encrypted backup."),
            yes: bool = typer.Option(False, "--yes", help="Really replace the current database.")) -> None:
    """Replace the SQLite database with a backup (an admin once permissions are enforced; the restored file's
    own audit trail then applies); an encrypted backup needs --identity KEYFILE. On PostgreSQL use
    pg_restore ('ehcp db backup' prints the command)."""
    from ehcp.services import database

    database.restore(context(), file, yes=yes, identity=identity)
    info(f"restored the database from {file}")


@db_app.command("roles")
@refusals
def roles(
    print_sql: bool = typer.Option(False, "--print", help="Print the SQL without running it."),
    apply: bool = typer.Option(False, "--apply", help="Create the roles and grants (as the owner role)."),
    prefix: str = typer.Option("ehcp", "--prefix", help="Group roles are PREFIX_caseworker, _manager, _admin."),
) -> None:
    """PostgreSQL only: create the group roles (PREFIX_caseworker, PREFIX_manager, PREFIX_admin),
    their table GRANTs and the function 'ehcp user add' uses to create login roles. Idempotent: run
    it as the owner role (CREATEROLE) after every 'ehcp db upgrade'."""
    from cli.common import fail
    from ehcp.services import identity

    if print_sql == apply:
        fail("give exactly one of --print or --apply")
    cfg = settings(check_actor=False)
    if print_sql:
        for statement in identity.role_sql(cfg, prefix):
            typer.echo(statement.strip() + ";")
        return
    groups = identity.apply_roles(cfg, prefix)
    info(f"group roles ready: {', '.join(groups.values())}; add people with "
         f"'ehcp user add LOGIN --role ROLE --team TEAM'")


@db_app.command("flag-test")
@refusals
def flag_test(on: bool | None = typer.Option(None, "--on/--off",
                                             help="Flag (or unflag) this as a test database.")) -> None:
    """Declare this a test database (an admin; audited): only there is EHCP_TODAY honoured once
    permissions are enforced. Without --on/--off, say whether it is one."""
    from ehcp.services.context import ServiceContext
    from ehcp.services.permissions import flag_test as flag

    flagged = flag(ServiceContext(settings(check_actor=False)), on)
    said = "yes (EHCP_TODAY is honoured)" if flagged else "no (EHCP_TODAY is refused while permissions are enforced)"
    info(f"test database: {said}")


@db_app.command("where")
def where() -> None:
    """Print the database URL in use (password hidden)."""
    from ehcp.services import database

    typer.echo(database.where(settings(check_actor=False)))


@user_app.command("add")
@refusals
def user_add(
    login: str = typer.Argument(...),
    name: str | None = typer.Option(None, "--name"),
    role: str = typer.Option("caseworker", "--role", help="caseworker, manager or admin."),
    team: str | None = typer.Option(None, "--team"),
    email: str | None = typer.Option(None, "--email"),
) -> None:
    """Add a user (an admin, once any user exists). The first 'user add' switches permissions on:
    from then on unknown logins are refused."""
    from ehcp.services import users

    said = users.add(context(), login=login, name=name, role=role, team=team, email=email)
    info(f"user added: {login} ({role})")
    for line in said:
        info(line)


@user_app.command("list")
@refusals
def user_list(fmt: Format = FORMAT_OPTION) -> None:
    """List users."""
    from ehcp.services.users import list_users

    emit(list_users(settings()), ["login", "name", "role", "team", "email", "active"], fmt, key="users",
         title="Users")


@user_app.command("role")
@refusals
def user_role(
    login: str = typer.Argument(...),
    role: str = typer.Argument(..., help="caseworker, manager or admin."),
    team: str | None = typer.Option(None, "--team"),
) -> None:
    """Change a user's role (and team); needs an admin."""
    from ehcp.services.users import change_role

    change_role(context(), login, role, team)
    info(f"user {login} is now {role}")


@user_app.command("edit")
@refusals
def user_edit(
    login: str = typer.Argument(...),
    name: str | None = typer.Option(None, "--name", help="Display name."),
    email: str | None = typer.Option(None, "--email", help="E-mail address ('none' to clear)."),
    team: str | None = typer.Option(None, "--team", help="Team (created if new; 'none' to clear)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Correct a user's display name, e-mail or team (an admin); prints each field before and after."""
    from ehcp.services.users import edit_user

    changes = edit_user(context(), login, name=name, email=email, team=team, reason=reason)
    info(f"user {login} edited")
    if fmt is Format.table:  # words on screen; JSON and CSV keep the keys
        from ehcp.domain.labels import words

        changes = [{**c, "field": words(c["field"])} for c in changes]
    emit(changes, ["field", "before", "after"], fmt, key="changes", extra={"login": login}, title=f"User {login}")


@user_app.command("deactivate")
@refusals
def user_deactivate(
    login: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why, e.g. 'left the service' (kept in the audit trail)."),
) -> None:
    """A leaver (an admin's act): the login is refused from now on, their history keeps their name,
    and on PostgreSQL their login role can no longer log in. Reassign their cases with
    'ehcp case reassign --from LOGIN --to LOGIN'."""
    from ehcp.services.users import set_active

    said = set_active(context(), login, active=False, reason=reason)
    info(f"user {login} deactivated")
    for line in said:
        info(line)


@user_app.command("reactivate")
@refusals
def user_reactivate(
    login: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Let a deactivated user act again (an admin's act)."""
    from ehcp.services.users import set_active

    said = set_active(context(), login, active=True, reason=reason)
    info(f"user {login} reactivated")
    for line in said:
        info(line)


@user_app.command("enforce")
@refusals
def user_enforce(state: str = typer.Argument(..., help="on or off (or 'status').")) -> None:
    """Switch permission enforcement on or off (an admin), or show it ('status')."""
    from ehcp.services.permissions import enforce

    ctx = context()
    if state not in ("on", "off", "status"):
        fail(f"unknown state {state!r}; use on, off or status")
    on = enforce(ctx, state)
    note = " (EHCP_ENFORCE_PERMISSIONS is set)" if ctx.settings.enforce_permissions else ""
    info(f"permissions enforced: {'on' if on else 'off'}{note}")


@deadlines_app.command("recompute")
@refusals
def recompute(fmt: Format = FORMAT_OPTION) -> None:
    """Recompute every case's deadlines (after a rule or calendar change) and report what changed."""
    from ehcp.services.recompute import recompute_all

    result = recompute_all(context())
    emit(result.changes, ["reference", "key"], fmt, key="changed",
         extra={"cases": result.cases, "changed": len(result.changes)},
         title=f"Recomputed {result.cases} cases: {len(result.changes)} deadlines changed")

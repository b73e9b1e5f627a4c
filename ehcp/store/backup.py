"""Backups: SQLite through the online backup API (safe while others read and write); PostgreSQL
through ``pg_dump`` / ``pg_restore``, whose commands we print rather than run."""

from __future__ import annotations

import importlib
import shlex
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ehcp.files import atomic_write


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "").expanduser()


def backup_sqlite(url: str, target: Path) -> tuple[int, int]:
    """Copy the live database to ``target`` page by page; returns (tables, cases) copied."""
    source = sqlite3.connect(sqlite_path(url))
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        tables = int(dest.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
        cases = int(dest.execute("SELECT count(*) FROM cases").fetchone()[0])
        return tables, cases
    finally:
        dest.close()
        source.close()


def restore_sqlite(url: str, backup: Path) -> None:
    """Replace the database's contents with ``backup`` (an ehcp SQLite file), through the backup API."""
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ValueError(f"{backup} fails SQLite's integrity check")
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"cases", "audit_log", "alembic_version"} <= tables:
            raise ValueError(f"{backup} is not an ehcp database")
        dest = sqlite3.connect(sqlite_path(url))
        try:
            check.backup(dest)
        finally:
            dest.close()
    finally:
        check.close()


def pg_commands(url: str, target: str, *, encrypt_to: list[str] | None = None) -> tuple[str, str]:
    """The pg_dump and pg_restore commands for this database (password left to PGPASSWORD/.pgpass);
    with ``encrypt_to``, the dump is piped through the ``age`` tool and restored through it."""
    u = make_url(url)
    conn = " ".join(f"--{k}={v}" for k, v in (("host", u.host), ("port", u.port), ("username", u.username),
                                                ("dbname", u.database)) if v)
    if encrypt_to:
        to = " ".join(f"-R {shlex.quote(r)}" if not r.startswith(("age1", "ssh-")) else f"-r {shlex.quote(r)}"
                      for r in encrypt_to)
        return (f"pg_dump {conn} --format=custom | age {to} -o {target}",
                f"age -d -i KEYFILE {target} | pg_restore {conn} --clean --if-exists --single-transaction")
    return (f"pg_dump {conn} --format=custom --file={target}",
            f"pg_restore {conn} --clean --if-exists --single-transaction {target}")


# --- encryption (age, through pyrage) ------------------------------------------------------------

AGE_HEADER = b"age-encryption.org/v1"


def _age() -> Any:
    """pyrage (Rust age bindings) ships no type information: imported by name so mypy sees Any
    here, and nowhere else (every use below is wrapped in a typed function)."""
    return importlib.import_module("pyrage")


def parse_recipients(values: list[str]) -> list[Any]:
    """age recipients from ``--encrypt-to``: each value an ``age1...`` public key, an ``ssh-ed25519``
    or ``ssh-rsa`` public key, or a file of them (one a line, ``#`` comments), as ``age -R``."""
    age = _age()
    found: list[Any] = []
    for value in values:
        lines = [value]
        if not value.startswith(("age1", "ssh-")):
            path = Path(value).expanduser()
            if not path.is_file():
                raise ValueError(f"--encrypt-to {value!r}: not an age recipient (age1...), an SSH public key "
                                 "or a file of them")
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        for line in (line for line in lines if line and not line.startswith("#")):
            try:
                found.append(age.ssh.Recipient.from_str(line) if line.startswith("ssh-")
                             else age.x25519.Recipient.from_str(line))
            except Exception:  # noqa: BLE001 - pyrage raises its own RecipientError types; one line for the user
                raise ValueError(f"--encrypt-to: {line[:12]}... is not a valid age or SSH recipient") from None
    if not found:
        raise ValueError("--encrypt-to: no recipients found")
    return found


def read_identities(path: Path) -> list[Any]:
    """age identities (``AGE-SECRET-KEY-1...`` lines, as written by ``ehcp db keygen`` or
    ``age-keygen``) from a key file. The key itself is never printed."""
    age = _age()
    if not path.is_file():
        raise ValueError(f"no identity file {path}")
    keys = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("AGE-SECRET-KEY-")]
    if not keys:
        raise ValueError(f"{path} holds no age identity (a line AGE-SECRET-KEY-1...)")
    try:
        return [age.x25519.Identity.from_str(key) for key in keys]
    except Exception:  # noqa: BLE001 - pyrage's IdentityError; the key is not echoed
        raise ValueError(f"{path}: an identity line is not a valid age key") from None


def new_identity() -> tuple[str, str]:
    """A new age key pair: (secret identity line, public recipient)."""
    identity = _age().x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(AGE_HEADER)) == AGE_HEADER


def encrypt_file(plain: Path, target: Path, recipients: list[Any]) -> None:
    """Encrypt ``plain`` to ``target`` for ``recipients`` (0600, temporary file then rename)."""
    with plain.open("rb") as reader, atomic_write(target, binary=True) as writer:
        _age().encrypt_io(reader, writer, recipients)


def decrypt_file(encrypted: Path, target: Path, identities: list[Any]) -> None:
    """Decrypt ``encrypted`` into ``target`` (0600); a wrong key is one line."""
    try:
        with encrypted.open("rb") as reader, atomic_write(target, binary=True) as writer:
            _age().decrypt_io(reader, writer, identities)
    except OSError:
        raise
    except Exception:  # noqa: BLE001 - pyrage's DecryptError (wrong key, damaged file): one line
        raise ValueError(f"cannot decrypt {encrypted}: no matching identity, or the file is damaged") from None

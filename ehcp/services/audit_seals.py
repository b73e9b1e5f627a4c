"""External anchors for the audit trail: seals (``ehcp audit seal``, ``audit verify --against``) and
the record a restore leaves outside and inside the restored database.

A seal is one JSON line: ``{"head", "records", "last_id", "at", "database", "mac"}`` - the hash of
the last record, how many records, the last id, when, and an HMAC of those with the audit key. Kept
outside the database (another machine, a write-once store, a ticket), it lets ``verify --against``
detect what a keyed chain alone cannot: the last records deleted (truncation) or the database put
back to an older state (rollback), including by ``ehcp db restore``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ehcp.config import Settings
from ehcp.files import database_files
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.store import audit
from ehcp.store.audit_key import key_path
from ehcp.store.backup import sqlite_path
from ehcp.store.db import safe_url


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def protected_files(settings: Settings) -> set[Path]:
    """The database, its journals and the audit key, which no seal or log line may be appended to."""
    key = key_path(settings.database_url, settings.audit_key_file).resolve()
    return {*database_files(settings.database_url), key}


def append_line(path: Path, line: str, settings: Settings) -> None:
    """Append one line to ``path`` (created 0600; its folder must exist)."""
    if path.expanduser().resolve() in protected_files(settings):
        raise Refused(f"{path} is the database or one of its files; choose a file outside it")
    try:
        fd = os.open(path.expanduser(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise Refused(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")


def seal(ctx: ServiceContext, append: Path | None = None) -> dict[str, Any]:
    """The head of the trail now (and append it as a line to ``append``)."""
    with ctx.uow(write=False) as uow:
        head = audit.head(uow.session)
        document: dict[str, Any] = {"head": head.head, "records": head.records, "last_id": head.last_id,
                                    "at": _now(), "database": safe_url(ctx.settings.database_url)}
        document["mac"] = audit.seal_mac(uow.session, document)
    if append is not None:
        append_line(append, json.dumps(document, sort_keys=True), ctx.settings)
    return document


@dataclass(frozen=True)
class Against:
    seals: int
    problems: list[audit.SealCheck]
    latest: str | None


def check_against(ctx: ServiceContext, seals: Path) -> Against:
    """Check every seal in ``seals`` (one JSON object a line) against the trail now."""
    try:
        lines = seals.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise Refused(f"cannot read the seals file {seals}: {exc.strerror}") from None
    checks: list[audit.SealCheck] = []
    count, latest = 0, None
    with ctx.uow(write=False) as uow:
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                document = json.loads(line)
            except json.JSONDecodeError:
                checks.append(audit.SealCheck(number, "?", "not a seal line (not JSON)"))
                continue
            if not isinstance(document, dict):
                checks.append(audit.SealCheck(number, "?", "not a seal line (not a JSON object)"))
                continue
            count += 1
            checked = audit.check_seal(uow.session, number, document)
            latest = checked.at
            if checked.problem is not None:
                checks.append(checked)
    return Against(count, checks, latest)


# -- restore ---------------------------------------------------------------------------------------
def restore_log(settings: Settings) -> Path:
    """``<database>.restore-log``: one JSON line per restore, outside the file a restore replaces."""
    db = sqlite_path(settings.database_url).resolve()
    return db.with_name(db.name + ".restore-log")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def head_before(ctx: ServiceContext) -> dict[str, Any]:
    """The head of the trail about to be replaced (empty if the database cannot be read)."""
    try:
        with ctx.uow(write=False) as uow:
            head = audit.head(uow.session)
    except Exception:  # noqa: BLE001 - a broken or empty database being replaced has no head to note
        return {}
    return {"head": head.head, "records": head.records, "last_id": head.last_id}


def record_restore(ctx: ServiceContext, backup: Path, sha256: str, replaced: dict[str, Any]) -> dict[str, Any]:
    """After a restore: a line in the restore log beside the database, then a ``db_restored``
    record in the restored database's own trail (naming the backup's SHA-256, who and when)."""
    entry: dict[str, Any] = {"event": "db_restored", "at": _now(), "by": ctx.actor, "backup": str(backup),
                             "sha256": sha256, "replaced": replaced}
    append_line(restore_log(ctx.settings), json.dumps(entry, sort_keys=True), ctx.settings)
    with ctx.uow() as uow:
        restored = audit.head(uow.session)
        uow.audit.append(actor=ctx.actor, action="db_restored",
                         detail={"backup": backup.name, "sha256": sha256, "replaced_head": replaced.get("head"),
                                 "replaced_records": replaced.get("records"), "restored_head": restored.head,
                                 "restored_records": restored.records})
        uow.commit()
    return entry


def key_the_chain(settings: Settings) -> bool:
    """Start the keyed chain after an upgrade (the owner role sees every case's events)."""
    ctx = ServiceContext(settings)
    with ctx.uow() as uow:
        started = audit.start_keyed_chain(uow.session, ctx.actor)
        uow.commit()
    return started

"""The audit trail's HMAC key: held in a file outside the database, never printed, never logged.

``EHCP_AUDIT_KEY_FILE`` names the file. Without it the key is generated on first use: beside a
SQLite database (``<database>.audit-key``), or for PostgreSQL in the user's data directory
(``~/.local/share/ehcp/audit-keys/<host>-<port>-<database>.key``) with a warning that production
should set ``EHCP_AUDIT_KEY_FILE`` (every person's client must read the same key). The file is
created 0600 (its folder 0700), atomically: two processes starting at once agree on one key.

A missing key is never replaced by a new one once the trail holds keyed records (that would make
the whole trail unverifiable): writing is refused, naming the file.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from ehcp.config import default_data_dir
from ehcp.files import create_secret_file

log = logging.getLogger("ehcp.audit")

_KEYS: dict[Path, bytes] = {}
KEY_BYTES = 32


class AuditKeyMissing(RuntimeError):
    """The trail is keyed but its key file cannot be read: refused with one line."""


def default_key_path(url: str) -> Path:
    """Where the key lives when ``EHCP_AUDIT_KEY_FILE`` is not set."""
    u = make_url(url)
    if u.drivername.startswith("sqlite"):
        database = u.database or ""
        if database in ("", ":memory:"):
            return default_data_dir() / "memory.audit-key"
        path = Path(database).expanduser().resolve()
        return path.with_name(path.name + ".audit-key")
    name = "-".join(str(p) for p in (u.host or "local", u.port or 5432, u.database or "postgres"))
    return default_data_dir() / "audit-keys" / (re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".key")


def key_path(url: str, configured: str | Path | None) -> Path:
    return Path(configured).expanduser() if configured else default_key_path(url)


def read_key(path: Path) -> bytes | None:
    """The key in ``path`` (cached per process), or None if there is no such file."""
    cached = _KEYS.get(path)
    if cached is not None:
        return cached
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuditKeyMissing(f"cannot read the audit key file {path}: {exc.strerror}") from None
    key = raw.strip()
    if len(key) < 16:
        raise AuditKeyMissing(f"the audit key file {path} is empty or too short (at least 16 bytes)")
    _KEYS[path] = key
    return key


def create_key(path: Path, *, warn_production: bool) -> bytes:
    """Generate a new key in ``path`` (0600; folder 0700), unless another process just did."""
    if create_secret_file(path, secrets.token_hex(KEY_BYTES) + "\n"):
        log.warning("created the audit key file %s (0600); keep a copy apart from the database backups%s",
                    path, "; production should set EHCP_AUDIT_KEY_FILE" if warn_production else "")
    key = read_key(path)
    if key is None:  # pragma: no cover - the file was linked or already there
        raise AuditKeyMissing(f"cannot create the audit key file {path}")
    return key


def forget() -> None:
    """Drop the cached keys (tests that swap key files)."""
    _KEYS.clear()

"""Files the product writes: private, never over the live database, never half-written.

Everything ehcp writes holds personal data about children, so every file it creates is 0600 (owner
read/write) and every folder it creates 0700: the command line also sets the umask to 077
(:func:`private_umask`), so files made by libraries (SQLite's ``-wal``/``-shm``, the online backup)
are private too; SQLite gives its journals the main file's mode, which :func:`create_private_file`
sets before SQLite first opens it.

An export (``--out FILE``) goes through :func:`check_out` then :func:`atomic_write`: an existing file
is refused unless ``force``; the live SQLite database and its ``-wal``, ``-shm`` and ``-journal`` are
always refused (their resolved paths are compared, so a symlink or ``./`` does not get round it); the
data goes to a temporary 0600 file in the same folder, is fsynced, then renamed over the target, so a
crash leaves the old file or the new one, never half of one.

Stdlib only: the store, the reports and the command line all use it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PRIVATE_UMASK = 0o077
DATABASE_SIDES = ("", "-wal", "-shm", "-journal")


class UnsafeFile(ValueError):
    """A file ehcp will not write (exists without --force, is the live database, is a folder): one line."""


def private_umask() -> int:
    """Set the process umask to 077 (files 0600, folders 0700 whoever creates them); returns the old one."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: str | Path) -> Path:
    """Create ``path`` and any missing parents as 0700 folders; folders that exist are left as they are."""
    folder = Path(path).expanduser()
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            created.mkdir(mode=PRIVATE_DIR)
            os.chmod(created, PRIVATE_DIR)  # mkdir's mode is masked by the umask; say it exactly
    return folder


def create_private_file(path: str | Path) -> Path:
    """Create ``path`` empty and 0600 (its folder 0700 if made here) unless it exists; return it."""
    target = Path(path).expanduser()
    private_dir(target.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    return target


def create_secret_file(path: str | Path, content: str) -> bool:
    """Create ``path`` (0600, its folder 0700) holding ``content`` unless it exists; True if this
    process created it. The content is written to a private temporary file first and linked into
    place, so two processes starting at once agree on one file and nobody reads it half-written (the
    key files: the audit key, the link signing key)."""
    target = Path(path).expanduser()
    private_dir(target.parent)
    temp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        try:
            os.link(temp, target)  # atomic: fails if the file is already there
        except FileExistsError:
            return False
        return True
    finally:
        temp.unlink(missing_ok=True)


def sqlite_file(database_url: str | None) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for PostgreSQL, in-memory or no URL)."""
    if not database_url or not database_url.startswith("sqlite:///") or ":memory:" in database_url:
        return None
    return Path(database_url.removeprefix("sqlite:///").split("?", 1)[0]).expanduser()


def database_files(database_url: str | None) -> set[Path]:
    """The resolved paths of the live SQLite database and its journals (empty for PostgreSQL)."""
    main = sqlite_file(database_url)
    if main is None:
        return set()
    resolved = main.resolve()
    return {resolved.with_name(resolved.name + side) for side in DATABASE_SIDES}


def check_out(path: str | Path, *, force: bool = False, database_url: str | None = None) -> Path:
    """Refuse to write ``path`` if it is the live database or one of its journals (always), a folder,
    or an existing file without ``force``. Returns the path."""
    target = Path(path).expanduser()
    if target.resolve() in database_files(database_url):
        raise UnsafeFile(f"{path} is the live database or its journal; write the export somewhere else")
    if target.is_dir():
        raise UnsafeFile(f"{path} is a folder; give a file name")
    if (target.exists() or target.is_symlink()) and not force:
        raise UnsafeFile(f"{path} already exists; add --force to replace it")
    return target


@overload
def atomic_write(path: str | Path, *, binary: Literal[False] = ...) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_write(path: str | Path, *, binary: Literal[True]) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic_write(path: str | Path, *, binary: bool = False) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open a temporary 0600 file beside ``path`` (its folder must exist); on a clean exit fsync it and
    rename it over ``path`` (text: UTF-8, newlines as written). On an error the temporary file is
    removed and ``path`` is untouched."""
    return _atomic(Path(path).expanduser(), binary)


@contextlib.contextmanager
def _atomic(target: Path, binary: bool) -> Iterator[IO[Any]]:
    import tempfile  # noqa: PLC0415 - imports random (~10 ms): only a command writing a file needs it

    folder = target.parent  # an export's folder must exist: a typo in it is "cannot write", not a new tree
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)  # 0600
    try:
        stream: IO[Any] = (os.fdopen(handle, "wb") if binary
                           else os.fdopen(handle, "w", encoding="utf-8", newline=""))
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """fsync the folder so the rename itself survives a power cut (not possible on every system)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_private(path: str | Path, data: str | bytes, *, force: bool = False,
                  database_url: str | None = None) -> Path:
    """:func:`check_out` then write ``data`` (text as UTF-8) through :func:`atomic_write`."""
    target = check_out(path, force=force, database_url=database_url)
    if isinstance(data, bytes):
        with atomic_write(target, binary=True) as raw:
            raw.write(data)
    else:
        with atomic_write(target) as text:
            text.write(data)
    return target


# Cells a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @, tab, carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would run as a formula: it starts with = + - @, tab or CR and is
    not simply a number written as text ("-3" is a number, "-" alone is a dash)."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS) and value != "-"
            and not _NUMBER.match(value))


def csv_cell(value: Any) -> Any:
    """A CSV cell: formula-like text gets a leading ``'`` so a spreadsheet shows it as text; numbers
    (negative ones too) and other text are unchanged."""
    return "'" + value if is_formula_like(value) else value

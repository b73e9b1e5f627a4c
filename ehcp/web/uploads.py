"""The advice file a partner may upload: PDF or DOCX, recognised by its bytes (not its name alone),
within the size limit. Standard library only."""

from __future__ import annotations

import hashlib
import io
import zipfile

from ehcp.services.advice_portal import Upload

TYPES = {"pdf": ".pdf", "docx": ".docx"}


class BadUpload(ValueError):
    """A file refused: ``str(exc)`` is the message shown beside the field."""


def file_type(data: bytes) -> str | None:
    """'pdf' or 'docx' from the file's own bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
    return None


def check_upload(name: str, data: bytes, limit_bytes: int) -> Upload:
    """The file as an Upload, or BadUpload naming what is wrong with it."""
    if len(data) > limit_bytes:
        raise BadUpload(f"The file must be smaller than {limit_bytes // (1024 * 1024)} MB")
    if not data:
        raise BadUpload("The selected file is empty")
    kind = file_type(data)
    if kind is None:
        raise BadUpload("The selected file must be a PDF or a Word document (DOCX)")
    if not name.lower().endswith(TYPES[kind]):
        raise BadUpload(f"The selected file is a {kind.upper()} but its name does not end in {TYPES[kind]}")
    return Upload(name.replace("\\", "/").rsplit("/", 1)[-1], kind, data, hashlib.sha256(data).hexdigest())

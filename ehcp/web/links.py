"""Signed advice-return links (issue 20): the key, the token, and its check. Standard library only,
so the nightly chase signs links without loading the web application.

A link is ``<web_base_url>/advice-return/<token>`` with the token
``<request id>.<generation>.<expiry YYYYMMDD>.<c|e>.<signature>``: the request, the link generation
(``ehcp advice revoke-links`` bumps it, so every link signed before stops working), the last day it
works, and which of the partner's addresses it was sent to (``c`` the contact, ``e`` the escalation
contact). The signature is HMAC-SHA256 over those fields, a purpose label and the address itself,
so a link is bound to one request, one recipient and one use, and carries no personal data.

The key lives outside the database: the file named by ``EHCP_SECRET_KEY_FILE``, else
``ehcp-secret.key`` beside the database, created on first use (0600, 32 random bytes, hex).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import stat
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ehcp.config import BadSetting, Settings, secret_key_path
from ehcp.files import create_secret_file

PATH = "/advice-return/"  # the one path ``ehcp web serve`` exposes
EXPIRY_DAYS_AFTER_DUE = 42  # a link works until six weeks after the advice was due
PURPOSE = b"ehcp-advice-return-v1"
CONTACT, ESCALATION = "c", "e"
_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,6})\.(\d{8})\.([ce])\.([A-Za-z0-9_-]{43})$")


def load_key(settings: Settings) -> bytes:
    """The signing key. The embedded default file is created on first use (0600); a key file that
    others can read, or a short one, is refused (BadSetting)."""
    path = secret_key_path(settings)
    if not path.exists():
        if settings.secret_key_file:
            raise BadSetting(f"EHCP_SECRET_KEY_FILE {path} does not exist")
        create_secret_file(path, secrets.token_hex(32) + "\n")  # another process's, if it was first
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise BadSetting(f"the link signing key {path} is readable by others; chmod 600 it")
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise BadSetting(f"the link signing key {path} is too short (at least 32 characters)")
    return key


@dataclass(frozen=True)
class Claim:
    """What a token says, before its signature is checked against the recipient's address."""

    request_id: int
    generation: int
    expires: date
    role: str
    signature: str

    @property
    def token(self) -> str:
        return f"{self.request_id}.{self.generation}.{self.expires:%Y%m%d}.{self.role}.{self.signature}"


def expiry_for(due: date) -> date:
    return due + timedelta(days=EXPIRY_DAYS_AFTER_DUE)


def _signature(key: bytes, request_id: int, generation: int, expires: date, role: str, address: str) -> str:
    message = b"\n".join([PURPOSE, str(request_id).encode(), str(generation).encode(),
                          f"{expires:%Y%m%d}".encode(), role.encode(), address.strip().lower().encode()])
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(key: bytes, request_id: int, generation: int, expires: date, role: str, address: str) -> str:
    """The token of a link for ``request_id`` sent to ``address`` (``role`` c or e)."""
    return Claim(request_id, generation, expires, role,
                 _signature(key, request_id, generation, expires, role, address)).token


def parse(token: str) -> Claim | None:
    """The token's fields, or None if it is not one of ours in shape."""
    match = _TOKEN.match(token)
    if not match:
        return None
    request_id, generation, expires, role, signature = match.groups()
    try:
        day = date(int(expires[:4]), int(expires[4:6]), int(expires[6:]))
    except ValueError:
        return None
    return Claim(int(request_id), int(generation), day, role, signature)


def signed_by(key: bytes, claim: Claim, address: str) -> bool:
    """True when ``claim`` was signed with ``key`` for ``address`` (constant-time comparison)."""
    expected = _signature(key, claim.request_id, claim.generation, claim.expires, claim.role, address)
    return hmac.compare_digest(expected, claim.signature)


def csrf_token(key: bytes, token: str, cookie: str) -> str:
    """The form's hidden field: bound to the link and to the browser's cookie (double submit, signed)."""
    digest = hmac.new(key, b"\n".join([b"ehcp-csrf-v1", token.encode(), cookie.encode()]), hashlib.sha256)
    return digest.hexdigest()


@dataclass(frozen=True)
class LinkMaker:
    """Signs the links a night's partner digests carry (one key read a night)."""

    key: bytes
    base_url: str

    def url(self, request_id: int, generation: int, due: date, recipient: str, partner_email: str | None) -> str:
        role = CONTACT if recipient == partner_email else ESCALATION
        token = sign(self.key, request_id, generation, expiry_for(due), role, recipient)
        return f"{self.base_url.rstrip('/')}{PATH}{token}"


def link_maker(settings: Settings) -> LinkMaker | None:
    """The digests' link signer, or None when ``web_base_url`` is not set (digests carry no link)."""
    if not settings.web_base_url:
        return None
    return LinkMaker(load_key(settings), settings.web_base_url)


def key_file(settings: Settings) -> Path:
    return secret_key_path(settings)

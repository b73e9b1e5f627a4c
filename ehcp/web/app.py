"""The advice-return application (Starlette): ``GET`` and ``POST /advice-return/<token>``, and
``/advice-return/health`` for the reverse proxy's checks. Nothing else is served.

Every request to a link counts against two rate limits (per link, per client address) before the
link is even checked; a refused request - invalid, withdrawn, expired or used link, a form without
its CSRF token, too large, too many attempts - gets a page saying so and records nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ehcp.config import Settings
from ehcp.services.advice_portal import (
    CLOSED,
    EXPIRED,
    INVALID,
    REVOKED,
    USED,
    LinkRefused,
    LinkView,
    count_hit,
    open_link,
    request_of,
    return_advice,
)
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.identity import authenticated
from ehcp.web import links, pages
from ehcp.web.uploads import BadUpload, check_upload

CSRF_COOKIE = "ehcp_csrf"
_STATUS = {INVALID: 404, REVOKED: 410, EXPIRED: 410, USED: 409, CLOSED: 410}
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",  # the link is a capability: never leak it in a Referer
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Limits:
    """Requests allowed per hour: to one link, and from one client address (a council's proxy or a
    partner's office may put many people behind one address)."""

    per_link: int = 20
    per_address: int = 300
    window: timedelta = timedelta(hours=1)


class BodyTooLarge(Exception):
    """The request body passed the upload limit (the rest is not read)."""


class BodyLimit:
    """Stop reading a request body past ``limit`` bytes, whether or not it declared its length."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        total = 0

        async def capped() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.limit:
                    raise BodyTooLarge
            return message

        await self.app(scope, capped, send)


def create_app(settings: Settings, *, limits: Limits | None = None) -> Starlette:
    """The application over ``settings`` (database, today, upload limit); the signing key is read
    (or created) now, so a bad key stops the server at start-up, not at the first partner."""
    key = links.load_key(settings)
    limits = limits or Limits()
    # on PostgreSQL with login roles the database takes the actor from the session: keep it, and name
    # the partner in the reason (SQLite, or the owner role: the actor is the partner's address)
    served_as = authenticated(settings)
    actor_from_link = served_as is settings
    ctx = ServiceContext(served_as)
    upload_limit = settings.web_upload_limit_mb * 1024 * 1024
    body_limit = upload_limit + 64 * 1024  # the form's other fields and multipart framing

    def html(text: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(text, status_code=status, headers=_HEADERS)

    def refused(why: str, detail: str | None = None, status: int | None = None) -> HTMLResponse:
        return html(pages.refusal_page(why, detail), status or _STATUS.get(why, 400))

    async def too_busy(request: Request, token: str) -> bool:
        request_id = request_of(token)
        client = request.client.host if request.client else "unknown"
        buckets = [f"addr:{client}"[:120]] + ([f"link:{request_id}"] if request_id is not None else [])
        counts = await run_in_threadpool(count_hit, ctx, buckets, window=limits.window)
        return (counts.get(f"addr:{client}"[:120], 0) > limits.per_address
                or (request_id is not None and counts.get(f"link:{request_id}", 0) > limits.per_link))

    def csrf_for(request: Request, token: str) -> tuple[str, str]:
        cookie = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        return cookie, links.csrf_token(key, token, cookie)

    def with_cookie(response: Response, request: Request, cookie: str, token: str) -> Response:
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path=f"{links.PATH}{token}")
        return response

    async def link(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            if await too_busy(request, token):
                return refused("busy", status=429)
            view = await run_in_threadpool(open_link, ctx, token, key)
            if request.method == "GET":
                cookie, csrf = csrf_for(request, token)
                return with_cookie(html(pages.form_page(view, csrf)), request, cookie, token)
            return await submit(request, view)
        except LinkRefused as exc:
            return refused(exc.why)
        except BodyTooLarge:
            return refused("too_large", f"The largest file accepted is {settings.web_upload_limit_mb} MB.", 413)

    async def submit(request: Request, view: LinkView) -> Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > body_limit:
            return refused("too_large", f"The largest file accepted is {settings.web_upload_limit_mb} MB.", 413)
        try:
            form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
        except MultiPartException:
            return refused("bad_form")
        cookie = request.cookies.get(CSRF_COOKIE)
        sent = str(form.get("csrf") or "")
        if not cookie or not secrets.compare_digest(sent, links.csrf_token(key, view.token, cookie)):
            return refused("csrf", status=403)
        values = {name: str(form.get(name) or "").strip() for name in ("sent-day", "sent-month", "sent-year")}
        errors: list[tuple[str, str]] = []
        sent_on = _sent_on(values, view, ctx.today, errors)
        upload = None
        item = form.get("advice-file")
        if isinstance(item, UploadFile) and (item.filename or item.size):
            data = await item.read(upload_limit + 1)
            try:
                upload = check_upload(item.filename or "", data, upload_limit)
            except BadUpload as exc:
                errors.append(("advice-file", str(exc)))
        await form.close()
        if errors or sent_on is None:
            _, csrf = csrf_for(request, view.token)
            return html(pages.form_page(view, csrf, errors=errors, values=values), 400)
        try:
            await run_in_threadpool(lambda: return_advice(ctx, view.token, key, sent_on=sent_on, upload=upload,
                                                          actor_from_link=actor_from_link))
        except LinkRefused as exc:
            return refused(exc.why)
        except Refused as exc:  # the dates, checked again by the service
            _, csrf = csrf_for(request, view.token)
            return html(pages.form_page(view, csrf, errors=[("sent-day", str(exc).capitalize())], values=values), 400)
        return html(pages.confirmation_page(view, sent_on, upload.sha256 if upload else None))

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok", headers=_HEADERS)

    async def not_found(request: Request, exc: Exception) -> Response:
        return html(pages.not_found_page(), 404)

    app = Starlette(routes=[Route(f"{links.PATH}health", health, methods=["GET"]),
                            Route(links.PATH + "{token}", link, methods=["GET", "POST"])],
                    exception_handlers={404: not_found, 405: not_found})
    app.add_middleware(BodyLimit, limit=body_limit)
    return app


def _sent_on(values: dict[str, str], view: LinkView, today: date, errors: list[tuple[str, str]]) -> date | None:
    """The date typed into the day, month and year fields, or None with an error appended."""
    what = "The date the advice was sent"
    if not any(values.values()):
        errors.append(("sent-day", "Enter the date the advice was sent"))
        return None
    parts = [values["sent-day"], values["sent-month"], values["sent-year"]]
    if not all(p.isdigit() for p in parts) or len(values["sent-year"]) != 4:
        errors.append(("sent-day", f"{what} must be a real date, with a day, month and 4-digit year"))
        return None
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors.append(("sent-day", f"{what} must be a real date"))
        return None
    if day > today:
        errors.append(("sent-day", f"{what} must be today or in the past"))
        return None
    if day < view.requested_on:
        requested = pages.long_date(view.requested_on)
        errors.append(("sent-day", f"{what} must be on or after the request date, {requested}"))
        return None
    return day

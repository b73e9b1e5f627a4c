"""Advice-return links over HTTP (issue 20), on both databases: the nightly digest signs one link per
request, the page records ``advice received`` through the recording pipeline (channel portal, actor
the partner's address, audited), and every bad input - tampered, revoked, expired or used links, a
missing CSRF token, wrong or oversized files, dates in the future or before the request, floods - is
refused with its own page and records nothing.

Scenario: tests/integration/test_chase.py (EHC-2025-00001 psychological from the EP Service, due 26
May 2025; EHC-2025-00002 psychological due 28 May), chased on 28 May 2025.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from ehcp.chase.deadlines import DEADLINE_DIGEST
from ehcp.chase.night import run_night
from ehcp.notify.outbox import OutboxNotifier
from ehcp.services.context import ServiceContext
from ehcp.store.models import AdviceRequest, AdviceReturn, AuditRecord, Deadline
from ehcp.web import links
from ehcp.web.app import Limits, create_app
from tests.integration.test_chase import EP, Scenario, build_scenario

BASE = "https://advice.la.example"
NIGHT = date(2025, 5, 28)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINK = re.compile(r"^  (EHC-\d{4}-\d{5}) (\w+): (\S+)\r?$", re.M)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def scenario(db_url, make_ctx, tmp_path) -> Scenario:
    base = build_scenario(db_url, make_ctx, tmp_path)
    key = tmp_path / "secret.key"
    key.write_text("k" * 64)
    key.chmod(0o600)
    settings = replace(base.ctx.settings, web_base_url=BASE, secret_key_file=str(key), today_override=NIGHT)
    return Scenario(ServiceContext(settings), base.outbox, base.refs)


def client(scenario: Scenario, limits: Limits | None = None, address: str = "192.0.2.1", **settings) -> TestClient:
    return TestClient(create_app(replace(scenario.ctx.settings, **settings), limits=limits or Limits()),
                      base_url="https://testserver", client=(address, 50000))


def digest_links(scenario: Scenario, to: str = EP) -> dict[str, str]:
    """(reference kind) -> link path, from the last digest the chase wrote to ``to``."""
    mail = [e for e in scenario.emails() if e["To"] == to][-1].get_content()
    return {f"{ref} {kind}": url.removeprefix(BASE) for ref, kind, url in LINK.findall(mail)}


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)


def submit(web: TestClient, path: str, *, day: str = "27", month: str = "5", year: str = "2025",
           file: tuple[str, bytes] | None = ("advice.pdf", PDF), token: str | None = None):
    page = web.get(path)
    data = {"csrf": token if token is not None else csrf(page.text), "sent-day": day, "sent-month": month,
            "sent-year": year}
    files = {"advice-file": (file[0], file[1], "application/octet-stream")} if file else None
    return web.post(path, data=data, files=files)


def state(scenario: Scenario, reference: str = "EHC-2025-00001") -> tuple:
    """What a return writes: the request's receipt, its return row and advice_received audit records."""
    with scenario.ctx.uow(write=False) as uow:
        request = uow.session.scalars(select(AdviceRequest).where(AdviceRequest.id == 1)).one()
        returns = uow.session.scalars(select(AdviceReturn)).all()
        audits = uow.session.scalars(select(AuditRecord).where(AuditRecord.action == "advice_received")).all()
        return request.received_on, request.received_via, len(returns), len(audits)


NOTHING = (None, None, 0, 0)


@pytest.fixture
def chased(scenario) -> dict[str, str]:
    scenario.run(NIGHT)
    return digest_links(scenario)


def test_digest_carries_one_signed_link_per_request_without_personal_data(scenario, chased):
    assert set(chased) == {"EHC-2025-00001 psychological", "EHC-2025-00002 psychological"}
    for path in chased.values():
        assert path.startswith(links.PATH)
        token = path.removeprefix(links.PATH)
        claim = links.parse(token)
        assert claim is not None and claim.role == links.CONTACT
        # bound to the address it was sent to: another address does not verify
        assert links.signed_by(b"k" * 64, claim, EP) and not links.signed_by(b"k" * 64, claim, "x@nhs.example")
        for private in ("ep@", "nhs", "Alex", "Example", "A.E.", "2016"):
            assert private not in path
    # expires six weeks after the due date (26 May)
    assert links.parse(chased["EHC-2025-00001 psychological"].removeprefix(links.PATH)).expires == date(2025, 7, 7)


def test_without_web_base_url_the_digest_has_no_link(db_url, make_ctx, tmp_path):
    plain = build_scenario(db_url, make_ctx, tmp_path)
    plain.run(NIGHT)
    assert "advice-return" not in "".join(e.get_content() for e in plain.emails())
    assert not list(tmp_path.glob("*.key"))


def test_a_valid_return_records_the_advice_via_portal_audited_and_stops_the_chase(scenario, chased):
    web = client(scenario)
    path = chased["EHC-2025-00001 psychological"]
    page = web.get(path)
    assert page.status_code == 200
    for shown in ("EHC-2025-00001", "A.E.", "4 May 2016", "Psychological advice", "26 May 2025"):
        assert shown in page.text
    for hidden in ("Alex", "Example", "parents separated", EP):
        assert hidden not in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and "script" not in page.text
    done = submit(web, path)
    assert done.status_code == 200 and "Advice recorded" in done.text
    assert state(scenario) == (date(2025, 5, 27), "portal", 1, 1)
    import hashlib

    with scenario.ctx.uow(write=False) as uow:
        audit = uow.session.scalars(select(AuditRecord).where(AuditRecord.action == "advice_received")).one()
        back = uow.session.scalars(select(AdviceReturn)).one()
        clock = uow.session.scalars(select(Deadline).where(Deadline.advice_request_id == 1)).one()
        assert audit.actor == EP and "portal" in (audit.reason or "")
        assert back.recipient == EP and back.file_type == "pdf" and back.file_data == PDF
        assert back.file_sha256 == hashlib.sha256(PDF).hexdigest() and back.file_sha256 in (audit.reason or "")
        assert clock.state != "pending"  # met or missed: settled, no longer chased
    # the next night's digest to the partner lists the other request only
    scenario.run(date(2025, 5, 29))
    after = digest_links(scenario)
    assert set(after) == {"EHC-2025-00002 psychological"}


def test_a_late_return_still_records_its_real_date_and_a_docx_is_accepted(scenario, chased):
    web = client(scenario)
    done = submit(web, chased["EHC-2025-00001 psychological"], day="28", file=("advice.docx", docx_bytes()))
    assert done.status_code == 200
    assert state(scenario)[:2] == (date(2025, 5, 28), "portal")
    with scenario.ctx.uow(write=False) as uow:
        assert uow.session.scalars(select(AdviceReturn.file_type)).one() == "docx"


def test_a_second_submission_on_the_same_link_is_refused_politely(scenario, chased):
    web = client(scenario)
    path = chased["EHC-2025-00001 psychological"]
    page = web.get(path)
    first = web.post(path, data={"csrf": csrf(page.text), "sent-day": "27", "sent-month": "5", "sent-year": "2025"})
    assert first.status_code == 200
    again = web.post(path, data={"csrf": csrf(page.text), "sent-day": "27", "sent-month": "5", "sent-year": "2025"})
    assert again.status_code == 409 and "already been recorded" in again.text
    assert web.get(path).status_code == 409
    assert state(scenario) == (date(2025, 5, 27), "portal", 1, 1)


@pytest.mark.parametrize("tamper", ["signature", "request", "generation", "expiry", "role", "garbage"])
def test_a_tampered_link_is_refused_and_records_nothing(scenario, chased, tamper):
    path = chased["EHC-2025-00001 psychological"]
    request_id, generation, expires, role, signature = path.removeprefix(links.PATH).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    changed = {"signature": [request_id, generation, expires, role, flipped],
               "request": ["2", generation, expires, role, signature],
               "generation": [request_id, "2", expires, role, signature],
               "expiry": [request_id, generation, "20991231", role, signature],
               "role": [request_id, generation, expires, "e", signature],
               "garbage": ["x"]}[tamper]
    web = client(scenario)
    bad = links.PATH + ".".join(changed)
    page = web.get(bad)
    assert page.status_code == 404 and "This link is not valid" in page.text
    posted = web.post(bad, data={"csrf": "0", "sent-day": "27", "sent-month": "5", "sent-year": "2025"})
    assert posted.status_code == 404
    assert state(scenario) == NOTHING


def test_an_expired_link_is_refused(scenario, chased):
    web = client(scenario, today_override=date(2025, 7, 8))  # the day after 26 May + 42 days
    path = chased["EHC-2025-00001 psychological"]
    assert web.get(path).status_code == 410 and "expired" in web.get(path).text
    assert client(scenario, today_override=date(2025, 7, 7)).get(path).status_code == 200
    assert state(scenario) == NOTHING


def test_revoked_links_are_refused_and_the_next_digest_carries_a_fresh_one(scenario, chased):
    from ehcp.services.advice_portal import revoke_links

    path = chased["EHC-2025-00001 psychological"]
    web = client(scenario)
    page = web.get(path)
    assert revoke_links(scenario.ctx, "EHC-2025-00001") == 1
    posted = web.post(path, data={"csrf": csrf(page.text), "sent-day": "27", "sent-month": "5", "sent-year": "2025"})
    assert posted.status_code == 410 and "withdrawn" in posted.text
    assert state(scenario) == NOTHING
    with scenario.ctx.uow(write=False) as uow:
        assert uow.session.scalars(select(AuditRecord).where(AuditRecord.action == "advice_links_revoked")).one()
    scenario.run(date(2025, 5, 29))
    fresh = digest_links(scenario)["EHC-2025-00001 psychological"]
    assert fresh != path and web.get(fresh).status_code == 200
    assert web.get(chased["EHC-2025-00002 psychological"]).status_code == 200  # another case's: untouched


def test_a_form_without_its_csrf_token_or_cookie_is_refused(scenario, chased):
    path = chased["EHC-2025-00001 psychological"]
    web = client(scenario)
    assert submit(web, path, token="").status_code == 403
    assert submit(web, path, token="0" * 64).status_code == 403
    stranger = client(scenario)  # a page opened in another browser: the cookie does not match
    token = csrf(web.get(path).text)
    forged = stranger.post(path, data={"csrf": token, "sent-day": "27", "sent-month": "5", "sent-year": "2025"})
    assert forged.status_code == 403 and "could not be sent" in forged.text
    assert state(scenario) == NOTHING


@pytest.mark.parametrize(("day", "month", "year", "message"), [
    ("29", "5", "2025", "must be today or in the past"),
    ("13", "4", "2025", "on or after the request date, 14 April 2025"),
    ("31", "2", "2025", "must be a real date"),
    ("x", "5", "2025", "must be a real date"),
    ("", "", "", "Enter the date the advice was sent"),
])
def test_bad_dates_are_refused_with_an_error_summary(scenario, chased, day, month, year, message):
    page = submit(client(scenario), chased["EHC-2025-00001 psychological"], day=day, month=month, year=year)
    assert page.status_code == 400
    assert "There is a problem" in page.text and message in page.text and 'href="#sent-day"' in page.text
    assert page.text.count("<title>Error: ") == 1
    assert state(scenario) == NOTHING


@pytest.mark.parametrize(("name", "data", "message"), [
    ("advice.pdf", b"MZ\x90\x00 not a pdf", "must be a PDF or a Word document"),
    ("advice.docx", b"PK\x03\x04 broken zip", "must be a PDF or a Word document"),
    ("advice.exe", PDF, "does not end in .pdf"),
    ("advice.pdf", b"", "is empty"),
])
def test_wrong_type_files_are_refused(scenario, chased, name, data, message):
    page = submit(client(scenario), chased["EHC-2025-00001 psychological"], file=(name, data))
    assert page.status_code == 400 and message in page.text and 'href="#advice-file"' in page.text
    assert state(scenario) == NOTHING


def test_an_oversized_file_is_refused(scenario, chased):
    path = chased["EHC-2025-00001 psychological"]
    web = client(scenario, web_upload_limit_mb=1)
    just_over = PDF + b"0" * (1024 * 1024)
    page = submit(web, path, file=("advice.pdf", just_over))
    assert page.status_code == 400 and "smaller than 1 MB" in page.text
    huge = submit(web, path, file=("advice.pdf", PDF + b"0" * (2 * 1024 * 1024)))
    assert huge.status_code == 413 and "too large" in huge.text
    assert state(scenario) == NOTHING


def test_floods_are_refused_per_link_and_per_address(scenario, chased):
    first, second = chased["EHC-2025-00001 psychological"], chased["EHC-2025-00002 psychological"]
    web = client(scenario, Limits(per_link=3, per_address=100))
    assert [web.get(first).status_code for _ in range(2)] == [200, 200]
    page = web.get(first)  # the 3rd request: still served
    flooded = web.post(first, data={"csrf": csrf(page.text), "sent-day": "27", "sent-month": "5", "sent-year": "2025"})
    assert flooded.status_code == 429 and "Too many attempts" in flooded.text
    assert web.get(second).status_code == 200  # another link is not held up
    crowded = client(scenario, Limits(per_link=100, per_address=2), address="198.51.100.7")
    assert [crowded.get(second).status_code for _ in range(3)] == [200, 200, 429]
    assert crowded.get("/advice-return/1.1.20250707.c." + "A" * 43).status_code == 429  # counted before the check
    assert state(scenario) == NOTHING


def test_the_caseworker_is_told_in_their_next_digest(scenario, chased):
    assert submit(client(scenario), chased["EHC-2025-00001 psychological"]).status_code == 200
    run_night(scenario.ctx, DEADLINE_DIGEST, date(2025, 5, 29), notifier=OutboxNotifier(scenario.outbox))
    mail = [e for e in scenario.emails() if e["To"] == "casey@la.example"][-1]
    body = mail.get_content()
    assert "Advice received via portal since your last digest (1)" in body
    assert "advice received via portal" in mail["Subject"]
    line = next(line for line in body.splitlines() if line.strip().startswith("EHC-2025-00001 ") and "pdf" in line)
    assert "psychological" in line and "EP Service" in line and "2025-05-27" in line
    # told once: the night after, nothing about it
    run_night(scenario.ctx, DEADLINE_DIGEST, date(2025, 5, 30), notifier=OutboxNotifier(scenario.outbox))
    later = [e for e in scenario.emails() if e["To"] == "casey@la.example"][-1].get_content()
    assert "via portal" not in later


def test_portal_returns_are_listed_and_counted_in_the_partner_league(scenario, chased):
    from ehcp.reports.partners import league_rows
    from ehcp.services.advice_views import list_advice
    from ehcp.services.views import read_connection

    with read_connection(scenario.ctx.settings) as conn:
        before = {r["partner"]: r for r in league_rows(conn, as_of=date(2025, 5, 29))}
    assert submit(client(scenario), chased["EHC-2025-00001 psychological"]).status_code == 200
    rows = list_advice(scenario.ctx.settings, received_via="portal")
    assert [(r["reference"], r["kind"], r["received_on"]) for r in rows] == [
        ("EHC-2025-00001", "psychological", date(2025, 5, 27))]
    assert list_advice(scenario.ctx.settings, received_via="email") == []
    with read_connection(scenario.ctx.settings) as conn:
        after = {r["partner"]: r for r in league_rows(conn, as_of=date(2025, 5, 29))}
    changed = {k for k in after["EP Service"] if after["EP Service"][k] != before["EP Service"][k]}
    assert changed, "the league table did not count the portal return"


def test_the_default_key_is_created_0600_beside_the_database(sqlite_url, make_ctx, tmp_path):
    from ehcp.config import BadSetting

    settings = replace(make_ctx(sqlite_url).settings, web_base_url=BASE)
    create_app(settings)
    key = tmp_path / "ehcp-secret.key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600
    assert links.load_key(settings) == key.read_bytes().strip()
    key.chmod(0o644)
    with pytest.raises(BadSetting, match="chmod 600"):
        links.load_key(settings)
    with pytest.raises(BadSetting, match="does not exist"):
        links.load_key(replace(settings, secret_key_file=str(tmp_path / "missing.key")))


def test_rate_limit_counters_keep_one_window_only(db_url, make_ctx):
    from datetime import UTC, datetime, timedelta

    from ehcp.store.models import WebHit
    from ehcp.store.portal import PortalRepository

    ctx, hour = make_ctx(db_url), timedelta(hours=1)
    start = datetime(2025, 5, 28, 9, 0, tzinfo=UTC)
    with ctx.uow() as uow:
        portal = PortalRepository(uow.session)
        assert portal.hit(["addr:a", "link:1"], at=start, window=hour) == {"addr:a": 1, "link:1": 1}
        assert portal.hit(["addr:a"], at=start + timedelta(minutes=30), window=hour) == {"addr:a": 2}
        # two hours on, another address: the old hits of every bucket are gone
        assert portal.hit(["addr:b"], at=start + 2 * hour, window=hour) == {"addr:b": 1}
        assert uow.session.scalars(select(WebHit.bucket)).all() == ["addr:b"]
        uow.commit()


def test_erasing_a_case_takes_its_returned_advice_file_and_link_state(scenario, chased):
    from ehcp.services.advice_portal import revoke_links
    from ehcp.store.models import AdviceLink

    assert submit(client(scenario), chased["EHC-2025-00001 psychological"]).status_code == 200
    revoke_links(scenario.ctx, "EHC-2025-00001")
    with scenario.ctx.uow() as uow:
        case = uow.cases.get("EHC-2025-00001")
        counts = uow.cases.erase_records(case.id)
        uow.commit()
    assert counts["advice_returns"] == 1 and counts["advice_links"] == 1
    with scenario.ctx.uow(write=False) as uow:
        assert uow.session.scalars(select(AdviceReturn)).all() == []
        assert uow.session.scalars(select(AdviceLink)).all() == []

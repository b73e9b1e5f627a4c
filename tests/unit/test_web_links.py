"""Signed advice-return links and the upload check, without a database (issue 20)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from ehcp.web import links
from ehcp.web.uploads import BadUpload, check_upload, file_type

KEY = b"0123456789abcdef" * 4


def test_a_token_round_trips_and_is_bound_to_key_address_and_every_field():
    token = links.sign(KEY, 42, 3, date(2025, 7, 7), links.CONTACT, "EP@nhs.example")
    claim = links.parse(token)
    assert claim == links.Claim(42, 3, date(2025, 7, 7), "c", token.rsplit(".", 1)[1])
    assert links.signed_by(KEY, claim, "ep@nhs.example")  # addresses compare without case
    assert not links.signed_by(KEY, claim, "other@nhs.example")
    assert not links.signed_by(b"x" * 64, claim, "ep@nhs.example")
    for other in (links.Claim(43, 3, claim.expires, "c", claim.signature),
                  links.Claim(42, 4, claim.expires, "c", claim.signature),
                  links.Claim(42, 3, date(2025, 7, 8), "c", claim.signature),
                  links.Claim(42, 3, claim.expires, "e", claim.signature)):
        assert not links.signed_by(KEY, other, "ep@nhs.example")


@pytest.mark.parametrize("token", ["", "1.1.20250707.c", "1.1.20251399.c." + "A" * 43, "1.1.20250707.x." + "A" * 43,
                                   "1.1.20250707.c." + "A" * 42, "../1.1.20250707.c." + "A" * 43])
def test_malformed_tokens_are_not_parsed(token):
    assert links.parse(token) is None


def test_links_expire_six_weeks_after_the_due_date_and_carry_no_address():
    maker = links.LinkMaker(KEY, "https://advice.la.example/")
    url = maker.url(7, 1, date(2025, 5, 26), "ep@nhs.example", "ep@nhs.example")
    assert url.startswith("https://advice.la.example/advice-return/7.1.20250707.c.")
    assert "@" not in url
    assert ".e." in maker.url(7, 1, date(2025, 5, 26), "lead@nhs.example", "ep@nhs.example")


def test_the_csrf_value_depends_on_link_and_cookie():
    one = links.csrf_token(KEY, "t1", "cookie")
    assert one == links.csrf_token(KEY, "t1", "cookie")
    assert one != links.csrf_token(KEY, "t2", "cookie") and one != links.csrf_token(KEY, "t1", "other")


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_files_are_recognised_by_their_bytes():
    assert file_type(b"%PDF-1.7 ...") == "pdf"
    assert file_type(docx()) == "docx"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("x.txt", "x")
    assert file_type(plain_zip.getvalue()) is None
    assert file_type(b"MZ\x90\x00") is None
    upload = check_upload("C:\\Users\\pat\\advice.PDF", b"%PDF-1.4", 100)
    assert upload.name == "advice.PDF" and upload.file_type == "pdf" and len(upload.sha256) == 64
    with pytest.raises(BadUpload, match="smaller than"):
        check_upload("a.pdf", b"%PDF-" + b"0" * 2 * 1024 * 1024, 1024 * 1024)

"""Notifiers: the outbox writes parseable .eml files; SMTP is exercised against a real aiosmtpd
server on 127.0.0.1 (plain, AUTH, STARTTLS and implicit TLS); GOV.UK Notify runs through the
official client with only its HTTP request layer stubbed (there is no network here)."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from ehcp.config import Settings
from ehcp.notify import Message, notifier_for
from ehcp.notify.outbox import OutboxNotifier
from ehcp.notify.smtp import SmtpDeliveryError, SmtpNotifier

MSG = Message(to="ep@nhs.example", cc=("manager@la.example", "lead@la.example"),
              subject="EHC needs assessment advice: 2 requests outstanding, 1 overdue",
              body="Dear colleague,\n\n  EHC-2025-00001  A.E.  2016-05-04  psychological\n",
              key="advice:2025-06-04:ep@nhs.example")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """Start an aiosmtpd server on a free loopback port; yields (start(**kwargs) -> (port, collector))."""
    from aiosmtpd.controller import Controller

    started = []

    def start(**kwargs):
        collector = Collector()
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port, collector

    yield start
    for controller in started:
        controller.stop()


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def parsed(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def test_outbox_writes_a_parseable_eml_per_message(tmp_path):
    notifier = OutboxNotifier(tmp_path / "outbox", mail_from="sen@la.example")
    notifier.send(MSG)
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    email = parsed(files[0].read_bytes())
    assert email["To"] == "ep@nhs.example"
    assert email["Cc"] == "manager@la.example, lead@la.example"
    assert email["From"] == "sen@la.example"
    assert email["Subject"] == MSG.subject
    assert "EHC-2025-00001  A.E." in email.get_content()
    assert email["Content-Transfer-Encoding"] == "7bit"


def test_outbox_resend_of_the_same_key_overwrites_rather_than_duplicates(tmp_path):
    notifier = OutboxNotifier(tmp_path)
    notifier.send(MSG)
    notifier.send(MSG)
    notifier.send(Message(to="x@y.example", cc=(), subject="s", body="b", key="other"))
    assert len(list(tmp_path.glob("*.eml"))) == 2
    assert not list(tmp_path.glob(".tmp-*"))


def test_smtp_delivers_to_and_cc_with_subject_and_body(smtp_server):
    port, collector = smtp_server()
    SmtpNotifier("127.0.0.1", port, mail_from="sen@la.example").send(MSG)
    [envelope] = collector.envelopes
    assert envelope.mail_from == "sen@la.example"
    assert envelope.rcpt_tos == ["ep@nhs.example", "manager@la.example", "lead@la.example"]
    email = parsed(envelope.original_content)
    assert email["Subject"] == MSG.subject
    assert email["To"] == "ep@nhs.example"
    assert "Cc" in email and "Bcc" not in email
    assert email.get_content().replace("\r\n", "\n") == MSG.body


def test_smtp_logs_in_when_configured_and_never_reveals_the_password(smtp_server):
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"sen" and auth_data.password == b"s3cret-pw"
        return AuthResult(success=ok, handled=False)

    port, collector = smtp_server(authenticator=authenticator, auth_require_tls=False)
    good = SmtpNotifier("127.0.0.1", port, mail_from="sen@la.example", user="sen", password="s3cret-pw")
    good.send(MSG)
    assert len(collector.envelopes) == 1
    assert "s3cret-pw" not in repr(good)
    bad = SmtpNotifier("127.0.0.1", port, mail_from="sen@la.example", user="sen", password="wrong-pw")
    with pytest.raises(SmtpDeliveryError) as caught:
        bad.send(MSG)
    assert "wrong-pw" not in str(caught.value)
    # host, port and the server's own reason: enough to act on (issue 19)
    assert f"SMTP server 127.0.0.1:{port}: SMTPAuthenticationError, reply 535" in str(caught.value)
    assert "Authentication" in str(caught.value)
    assert len(collector.envelopes) == 1


def test_smtp_starttls_and_implicit_tls(smtp_server, tmp_path):
    cert, key = self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    port, collector = smtp_server(tls_context=server_ctx, require_starttls=True)
    SmtpNotifier("127.0.0.1", port, mail_from="sen@la.example", tls="starttls", ssl_context=client_ctx).send(MSG)
    assert collector.envelopes[0].rcpt_tos[0] == "ep@nhs.example"
    with pytest.raises(SmtpDeliveryError):  # the server insists on STARTTLS
        SmtpNotifier("127.0.0.1", port, mail_from="sen@la.example", tls="none").send(MSG)
    port, collector = smtp_server(ssl_context=server_ctx)
    SmtpNotifier("127.0.0.1", port, mail_from="sen@la.example", tls="ssl", ssl_context=client_ctx).send(MSG)
    assert parsed(collector.envelopes[0].original_content)["Subject"] == MSG.subject


def test_smtp_connection_refused_is_one_clean_error():
    port = free_port()
    with pytest.raises(SmtpDeliveryError, match="ConnectionRefusedError") as caught:
        SmtpNotifier("127.0.0.1", port, mail_from="a@b.example", timeout=2).send(MSG)
    assert str(caught.value) == f"SMTP server 127.0.0.1:{port}: ConnectionRefusedError: Connection refused"


class FakeResponse:
    def __init__(self, status: int, payload: dict) -> None:
        self.status_code, self._payload, self.text = status, payload, str(payload)

    def json(self) -> dict:
        return self._payload

    def raise_for_status(self) -> None:
        import requests

        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code}", response=self)


SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"ehcp_test-{SERVICE_ID}-{SECRET}"
TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def test_govuk_notify_sends_one_templated_notification_per_address():
    """Uses the real notifications-python-client with only its HTTP request layer
    (``request_session.request``) stubbed: no network is available here, so nothing reaches Notify."""
    from ehcp.notify.govuk import GovUkNotifyNotifier

    calls = []

    def fake_request(method, url, **kwargs):
        calls.append((method, url, kwargs))
        return FakeResponse(201, {"id": "n-1"})

    settings = Settings(database_url="sqlite://", user="u", outbox=Path("."), notifier="govuk_notify",
                        notify_api_key=API_KEY)
    notifier = notifier_for(settings, {"default": TEMPLATE})
    assert isinstance(notifier, GovUkNotifyNotifier)
    notifier.client.request_session.request = fake_request
    notifier.send(MSG)
    assert [c[0] for c in calls] == ["POST"] * 3
    assert all(c[1].endswith("/v2/notifications/email") for c in calls)
    import json

    payloads = [json.loads(c[2]["data"]) for c in calls]
    assert [p["email_address"] for p in payloads] == ["ep@nhs.example", "manager@la.example", "lead@la.example"]
    assert {p["template_id"] for p in payloads} == {TEMPLATE}
    assert payloads[0]["personalisation"] == {"subject": MSG.subject, "body": MSG.body}
    assert calls[0][2]["headers"]["Authorization"].startswith("Bearer ")
    assert SECRET not in json.dumps(payloads) and SECRET not in repr(notifier)


def test_govuk_notify_refusal_is_reported_without_the_key():
    """Request layer stubbed as above (no network): Notify answering 400 becomes one clean error."""
    from ehcp.notify.govuk import GovUkNotifyNotifier, NotifyDeliveryError

    notifier = GovUkNotifyNotifier(API_KEY, templates={"default": TEMPLATE})
    notifier.client.request_session.request = lambda method, url, **kw: FakeResponse(
        400, {"errors": [{"error": "BadRequestError", "message": "Can't send to this recipient"}]})
    with pytest.raises(NotifyDeliveryError, match="status 400") as caught:
        notifier.send(MSG)
    assert SECRET not in str(caught.value)


def test_notifier_for_chooses_by_settings_and_refuses_unknown(tmp_path):
    base = dict(database_url="sqlite://", user="u", outbox=tmp_path)
    assert isinstance(notifier_for(Settings(**base)), OutboxNotifier)
    assert isinstance(notifier_for(Settings(**base, notifier="smtp", smtp_port=2525)), SmtpNotifier)
    with pytest.raises(ValueError, match="unknown notifier"):
        notifier_for(Settings(**base, notifier="pigeon"))
    with pytest.raises(ValueError, match="EHCP_NOTIFY_API_KEY"):
        notifier_for(Settings(**base, notifier="govuk_notify"))
    with pytest.raises(ValueError, match="template id"):
        notifier_for(Settings(**base, notifier="govuk_notify", notify_api_key=API_KEY))

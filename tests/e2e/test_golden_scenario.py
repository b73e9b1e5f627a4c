"""The golden end-to-end scenario: every command group and every ``--format`` through the real entry
point, its output compared byte for byte with ``tests/e2e/golden/scenario.json``.

It pins today's behaviour so that a redesign (issue 14) can prove it changed nothing a user sees. One
fresh migrated SQLite database; ``EHCP_TODAY`` steps forward over months so clocks open, come due, go
overdue and are met. Each entry records the argv, the date, the exit code, stdout (parsed when it is
JSON) and stderr when there is any. Files a command writes (xlsx, XML, HTML, backups) are recorded as a
stable digest, never raw bytes. Wall-clock timestamps and temporary paths are replaced by placeholders.

Regenerate after an intended change: ``EHCP_REGOLDEN=1 pytest tests/e2e/test_golden_scenario.py``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

GOLDEN = Path(__file__).parent / "golden" / "scenario.json"
FORMATS = ("json", "table", "csv")
REF = "<ref>"  # stands for each case of a trio in Scenario.each

pytestmark = pytest.mark.xdist_group("golden")

ICS = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ehcp golden//EN",
    "BEGIN:VEVENT", "UID:1@golden", "DTSTAMP:20250101T000000Z", "SUMMARY:October half term",
    "DTSTART;VALUE=DATE:20251027", "DTEND;VALUE=DATE:20251101", "END:VEVENT",
    "BEGIN:VEVENT", "UID:2@golden", "DTSTAMP:20250101T000000Z", "SUMMARY:Summer holiday",
    "DTSTART;VALUE=DATE:20260722", "DTEND;VALUE=DATE:20260903", "END:VEVENT",
    "END:VCALENDAR", ""])

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}[0-9:.+Z-]*…?")  # wall clock, maybe cut short by a table
AUDIT_HASH = re.compile(r"\b[0-9a-f]{64}\b")  # the audit chain hashes the wall-clock time
SHORT_HASH = re.compile(r"(?<=│ )[0-9a-f]{12}(?= +│)")  # the same, shortened in a table (maybe padded)
SECONDS = re.compile(r'"seconds": [0-9.e-]+')  # import and generate timings (JSON)
REVISION = re.compile(r"(?<=revision )[0-9a-f]{12}\b")  # Alembic's head: a new index must not break this test
RATE = re.compile(r" in [0-9.]+ s( \([0-9,]+ rows/s\))?")  # the same, as text


class Scenario:
    """Runs ``ehcp`` in-process and records each command's normalised result."""

    def __init__(self, url: str, tmp: Path):
        self.tmp = tmp
        self.today = "2025-01-06"
        self.env = {"EHCP_DATABASE_URL": url, "EHCP_USER": "golden.admin", "EHCP_OUTBOX": str(tmp / "outbox"),
                    "NO_COLOR": "1", "EHCP_CONFIG": str(tmp / "missing.toml"), "COLUMNS": "120",
                    "EHCP_NOTIFIER": "outbox", "TERM": "dumb",
                    "EHCP_SEN2_DMO": "Y", "EHCP_SEN2_DCO": "N", "EHCP_SEN2_DSCO": "R"}  # SEN2 header (issue 17)
        self.runner = CliRunner()
        self.entries: list[dict] = []

    def normalise(self, text: str) -> str:
        text = text.replace(str(self.tmp), "<TMP>")
        text = TIMESTAMP.sub("<TIMESTAMP>", text)
        text = AUDIT_HASH.sub("<HASH>", text)
        text = SHORT_HASH.sub("<AUDIT-HASH>", text)
        text = SECONDS.sub('"seconds": "<SECONDS>"', text)
        text = RATE.sub(" in <SECONDS> s", text)
        text = REVISION.sub("<REVISION>", text)
        return text

    def __call__(self, *argv: str, out: str | None = None, **env: str) -> dict:
        from cli.main import app

        result = self.runner.invoke(app, list(argv), env={**self.env, "EHCP_TODAY": self.today, **env},
                                    catch_exceptions=False)
        entry: dict = {"argv": [self.normalise(a) for a in argv], "today": self.today}
        if env:
            entry["env"] = env
        entry["exit_code"] = result.exit_code
        entry.update(self.output(self.normalise(result.stdout)))
        if result.stderr:
            entry["stderr"] = lines(self.normalise(result.stderr))
        if out is not None:
            entry["file"] = self.digest(Path(out))
        self.entries.append(entry)
        return entry

    @staticmethod
    def output(stdout: str) -> dict:
        """JSON as data (readable diffs) when it is laid out as ``emit_json`` lays it out, else the text lines
        (so a change of layout, not only of values, shows)."""
        try:
            data = json.loads(stdout)
        except ValueError:
            return {"stdout": lines(stdout)}
        if stdout == json.dumps(data, indent=2, ensure_ascii=False) + "\n":
            return {"json": data}
        return {"json": data, "stdout": lines(stdout)}

    def formats(self, *argv: str, extra: tuple[str, ...] = ()) -> dict:
        """The same query in every format it offers; returns the JSON entry."""
        got = {}
        for fmt in (*FORMATS, *extra):
            if fmt == "xlsx":
                path = self.tmp / f"{argv[0]}-{argv[1]}.xlsx"
                got[fmt] = self(*argv, "--format", fmt, "--out", str(path), out=str(path))
            else:
                got[fmt] = self(*argv, "--format", fmt)
        return got["json"]

    def each(self, refs: tuple[str, ...], *argv: str) -> None:
        """One change in every format: the same command on cases that share a history, one format each."""
        for ref, fmt in zip(refs, FORMATS, strict=True):
            self(*(ref if a == REF else a for a in argv), "--format", fmt)

    def outbox(self) -> None:
        """The messages the notifier wrote so far: recipients, subjects and bodies, sorted (their file names,
        dates and message ids are generated)."""
        mails = []
        for path in sorted((self.tmp / "outbox").glob("**/*.eml")):
            mail = message_from_bytes(path.read_bytes(), policy=policy.default)
            body = mail.get_body(("plain",))
            mails.append({"to": str(mail["To"]), "subject": str(mail["Subject"]),
                          "body": self.normalise(body.get_content()) if body is not None else None})
        self.entries.append({"outbox": sorted(mails, key=lambda m: json.dumps(m, sort_keys=True))})

    def digest(self, path: Path) -> object:
        if not path.exists():
            return None
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            return {ws.title: [[None if v is None else self.normalise(str(v)) for v in row]
                               for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
        data = path.read_bytes()
        try:
            text = self.normalise(data.decode())
        except UnicodeDecodeError:
            return {"bytes": len(data)}
        if len(text) > 20000:
            return {"chars": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}
        return lines(text)


def lines(text: str) -> list[str]:
    """Text as its lines, reversibly ("\\n".join gives it back), so the golden file diffs line by line."""
    return text.split("\n")


def ref_of(entry: dict) -> str:
    return entry["json"]["reference"]


def refs_named(s: Scenario, term: str, *children: str) -> tuple[str, ...]:
    """References of the cases found by ``term``, in the order of ``children``."""
    found = {c["child"]: c["reference"] for c in s("case", "find", term, "--format", "json")["json"]["cases"]}
    return tuple(found[c] for c in children)


def play(s: Scenario) -> None:  # one long story, read top to bottom
    """Three children share each history (a trio) so that every change is seen once in each format."""
    tmp = s.tmp
    # --- setup: users, partners, calendar -------------------------------------------------------
    s("db", "where")
    s("db", "check")
    s("db", "upgrade", "head")
    s("db", "flag-test", "--on")  # EHCP_TODAY moves the clock below; refused on a database not flagged (issue 18)
    s("user", "add", "golden.admin", "--name", "Golden Admin", "--role", "admin", "--email", "admin@example.org")
    s("user", "add", "casey.worker", "--name", "Casey Worker", "--role", "caseworker", "--team", "north",
      "--email", "casey@example.org")
    s("user", "add", "morgan.manager", "--name", "Morgan Manager", "--role", "manager", "--team", "north")
    s("user", "role", "casey.worker", "caseworker", "--team", "south")
    s("user", "enforce", "on")
    s.formats("user", "list")
    s("partner", "add", "EP Service", "--email", "ep@example.org", "--escalation-email", "ep.lead@example.org",
      "--kind", "psychological", "--contact", "Pat Psych")
    s("partner", "add", "Paediatrics", "--email", "paeds@example.org", "--kind", "medical")
    s("partner", "add", "Social Care", "--email", "sc@example.org", "--kind", "social_care")
    s.formats("partner", "list")
    s.formats("partner", "show", "EP Service")
    s("calendar", "add-holiday", "2025-05-06", "Golden extra holiday")
    ics = tmp / "terms.ics"
    ics.write_text(ICS)
    s("calendar", "import", str(ics), "--setting", "Example Primary")
    s.formats("calendar", "show", "--year", "2025")

    # --- new requests: the 20-week clock ------------------------------------------------------
    s("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-01-06",
      "--upn", "A12345678901B", "--year-group", "4", "--format", "json")
    for child in ("Bea Example", "Cam Example"):
        s("case", "new", "--child", child, "--dob", "2016-05-04", "--received", "2025-01-06", "--format", "json")
    for child, fmt in (("Sam Sample", "json"), ("Sky Sample", "table"), ("Sol Sample", "csv")):
        s("case", "new", "--child", child, "--dob", "2012-02-10", "--received", "2025-01-06", "--source", "school",
          "--format", fmt)
    for child in ("Jo Demo", "Jay Demo", "Joy Demo"):
        s("case", "new", "--child", child, "--dob", "2019-09-09", "--received", "2025-01-06")
    riley = ref_of(s("case", "new", "--child", "Riley Test", "--dob", "2010-03-01", "--received", "2025-01-06",
                     "--format", "json"))
    s("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-01-06")  # a duplicate
    s("case", "new", "--child", "Bad Date", "--dob", "2016-02-30", "--received", "2025-01-06")  # not a date
    plans = refs_named(s, "Example", "Alex Example", "Bea Example", "Cam Example")
    samples = refs_named(s, "Sample", "Sam Sample", "Sky Sample", "Sol Sample")
    demos = refs_named(s, "Demo", "Jo Demo", "Jay Demo", "Joy Demo")
    alex, sam = plans[0], samples[0]
    for ref in plans + samples:
        s("case", "assign", ref, "--to", "casey.worker")
    s("case", "assign", sam, "--to", "morgan.manager", "--reason", "caseload balance")
    s("case", "note", alex, "Parent phoned; synthetic note.")
    s.formats("case", "find", "Example")
    s.formats("case", "show", alex)
    s("case", "show", "EHC-2099-99999")  # unknown case

    s.today = "2025-02-03"
    for ref in plans + samples + (riley,):
        s("case", "decide", ref, "--assess", "--on", "2025-02-03")
    for ref in demos:
        s("case", "decide", ref, "--no-assess", "--on", "2025-02-03", "--reason", "needs met in school")
    s("case", "advance", riley, "--to", "final", "--on", "2025-02-03")  # illegal move
    s("advice", "request", alex, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-02-04")  # future
    s.today = "2025-02-04"
    for ref in plans:
        s("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-02-04")
        s("advice", "request", ref, "--kind", "medical", "--partner", "Paediatrics", "--on", "2025-02-04",
          "--channel", "first_class_post")
        s("advice", "request", ref, "--kind", "parent", "--on", "2025-02-04")
    for ref in samples:
        s("advice", "request", ref, "--kind", "social_care", "--partner", "Social Care", "--on", "2025-02-04",
          "--received-by-body", "2025-02-05")

    s.today = "2025-03-10"
    s.formats("advice", "list")
    s.formats("advice", "list", "--overdue")
    s("advice", "list", "--outstanding", "--case", alex, "--format", "json")
    s("advice", "list", "--partner", "EP Service", "--format", "json")
    s.formats("case", "list")
    s("case", "list", "--overdue", "--format", "json")
    s("case", "list", "--all", "--sort", "due", "--format", "json")
    s("case", "list", "--caseworker", "casey.worker", "--due-within", "30", "--format", "json")
    s("case", "list", "--stage", "assessment", "--all", "--format", "json")
    s.formats("report", "overdue", extra=("xlsx",))
    s("report", "overdue", "--summary", "--by", "caseworker", "--format", "json")
    s("report", "overdue", "--due-within", "14", "--format", "json")
    s.formats("report", "forecast", "--weeks", "8", extra=("xlsx",))
    s.formats("report", "caseload", extra=("xlsx",))
    s("flows", "run", "chase-advice", "--no-prefect", "--dry-run", "--format", "json")
    s("flows", "run", "chase-advice", "--no-prefect", "--show-messages", "--format", "json")
    s("flows", "run", "chase-advice", "--no-prefect", "--format", "table")
    s("flows", "run", "chase-advice", "--no-prefect", "--format", "csv")
    s("flows", "run", "caseworker-digest", "--no-prefect", "--format", "json")
    s("flows", "run", "caseworker-digest", "--no-prefect", "--as-of", "2025-03-11", "--format", "table")
    s("flows", "run", "caseworker-digest", "--no-prefect", "--as-of", "2025-03-12", "--dry-run", "--format", "csv")
    s.outbox()

    s.today = "2025-03-19"  # the six-week advice clocks (reg 8) went overdue yesterday
    s.formats("advice", "list", "--overdue")
    s("flows", "run", "chase-advice", "--no-prefect", "--dry-run", "--show-messages", "--format", "table")
    s("flows", "run", "chase-advice", "--no-prefect", "--show-messages", "--format", "json")
    s("flows", "run", "chase-advice", "--no-prefect", "--format", "json")  # a rerun sends nothing
    s("flows", "run", "caseworker-digest", "--no-prefect", "--format", "json")
    s.outbox()

    s.today = "2025-03-24"
    for ref in plans:
        s("advice", "received", ref, "--kind", "psychological", "--on", "2025-03-20")
        s("advice", "received", ref, "--kind", "medical", "--on", "2025-03-21")
        s("advice", "received", ref, "--kind", "parent", "--on", "2025-03-10")
    for ref in samples:
        s("advice", "received", ref, "--kind", "social_care", "--on", "2025-03-24")
    s("advice", "received", alex, "--kind", "parent", "--on", "2025-03-24")  # nothing open
    s("case", "exception", sam, "--reason", "absence_from_area", "--from", "2025-03-01", "--to", "2025-03-14",
      "--note", "family abroad")
    s("case", "draft", alex, "--on", "2025-04-14")  # after today: refused
    s.today = "2025-04-22"
    for ref in plans:
        s("case", "draft", ref, "--on", "2025-04-14", "--channel", "email")
        s("case", "waive", ref, "--on", "2025-04-18", "--reason", "parent content")
    for ref in samples:
        s("case", "draft", ref, "--on", "2025-04-22", "--channel", "first_class_post")
    s.today = "2025-05-23"
    for ref in plans:
        s("case", "finalise", ref, "--on", "2025-05-20")
    for ref in samples:
        s("case", "advance", ref, "--to", "final", "--on", "2025-05-23", "--reason", "late: school consultation")
    s("case", "no-plan", riley, "--on", "2025-05-23")
    s.formats("case", "timeline", alex)
    s.formats("audit", "show", alex)
    s("audit", "verify")
    s.formats("report", "timeliness", "--year", "2025", extra=("xlsx",))
    s("report", "timeliness", "--from", "2025-01-01", "--to", "2025-06-30", "--by", "month", "--format", "json")
    s("report", "timeliness", "--year", "2025", "--by", "caseworker", "--format", "json")  # refused
    s("report", "timeliness", "--year", "2025", "--day-count", "140", "--format", "json")
    s.formats("report", "partners", "--year", "2025", extra=("xlsx",))
    s("report", "partners", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "json")

    # --- SEN2 data and import -----------------------------------------------------------------
    s.each(plans, "sen2", "need", REF, "--primary", "ASD", "--secondary", "SLCN", "--on", "2025-05-23")
    s("sen2", "need", alex, "--primary", "XYZ")  # refusal
    s("sen2", "placement", alex, "--from", "2025-06-02", "--setting", "Example Primary", "--urn", "123456",
      "--format", "json")  # after today
    s.today = "2025-06-02"
    s.each(plans, "sen2", "placement", REF, "--from", "2025-06-02", "--setting", "Example Primary", "--urn", "123456")
    s.each(samples, "sen2", "upn-unknown", REF, "--code", "UN2")
    s("sen2", "upn-unknown", sam, "--clear", "--format", "json")
    s.formats("sen2", "explain", alex, "--census", "2026-01-15")
    s.formats("sen2", "check", "--census", "2026-01-15")
    s.formats("sen2", "summary", "--year", "2025")
    xml = tmp / "sen2.xml"
    s("sen2", "export", "--census", "2026-01-15", "--out", str(xml), "--lea", "999", out=str(xml))
    s("sen2", "export", "--census", "2026-13-15", "--out", str(xml), "--lea", "999")  # bad date

    for fmt in FORMATS:
        bad = tmp / f"bad-cases-{fmt}.csv"
        bad.write_text("reference,given_name,family_name,dob,received\n,Eve,Import,2030-01-01,2025-05-12\n")
        errors = tmp / f"errors-{fmt}.csv"
        s("import", "cases", str(bad), "--errors", str(errors), "--format", fmt, out=str(errors))
    importers = {"json": ("Chris", "new.worker"), "table": ("Dana", "casey.worker"), "csv": ("Eli", "")}
    for fmt, (given, worker) in importers.items():
        path = tmp / f"partners-{fmt}.csv"
        path.write_text("name,advice_kinds,contact_name,email,escalation_email\n"
                        f"Hearing Team {given},medical;other,Hana Hear,hearing.{fmt}@example.org,\n")
        s("import", "partners", str(path), "--format", fmt)
        path = tmp / f"cases-{fmt}.csv"
        path.write_text("reference,given_name,family_name,dob,upn,year_group,received,source,caseworker\n"
                        f",{given},Import,2015-07-07,,5,2025-05-12,parent,{worker}\n")
        s("import", "cases", str(path), "--create-users", "--format", fmt)
    imported = dict(zip(FORMATS, refs_named(s, "Import", "Chris Import", "Dana Import", "Eli Import"), strict=True))
    for fmt, (given, _) in importers.items():
        ref = imported[fmt]
        bodies = {
            "advice": "reference,kind,partner,requested_on,received_by_body,channel,received_on\n"
                      f"{ref},medical,Hearing Team {given},2025-05-20,,email,\n",
            "events": "reference,kind,on,advice_kind,partner,received_by_body,channel,served_on,reason,until,"
                      "outcome,school,note,details\n"
                      f"{ref},assessment_agreed,2025-05-30,,,,,,,,,,imported,\n",
            "needs": f"reference,primary,secondary,recorded_on,upn_unknown\n{ref},SEMH,SPLD,2025-06-01,UN3\n",
            "placements": "reference,entry_date,setting,urn,ukprn,sen_setting,sen_setting_other,rank,leaving_date,"
                          "sen_unit,resourced_provision,residential\n"
                          f"{ref},2025-06-01,Example Secondary,654321,,,,1,,no,yes,\n",
        }
        for kind, body in bodies.items():
            path = tmp / f"{kind}-{fmt}.csv"
            path.write_text(body)
            s("import", kind, str(path), "--format", fmt)
    s("case", "show", imported["json"], "--format", "json")

    # --- the plan's life: reviews -------------------------------------------------------------
    s.today = "2026-03-02"
    s.each(plans, "review", "schedule", REF, "--meeting", "2026-04-20", "--on", "2026-03-02",
           "--channel", "first_class_post")
    s.formats("review", "sync-children")
    s.today = "2026-03-27"
    s.each(plans, "review", "invited", REF, "--on", "2026-03-23", "--channel", "email")
    s("review", "circulated", alex, "--on", "2026-04-06", "--format", "json")  # after today
    s.today = "2026-04-08"
    s.each(plans, "review", "circulated", REF, "--on", "2026-04-06")
    s.formats("review", "season", "--year", "2026")
    s("review", "season", "--year", "2026", "--late", "--format", "json")
    s.today = "2026-04-21"
    s.each(plans, "review", "held", REF, "--on", "2026-04-20")
    s.each(plans, "review", "report", REF, "--on", "2026-04-21")
    s.today = "2026-05-05"
    s("review", "decision", alex, "--maintain", "--amend", "--on", "2026-05-05")  # usage error
    s.each(plans, "review", "decision", REF, "--amend", "--on", "2026-05-05")
    s.each(plans, "review", "amend-notice", REF, "--on", "2026-05-05", "--channel", "email")
    s.today = "2026-06-30"
    s.formats("report", "overdue")
    s.each(plans, "review", "amended-plan", REF, "--on", "2026-06-30")
    s("review", "no-amend", alex, "--on", "2026-06-30", "--format", "json")
    s("review", "phase-transfer", riley, "--kind", "gap_year")  # refusal
    s.each(samples, "review", "phase-transfer", REF, "--kind", "sixth_form_same_school", "--on", "2026-06-30")

    # --- reassessment, disputes ----------------------------------------------------------------
    s.each(samples, "reassess", "request", REF, "--on", "2026-06-15", "--source", "parent")
    s.each(samples, "reassess", "decide", REF, "--agree", "--on", "2026-06-29")
    s.today = "2026-09-14"
    s.each(samples, "reassess", "draft", REF, "--on", "2026-09-14")
    s.today = "2026-10-05"
    s.each(samples, "reassess", "plan", REF, "--on", "2026-10-05")

    s.each(demos, "appeal", "decision", REF, "--sent", "2025-02-03", "--about", "refusal_to_assess")
    s.each(demos, "mediation", "contacted", REF, "--on", "2025-03-01", "--wants-mediation")
    s.each(demos, "mediation", "requested", REF, "--on", "2025-03-03", "--health")
    s.each(demos, "mediation", "icb-notified", REF, "--on", "2025-03-05")
    s.each(demos, "mediation", "concluded", REF, "--on", "2025-03-20", "--agreement", "assess")
    s.each(demos, "mediation", "unavailable", REF, "--on", "2025-03-06")
    s.each(demos, "mediation", "certificate", REF, "--on", "2025-03-21")
    s.each(demos, "appeal", "lodged", REF, "--on", "2025-04-10")
    s.each(demos, "tribunal", "order", REF, "--on", "2025-09-01", "--kind", "assess")
    s.each(demos, "tribunal", "complied", REF, "--on", "2025-09-20", "--limb", "assess")
    s.each(demos, "tribunal", "unopposed", REF, "--on", "2025-06-01", "--appeal", "assess")
    s("appeal", "concluded", demos[0], "--on", "2025-09-01", "--outcome", "withdrawn", "--format", "json")
    s.each(plans, "appeal", "decision", REF, "--sent", "2025-05-20", "--about", "contents")
    s.each(plans, "appeal", "lodged", REF, "--on", "2025-06-20")
    s.each(plans, "appeal", "concluded", REF, "--on", "2025-08-01", "--outcome", "withdrawn")

    # --- cease and transfer ---------------------------------------------------------------------
    s.each(samples, "cease", "consult", REF, "--on", "2026-10-01")
    s.each(samples, "cease", "notice", REF, "--on", "2026-10-05", "--reason", "needs_met")
    s("cease", "plan", sam, "--on", "2026-10-05", "--format", "json")  # too early
    s.today = "2026-12-08"
    s.each(samples, "cease", "plan", REF, "--on", "2026-12-08")
    s("transfer", "in", "--child", "Taylor Moved", "--dob", "2014-05-01", "--on", "2026-11-02",
      "--from-la", "Somerset", "--last-review", "2026-06-10", "--format", "json")
    s("transfer", "in", "--child", "Jordan Moved", "--dob", "2015-05-01", "--on", "2026-11-02", "--format", "table")
    s("transfer", "in", "--child", "Quinn Moved", "--dob", "2015-06-01", "--on", "2026-11-02", "--plan-made",
      "2024-01-10", "--year-group", "6", "--format", "csv")
    moved = refs_named(s, "Moved", "Taylor Moved", "Jordan Moved", "Quinn Moved")
    s.each(moved, "transfer", "informed", REF, "--on", "2026-11-20")
    s.each(plans, "transfer", "moving", REF, "--aware", "2026-11-02", "--move", "2026-12-01", "--to-la", "Devon")
    s.each(plans, "transfer", "out", REF, "--on", "2026-12-01", "--to-la", "Devon")
    s("case", "withdraw", imported["table"], "--on", "2026-12-01", "--reason", "moved abroad")
    s.formats("case", "show", sam)
    s.formats("case", "timeline", demos[0])
    s.formats("deadlines", "recompute")
    s.formats("report", "caseload", "--as-of", "2026-12-08")
    s.formats("report", "overdue", "--as-of", "2026-12-08", "--by", "stage")
    s.formats("report", "forecast", "--as-of", "2026-12-08", "--weeks", "4")
    s("report", "caseload", "--as-of", "2026-12-01")  # a past date: refused (issue 16)
    s("report", "forecast", "--as-of", "2026-02-30")  # not a date
    dash = tmp / "dashboard.html"
    s("report", "dashboard", "--out", str(dash), "--year", "2026", "--weeks", "8", out=str(dash))
    s.formats("audit", "show", sam)
    s("audit", "verify")

    # --- permissions, backup, retention ---------------------------------------------------------
    s("case", "note", alex, "A caseworker may note.", EHCP_USER="casey.worker")
    s("user", "add", "someone", "--role", "admin", EHCP_USER="casey.worker")  # refused
    s("user", "add", "someone", "--role", "wizard")  # unknown role
    backup = tmp / "backup.sqlite3"
    s("db", "backup", str(backup))
    s("db", "restore", str(backup), "--yes")
    s.today = "2033-06-01"
    s.formats("retention", "report", "--years", "6")
    s("retention", "purge", "--years", "6")  # no --yes
    s("retention", "purge", "--years", "6", "--yes")
    s("retention", "report", "--years", "6", "--format", "json")
    s("case", "list", "--all", "--format", "json")
    for fmt in FORMATS:
        s("dev", "generate", "--plans", "3", "--seed", "7", "--database", f"sqlite:///{tmp / f'gen-{fmt}.sqlite3'}",
          "--today", "2026-01-05", "--jobs", "1", "--format", fmt)
    correct_mistakes(s)


def correct_mistakes(s: Scenario) -> None:
    """Putting a mistake right (issue 15): a new case, so that nothing recorded above changes."""
    s("partner", "add", "EP Locum", "--email", "locum@example.org", "--kind", "psychological")
    robin = ref_of(s("case", "new", "--child", "Robin Error", "--dob", "2026-03-03", "--received", "2033-04-04",
                     "--format", "json"))
    s("case", "decide", robin, "--assess", "--on", "2033-05-02")
    s("advice", "request", robin, "--kind", "psychological", "--partner", "EP Service", "--on", "2033-05-03")
    s("advice", "request", robin, "--kind", "psychological", "--partner", "EP Locum", "--on", "2033-05-03")
    s("advice", "request", robin, "--kind", "medical", "--partner", "Paediatrics", "--on", "2033-05-03")
    s("advice", "request", robin, "--kind", "medical", "--partner", "Paediatrics", "--on", "2033-05-04")
    s("advice", "received", robin, "--kind", "psychological", "--on", "2033-05-30")  # two match: refused
    s("advice", "received", robin, "--kind", "psychological", "--partner", "EP Service", "--on", "2033-05-30")
    s("advice", "cancel", robin, "psychological", "--reason", "asked the locum in error", "--format", "json")
    asked_twice = s("advice", "cancel", robin, "medical", "--reason", "asked twice")  # two match: refused
    second = re.findall(r"request (\d+) \(Paediatrics", " ".join(asked_twice["stderr"]))[-1]
    s("advice", "cancel", robin, "medical", "--request-id", second, "--reason", "asked twice", "--format", "table")
    s("advice", "list", "--case", robin, "--format", "json")
    items = s.formats("case", "timeline", robin)["json"]["items"]

    def event(kind: str) -> str:
        return str(next(i["id"] for i in items if i["what"] == kind))

    s("event", "void", robin, event("advice_requested"), "--reason", "wrong case")  # answered since: refused
    s("event", "void", robin, event("advice_received"), "--reason", "recorded on the wrong case", "--format", "json")
    s("event", "void", robin, event("advice_cancelled"),
      "--reason", "the cancellation was the mistake", "--format", "table")
    s("case", "timeline", robin, "--format", "table")
    s("advice", "request", robin, "--kind", "medical", "--partner", "Paediatrics", "--on", "2033-05-04")  # cancelled
    s("child", "edit", robin, "--dob", "2026-03-30", "--upn", "a123456789012", "--reason", "birth certificate")
    s("child", "edit", robin, "--year-group", "2", "--reason", "school says Year 2", "--format", "json")
    s("child", "edit", robin, "--dob", "2000-01-01", "--reason", "typo")  # 33 at the request: refused
    s("partner", "edit", "EP Locum", "--name", "EP Locum Service", "--contact", "Dr Lee", "--reason", "renamed")
    s("partner", "deactivate", "EP Locum Service", "--reason", "contract ended")
    s("advice", "request", robin, "--kind", "psychological", "--partner", "EP Locum Service",
      "--on", "2033-05-05")  # refused: deactivated
    s.formats("partner", "list")
    s("user", "add", "sam.leaver", "--name", "Sam Leaver", "--team", "south")
    s("case", "assign", robin, "--to", "sam.leaver")
    s("user", "edit", "sam.leaver", "--email", "sam@example.org", "--reason", "new address")
    s("user", "deactivate", "sam.leaver", "--reason", "left the service")
    s("case", "list", EHCP_USER="sam.leaver")  # refused: deactivated
    s("case", "reassign", "--from", "sam.leaver", "--to", "casey.worker", "--team", "south",
      "--reason", "Sam left the service")
    s.formats("user", "list")


def first_difference(old: list, new: list) -> str:
    """The first command whose record differs, with a unified diff of the two records."""
    for i, (was, now) in enumerate(zip(old, new, strict=False)):  # the lengths may differ
        if was != now:
            diff = difflib.unified_diff(json.dumps(was, indent=2, ensure_ascii=False).splitlines(),
                                        json.dumps(now, indent=2, ensure_ascii=False).splitlines(),
                                        "golden", "now", lineterm="")
            return f"entry {i} differs: ehcp {' '.join(now.get('argv', []))}\n" + "\n".join(diff)
    if len(old) != len(new):
        return f"the scenario made {len(new)} entries, the golden file has {len(old)}"
    return "the entries are equal but the file's layout differs: regenerate it (EHCP_REGOLDEN=1)"


def test_golden_scenario(sqlite_url, tmp_path):
    s = Scenario(sqlite_url, tmp_path)
    play(s)
    text = json.dumps(s.entries, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("EHCP_REGOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        return
    assert GOLDEN.exists(), f"no golden file: run EHCP_REGOLDEN=1 pytest {Path(__file__).name}"
    golden = GOLDEN.read_text(encoding="utf-8")
    if golden != text:
        pytest.fail(first_difference(json.loads(golden), s.entries), pytrace=False)


# What may differ when the same story runs on PostgreSQL: the database's address, the warning that
# SQLite cannot authenticate the actor, backup and restore (pg_dump/pg_restore there), and the audit
# key file a generated SQLite database gets (the PostgreSQL run keeps its own key elsewhere).
SQLITE_ONLY_WARNING = re.compile(r"warning: SQLite database: the acting user .*")
NEW_KEY_FILE = re.compile(r"created the audit key file .*")
OWN_BACKUP = (["db", "backup"], ["db", "restore"])


def same_story(entry: dict, url: str) -> dict:
    text = json.dumps(entry, ensure_ascii=False).replace(url, "<DATABASE>")
    text = re.sub(r"sqlite:///<TMP>/ehcp\.sqlite3", "<DATABASE>", text)
    found = json.loads(text)
    if "stderr" in found:
        kept = [line for line in found["stderr"] if not SQLITE_ONLY_WARNING.fullmatch(line)
                and not NEW_KEY_FILE.fullmatch(line)]
        found["stderr"] = kept
        if kept == [""]:
            del found["stderr"]
    return found


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_golden_scenario_tells_the_same_story_on_postgresql(db_url, tmp_path):
    """Every command of the golden scenario, run on PostgreSQL, prints what it prints on SQLite (the
    differences the two databases must have aside: ``same_story``). It found list orders that
    followed each database's NULL sorting, a count printed 3.0, and instants printed with and
    without their zone."""
    s = Scenario(db_url, tmp_path)
    play(s)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(s.entries) == len(golden)
    for was, now in zip(golden, s.entries, strict=True):
        if was.get("argv", [])[:2] in OWN_BACKUP:
            continue
        assert same_story(now, db_url) == same_story(was, "sqlite:///<TMP>/ehcp.sqlite3"), " ".join(now["argv"])

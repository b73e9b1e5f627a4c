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
from pathlib import Path

import pytest
from typer.testing import CliRunner

GOLDEN = Path(__file__).parent / "golden" / "scenario.json"

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
SHORT_HASH = re.compile(r"(?<=│ )[0-9a-f]{12}(?= │)")  # the same, shortened in a table
SECONDS = re.compile(r'"seconds": [0-9.e-]+')  # import and generate timings (JSON)
RATE = re.compile(r" in [0-9.]+ s( \([0-9,]+ rows/s\))?")  # the same, as text


class Scenario:
    """Runs ``ehcp`` in-process and records each command's normalised result."""

    def __init__(self, url: str, tmp: Path):
        self.tmp = tmp
        self.today = "2025-01-06"
        self.env = {"EHCP_DATABASE_URL": url, "EHCP_USER": "golden.admin", "EHCP_OUTBOX": str(tmp / "outbox"),
                    "NO_COLOR": "1", "EHCP_CONFIG": str(tmp / "missing.toml"), "COLUMNS": "120",
                    "EHCP_NOTIFIER": "outbox", "TERM": "dumb"}
        self.runner = CliRunner()
        self.entries: list[dict] = []

    def normalise(self, text: str) -> str:
        text = text.replace(str(self.tmp), "<TMP>")
        text = TIMESTAMP.sub("<TIMESTAMP>", text)
        text = AUDIT_HASH.sub("<HASH>", text)
        text = SHORT_HASH.sub("<AUDIT-HASH>", text)
        text = SECONDS.sub('"seconds": "<SECONDS>"', text)
        text = RATE.sub(" in <SECONDS> s", text)
        return text

    def __call__(self, *argv: str, out: str | None = None, **env: str) -> dict:
        from cli.main import app

        result = self.runner.invoke(app, list(argv), env={**self.env, "EHCP_TODAY": self.today, **env},
                                    catch_exceptions=False)
        stdout = self.normalise(result.stdout)
        try:
            parsed: object = json.loads(stdout)
        except ValueError:
            parsed = stdout
        entry = {"argv": [self.normalise(a) for a in argv], "today": self.today, "exit_code": result.exit_code,
                 "stdout": parsed}
        if env:
            entry["env"] = env
        if result.stderr:
            entry["stderr"] = self.normalise(result.stderr)
        if out is not None:
            entry["file"] = self.digest(Path(out))
        self.entries.append(entry)
        return entry

    def formats(self, *argv: str, extra: tuple[str, ...] = ()) -> dict:
        """The same query in every format it offers; returns the JSON entry."""
        got = {}
        for fmt in ("table", "csv", "json", *extra):
            if fmt == "xlsx":
                path = self.tmp / f"{argv[0]}-{argv[1]}.xlsx"
                got[fmt] = self(*argv, "--format", fmt, "--out", str(path), out=str(path))
            else:
                got[fmt] = self(*argv, "--format", fmt)
        return got["json"]

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
        return text


def ref_of(entry: dict) -> str:
    return entry["stdout"]["reference"]


def play(s: Scenario) -> None:  # noqa: PLR0915 - one long story, read top to bottom
    tmp = s.tmp
    # --- setup: users, partners, calendar -------------------------------------------------------
    s("db", "where")
    s("db", "check")
    s("db", "upgrade", "head")
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
    alex = ref_of(s("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-01-06",
                    "--upn", "A12345678901B", "--year-group", "4", "--format", "json"))
    sam = ref_of(s("case", "new", "--child", "Sam Sample", "--dob", "2012-02-10", "--received", "2025-01-06",
                   "--source", "school", "--format", "json"))
    s("case", "new", "--child", "Jo Demo", "--dob", "2019-09-09", "--received", "2025-01-06", "--format", "table")
    s("case", "new", "--child", "Riley Test", "--dob", "2010-03-01", "--received", "2025-01-06", "--format", "csv")
    s("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-01-06")  # duplicate?
    s("case", "new", "--child", "Bad Date", "--dob", "2016-02-30", "--received", "2025-01-06")  # refusal
    jo, riley = "EHC-2025-00003", "EHC-2025-00004"
    s("case", "assign", alex, "--to", "casey.worker")
    s("case", "assign", sam, "--to", "casey.worker", "--reason", "caseload balance")
    s("case", "note", alex, "Parent phoned; synthetic note.")
    s.formats("case", "find", "Example")
    s.formats("case", "show", alex)
    s("case", "show", "EHC-2099-99999")  # unknown case

    s.today = "2025-02-03"
    s("case", "decide", alex, "--assess", "--on", "2025-02-03")
    s("case", "decide", sam, "--assess", "--on", "2025-02-03")
    s("case", "decide", jo, "--no-assess", "--on", "2025-02-03", "--reason", "needs met in school")
    s("case", "advance", riley, "--to", "final", "--on", "2025-02-03")  # illegal move
    s("case", "decide", riley, "--assess", "--on", "2025-02-03")
    s.today = "2025-02-04"
    s("advice", "request", alex, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-02-04")
    s("advice", "request", alex, "--kind", "medical", "--partner", "Paediatrics", "--on", "2025-02-04",
      "--channel", "first_class_post")
    s("advice", "request", sam, "--kind", "social_care", "--partner", "Social Care", "--on", "2025-02-04",
      "--received-by-body", "2025-02-05")
    s("advice", "request", alex, "--kind", "parent", "--on", "2025-02-04")

    s.today = "2025-03-10"
    s.formats("advice", "list")
    s.formats("advice", "list", "--overdue")
    s("advice", "list", "--outstanding", "--case", alex, "--format", "json")
    s("advice", "list", "--partner", "EP Service", "--format", "json")
    s.formats("case", "list")
    s("case", "list", "--overdue", "--format", "json")
    s("case", "list", "--all", "--sort", "due", "--format", "json")
    s("case", "list", "--caseworker", "casey.worker", "--due-within", "30", "--format", "json")
    s("case", "list", "--stage", "assessment", "--format", "json")
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
    outbox = tmp / "outbox"
    s.entries.append({"outbox_files": len(list(outbox.glob("**/*"))) if outbox.exists() else 0})

    s.today = "2025-03-19"  # the six-week advice clocks (reg 8) went overdue yesterday
    s.formats("advice", "list", "--overdue")
    s("flows", "run", "chase-advice", "--no-prefect", "--dry-run", "--show-messages", "--format", "table")
    s("flows", "run", "chase-advice", "--no-prefect", "--show-messages", "--format", "json")
    s("flows", "run", "chase-advice", "--no-prefect", "--format", "json")  # a rerun sends nothing
    s("flows", "run", "caseworker-digest", "--no-prefect", "--format", "json")
    s.entries.append({"outbox_files": len(list(outbox.glob("**/*"))) if outbox.exists() else 0})
    s.today = "2025-03-24"
    s("advice", "received", alex, "--kind", "psychological", "--on", "2025-03-20")
    s("advice", "received", alex, "--kind", "medical", "--on", "2025-03-21")
    s("advice", "received", alex, "--kind", "parent", "--on", "2025-03-10")
    s("advice", "received", sam, "--kind", "social_care", "--on", "2025-03-24")
    s("case", "exception", sam, "--reason", "absence_from_area", "--from", "2025-03-01", "--to", "2025-03-14",
      "--note", "family abroad")
    s("case", "draft", alex, "--on", "2025-04-14")  # after today: refused
    s.today = "2025-04-22"
    s("case", "draft", alex, "--on", "2025-04-14", "--channel", "email")
    s("case", "draft", sam, "--on", "2025-04-22", "--channel", "first_class_post")
    s("case", "waive", alex, "--on", "2025-04-18", "--reason", "parent content")
    s.today = "2025-05-23"
    s("case", "finalise", alex, "--on", "2025-05-20")
    s("case", "advance", sam, "--to", "final", "--on", "2025-05-23", "--reason", "late: school consultation")
    s("case", "no-plan", riley, "--on", "2025-05-23")
    s.formats("case", "timeline", alex)
    s.formats("audit", "show", alex)
    s("audit", "verify")
    s.formats("report", "timeliness", "--year", "2025", extra=("xlsx",))
    s("report", "timeliness", "--from", "2025-01-01", "--to", "2025-06-30", "--by", "month", "--format", "json")
    s("report", "timeliness", "--year", "2025", "--day-count", "140", "--format", "json")
    s.formats("report", "partners", "--year", "2025", extra=("xlsx",))
    s("report", "partners", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "json")

    # --- SEN2 data and import -----------------------------------------------------------------
    s.formats("sen2", "need", alex, "--primary", "ASD", "--secondary", "SLCN", "--on", "2025-05-23")
    s("sen2", "need", alex, "--primary", "XYZ")  # refusal
    s("sen2", "placement", alex, "--from", "2025-06-02", "--setting", "Example Primary", "--urn", "123456",
      "--format", "json")  # after today
    s.today = "2025-06-02"
    s.formats("sen2", "placement", alex, "--from", "2025-06-02", "--setting", "Example Primary", "--urn", "123456")
    s.formats("sen2", "upn-unknown", sam, "--code", "UN2")
    s("sen2", "upn-unknown", sam, "--clear", "--format", "json")
    s.formats("sen2", "explain", alex, "--census", "2026-01-15")
    s.formats("sen2", "check", "--census", "2026-01-15")
    s.formats("sen2", "summary", "--year", "2025")
    xml = tmp / "sen2.xml"
    s("sen2", "export", "--census", "2026-01-15", "--out", str(xml), "--lea", "999", out=str(xml))

    imports = {
        "partners": "name,advice_kinds,contact_name,email,escalation_email\n"
                    "Hearing Team,medical;other,Hana Hear,hearing@example.org,\n",
        "cases": "reference,given_name,family_name,dob,upn,year_group,received,source,caseworker\n"
                 ",Chris,Import,2015-07-07,,5,2025-05-12,parent,casey.worker\n"
                 ",Dana,Import,2014-08-08,,,2025-05-19,school,new.worker\n",
        "advice": "reference,kind,partner,requested_on,received_by_body,channel,received_on\n"
                  "EHC-2025-00005,medical,Hearing Team,2025-05-20,,email,\n",
        "events": "reference,kind,on,advice_kind,partner,received_by_body,channel,served_on,reason,until,outcome,"
                  "school,note,details\n"
                  "EHC-2025-00005,assessment_agreed,2025-05-30,,,,,,,,,,imported,\n",
        "needs": "reference,primary,secondary,recorded_on,upn_unknown\nEHC-2025-00005,SEMH,SPLD,2025-06-01,UN3\n",
        "placements": "reference,entry_date,setting,urn,ukprn,sen_setting,sen_setting_other,rank,leaving_date,"
                      "sen_unit,resourced_provision,residential\n"
                      "EHC-2025-00002,2025-06-01,Example Secondary,654321,,,,1,,no,yes,\n",
    }
    bad = tmp / "bad-cases.csv"
    bad.write_text("reference,given_name,family_name,dob,received\n,Eve,Import,2030-01-01,2025-05-12\n")
    s("import", "cases", str(bad), "--errors", str(tmp / "errors.csv"), "--format", "json",
      out=str(tmp / "errors.csv"))
    fmts = iter(("json", "table", "csv", "json", "json", "table"))
    for kind, body in imports.items():
        path = tmp / f"{kind}.csv"
        path.write_text(body)
        opts = ("--create-users",) if kind == "cases" else ()
        s("import", kind, str(path), *opts, "--format", next(fmts))
    s("case", "show", "EHC-2025-00005", "--format", "json")

    # --- the plan's life: reviews -------------------------------------------------------------
    s.today = "2026-03-02"
    s.formats("review", "schedule", alex, "--meeting", "2026-04-20", "--on", "2026-03-02",
              "--channel", "first_class_post")
    s.formats("review", "sync-children")
    s.today = "2026-03-27"
    s("review", "invited", alex, "--on", "2026-03-23", "--channel", "email", "--format", "json")
    s("review", "circulated", alex, "--on", "2026-04-06", "--format", "json")  # after today
    s.today = "2026-04-08"
    s("review", "circulated", alex, "--on", "2026-04-06", "--format", "json")
    s.formats("review", "season", "--year", "2026")
    s("review", "season", "--year", "2026", "--late", "--format", "json")
    s.today = "2026-04-21"
    s("review", "held", alex, "--on", "2026-04-20", "--format", "table")
    s("review", "report", alex, "--on", "2026-04-21", "--format", "csv")
    s.today = "2026-05-05"
    s("review", "decision", alex, "--maintain", "--amend", "--on", "2026-05-05")  # usage error
    s("review", "decision", alex, "--amend", "--on", "2026-05-05", "--format", "json")
    s("review", "amend-notice", alex, "--on", "2026-05-05", "--channel", "email", "--format", "json")
    s.today = "2026-06-30"
    s.formats("report", "overdue")
    s("review", "amended-plan", alex, "--on", "2026-06-30", "--format", "json")
    s("review", "phase-transfer", riley, "--kind", "gap_year")  # refusal
    s("review", "phase-transfer", sam, "--kind", "sixth_form_same_school", "--on", "2026-06-30", "--format", "json")

    # --- reassessment, disputes ----------------------------------------------------------------
    s("reassess", "request", sam, "--on", "2026-06-15", "--source", "parent", "--format", "json")
    s("reassess", "decide", sam, "--agree", "--on", "2026-06-29", "--format", "table")
    s.today = "2026-09-14"
    s("reassess", "draft", sam, "--on", "2026-09-14", "--format", "csv")
    s.today = "2026-10-05"
    s("reassess", "plan", sam, "--on", "2026-10-05", "--format", "json")

    s("appeal", "decision", jo, "--sent", "2025-02-03", "--about", "refusal_to_assess", "--format", "json")
    s("mediation", "contacted", jo, "--on", "2025-03-01", "--wants-mediation", "--format", "json")
    s("mediation", "requested", jo, "--on", "2025-03-03", "--health", "--format", "table")
    s("mediation", "icb-notified", jo, "--on", "2025-03-05", "--format", "csv")
    s("mediation", "concluded", jo, "--on", "2025-03-20", "--agreement", "assess", "--format", "json")
    s("mediation", "unavailable", jo, "--on", "2025-03-06", "--format", "json")
    s("mediation", "certificate", jo, "--on", "2025-03-21", "--format", "json")
    s("appeal", "lodged", jo, "--on", "2025-04-10", "--format", "table")
    s("tribunal", "order", jo, "--on", "2025-09-01", "--kind", "assess", "--format", "json")
    s("tribunal", "complied", jo, "--on", "2025-09-20", "--limb", "assess", "--format", "json")
    s("tribunal", "unopposed", jo, "--on", "2025-06-01", "--appeal", "assess", "--format", "json")
    s("appeal", "concluded", jo, "--on", "2025-09-01", "--outcome", "withdrawn", "--format", "csv")
    s("appeal", "decision", alex, "--sent", "2025-05-20", "--about", "contents", "--format", "table")
    s("appeal", "lodged", alex, "--on", "2025-06-20", "--format", "json")
    s("appeal", "concluded", alex, "--on", "2025-08-01", "--outcome", "withdrawn", "--format", "json")

    # --- cease and transfer ---------------------------------------------------------------------
    s("cease", "consult", "EHC-2025-00002", "--on", "2026-10-01", "--format", "json")
    s("cease", "notice", "EHC-2025-00002", "--on", "2026-10-05", "--reason", "needs_met", "--format", "table")
    s("cease", "plan", "EHC-2025-00002", "--on", "2026-10-05", "--format", "json")  # too early
    s.today = "2026-12-08"
    s("cease", "plan", "EHC-2025-00002", "--on", "2026-12-08", "--format", "csv")
    s("transfer", "in", "--child", "Taylor Moved", "--dob", "2014-05-01", "--on", "2026-11-02",
      "--from-la", "Somerset", "--last-review", "2026-06-10", "--format", "json")
    s("transfer", "in", "--child", "Jordan Moved", "--dob", "2015-05-01", "--on", "2026-11-02", "--format", "table")
    s("transfer", "informed", "EHC-2026-00001", "--on", "2026-11-20", "--format", "csv")
    s("transfer", "moving", alex, "--aware", "2026-11-02", "--move", "2026-12-01", "--to-la", "Devon",
      "--format", "json")
    s("transfer", "out", alex, "--on", "2026-12-01", "--to-la", "Devon", "--format", "table")
    s("case", "withdraw", "EHC-2025-00006", "--on", "2026-12-01", "--reason", "moved abroad")
    s.formats("case", "show", sam)
    s.formats("case", "timeline", jo)
    s.formats("deadlines", "recompute")
    s.formats("report", "caseload", "--as-of", "2026-12-01")
    s.formats("report", "overdue", "--as-of", "2026-12-01", "--by", "stage")
    s.formats("report", "forecast", "--as-of", "2026-12-01", "--weeks", "4")
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
    s("dev", "generate", "--plans", "3", "--seed", "7", "--database", f"sqlite:///{tmp / 'gen.sqlite3'}",
      "--today", "2026-01-05", "--jobs", "1", "--format", "json")


def first_difference(old: list, new: list) -> str:
    for i, (a, b) in enumerate(zip(old, new)):
        if a != b:
            diff = difflib.unified_diff(json.dumps(a, indent=2).splitlines(), json.dumps(b, indent=2).splitlines(),
                                        "golden", "now", lineterm="")
            return f"entry {i} differs: {b.get('argv')}\n" + "\n".join(diff)
    return f"the scenario has {len(new)} entries, the golden file {len(old)}"


def test_golden_scenario(sqlite_url, tmp_path):
    s = Scenario(sqlite_url, tmp_path)
    play(s)
    text = json.dumps(s.entries, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if os.environ.get("EHCP_REGOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text)
        return
    assert GOLDEN.exists(), f"no golden file: run EHCP_REGOLDEN=1 pytest {Path(__file__).name}"
    golden = GOLDEN.read_text()
    if golden != text:
        pytest.fail(first_difference(json.loads(golden), s.entries), pytrace=False)

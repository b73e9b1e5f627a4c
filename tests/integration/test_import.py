"""CSV import on both databases: good files give exactly what the case commands give; a file with any
bad row is refused whole (nothing written) with every rejected row's line, column and reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ehcp.importing import ImportRefused, import_file
from ehcp.services.advice import receive_advice, request_advice
from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
from ehcp.services.partners import add_partner
from ehcp.services.recompute import recompute_all
from ehcp.services.views import show_case
from ehcp.store.models import AdviceRequest, AuditRecord, Case, CaseEvent, Child, Deadline, Partner, User

TODAY = "2025-12-01"
CASES_HEADER = "reference,given_name,family_name,dob,upn,year_group,received,source,caseworker"
EVENTS_HEADER = ("reference,kind,on,advice_kind,partner,received_by_body,channel,served_on,reason,until,outcome,"
                 "school,note")
MODELS = (Child, Case, CaseEvent, Deadline, AdviceRequest, Partner, User, AuditRecord)


def write(tmp_path: Path, name: str, *lines: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def counts(ctx) -> dict[str, int]:
    with ctx.uow(write=False) as uow:
        return {m.__tablename__: uow.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def refused(ctx, kind: str, path: Path, **options) -> list[tuple[int, str, str]]:
    """Import ``path`` expecting a refusal; check nothing was written; return (line, column, reason)."""
    before = counts(ctx)
    with pytest.raises(ImportRefused) as caught:
        import_file(ctx, kind, path, **options)
    assert counts(ctx) == before
    return [(e.line, e.column, e.reason) for e in caught.value.errors]


def where(errors: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    return [(line, column) for line, column, _ in errors]


def deadlines_of(ctx, reference: str) -> list[dict]:
    return show_case(ctx.settings, reference)["deadlines"]


# ------------------------------------------------------------------------------------------ good files

def test_imported_cases_have_the_deadlines_case_new_gives(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", CASES_HEADER,
                 ",Pixel,Testington,2016-05-04,,4,2025-03-03,parent,",
                 ",Widget,Sampleby,2014-01-20,,,2024-12-23,school,",   # holidays inside the clocks
                 ",Gizmo,Mockworth,2019-11-05,,,2025-11-20,young_person,")
    result = import_file(ctx, "cases", path)
    assert result.counts["cases"] == 3 and result.counts["deadlines"] == 9
    made = [open_case(ctx, ChildDetails("Other", f"Child{i}", date(2015, 1, 1)), received=received,
                      source=source).reference
            for i, (received, source) in enumerate([(date(2025, 3, 3), "parent"), (date(2024, 12, 23), "school"),
                                                    (date(2025, 11, 20), "young_person")])]
    imported = ["EHC-2025-00001", "EHC-2024-00001", "EHC-2025-00002"]
    assert made == ["EHC-2025-00003", "EHC-2024-00002", "EHC-2025-00004"]
    assert recompute_all(ctx).changes == []
    for ours, theirs in zip(imported, made, strict=True):
        assert deadlines_of(ctx, ours) == deadlines_of(ctx, theirs)
        mine, other = show_case(ctx.settings, ours), show_case(ctx.settings, theirs)
        assert (mine["stage"], mine["received"], mine["source"]) == (other["stage"], other["received"], other["source"])


def test_imported_opening_events_carry_the_date_of_birth_as_case_new_records_it(db_url, make_ctx, tmp_path):
    """The child's date of birth in the opening event drives under-5 reviews, year 9 and phase
    transfers: an imported case that later gets a plan has the same clocks as one opened by 'case new'."""
    ctx = make_ctx(db_url, today=TODAY)
    import_file(ctx, "cases", write(tmp_path, "cases.csv", CASES_HEADER,
                                    ",Pixel,Testington,2016-05-04,,,2024-06-03,parent,"))
    made = open_case(ctx, ChildDetails("Pixel", "Otherton", date(2016, 5, 4)), received=date(2024, 6, 3)).reference
    for ref in ("EHC-2024-00001", made):
        advance_case(ctx, ref, to="assessment", on=date(2024, 7, 1))
        advance_case(ctx, ref, to="draft", on=date(2024, 9, 2))
        advance_case(ctx, ref, to="final", on=date(2024, 10, 21))
    with ctx.uow(write=False) as uow:
        payloads = [p for p, in uow.session.execute(select(CaseEvent.payload)
                                                    .where(CaseEvent.kind == "request_received"))]
    assert [p.get("dob") for p in payloads] == ["2016-05-04", "2016-05-04"]
    ours, theirs = deadlines_of(ctx, "EHC-2024-00001"), deadlines_of(ctx, made)
    assert "phase_transfer" in {d["key"] for d in ours}
    assert ours == theirs


def _service_history(ctx, reference: str) -> None:
    advance_case(ctx, reference, to="assessment", on=date(2025, 4, 10))
    request_advice(ctx, reference, kind="psychological", partner="Synthshire EP", on=date(2025, 4, 14))
    request_advice(ctx, reference, kind="medical", partner="Testford Health", on=date(2025, 4, 14),
                   channel="first_class_post")
    receive_advice(ctx, reference, kind="psychological", on=date(2025, 5, 20))
    record_exception(ctx, reference, reason="personal_circumstances", start=date(2025, 5, 1),
                     until=date(2025, 5, 30))
    advance_case(ctx, reference, to="draft", on=date(2025, 6, 2), channel="email")
    advance_case(ctx, reference, to="final", on=date(2025, 7, 1))


def test_imported_events_and_advice_match_the_case_commands(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    import_file(ctx, "partners", write(tmp_path, "partners.csv",
                                       "name,advice_kinds,contact_name,email,escalation_email",
                                       "Synthshire EP,psychological,,ep@example.org,head@example.org",
                                       "Testford Health,medical;other,,health@example.org,"))
    import_file(ctx, "cases", write(tmp_path, "cases.csv", CASES_HEADER,
                                    "EHC-2025-00100,Pixel,Testington,2016-05-04,,,2025-03-03,parent,",
                                    "EHC-2025-00101,Widget,Sampleby,2016-05-04,,,2025-03-03,parent,"))
    result = import_file(ctx, "events", write(
        tmp_path, "events.csv", EVENTS_HEADER,
        "EHC-2025-00100,assessment_agreed,2025-04-10,,,,,,,,,,",
        "EHC-2025-00100,advice_requested,2025-04-14,psychological,Synthshire EP,,,,,,,,",
        "EHC-2025-00100,advice_requested,2025-04-14,medical,Testford Health,,first_class_post,,,,,,",
        "EHC-2025-00100,advice_received,2025-05-20,psychological,,,,,,,,,",
        "EHC-2025-00100,exception_recorded,2025-05-01,,,,,,personal_circumstances,2025-05-30,,,family illness",
        "EHC-2025-00100,draft_plan_sent,2025-06-02,,,,email,,,,,,",
        "EHC-2025-00100,final_plan_issued,2025-07-01,,,,,,,,,,"))
    assert result.counts["cases"] == 1 and result.counts["events"] == 7 and result.counts["advice_requests"] == 2
    _service_history(ctx, "EHC-2025-00101")
    ours, theirs = show_case(ctx.settings, "EHC-2025-00100"), show_case(ctx.settings, "EHC-2025-00101")
    assert ours["stage"] == theirs["stage"] == "final"
    assert ours["deadlines"] == theirs["deadlines"]

    def strip(advice: list[dict]) -> list[dict]:
        return [{k: v for k, v in a.items() if k != "id"} for a in advice]

    assert strip(ours["advice"]) == strip(theirs["advice"])
    with ctx.uow(write=False) as uow:  # the advice clocks point at their requests, as the services do it
        rows = uow.session.execute(
            select(Case.reference, Deadline.key, AdviceRequest.kind)
            .join(Case, Case.id == Deadline.case_id).join(AdviceRequest, AdviceRequest.id == Deadline.advice_request_id)
            .order_by(Case.reference, Deadline.key)).all()
    assert [tuple(r) for r in rows] == [("EHC-2025-00100", "advice.medical", "medical"),
                                       ("EHC-2025-00100", "advice.psychological", "psychological"),
                                       ("EHC-2025-00101", "advice.medical", "medical"),
                                       ("EHC-2025-00101", "advice.psychological", "psychological")]
    assert recompute_all(ctx).changes == []  # every stored deadline row is exactly what the services store


def test_advice_file_requests_and_receipts(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    add_partner(ctx, "Synthshire EP", email="ep@example.org")
    ref = open_case(ctx, ChildDetails("Pixel", "Testington", date(2016, 5, 4)), received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    import_file(ctx, "advice", write(tmp_path, "advice.csv",
                                     "reference,kind,partner,requested_on,received_by_body,channel,received_on",
                                     f"{ref},psychological,Synthshire EP,2025-04-14,,,2025-05-20",
                                     f"{ref},parent,,2025-04-14,,,"))
    view = show_case(ctx.settings, ref)
    assert [(a["kind"], a["received_on"]) for a in view["advice"]] == [("psychological", date(2025, 5, 20)),
                                                                       ("parent", None)]
    advice = {d["key"]: d for d in view["deadlines"] if d["key"].startswith("advice.")}
    assert list(advice) == ["advice.psychological"]  # parent advice has no reg 8 clock
    assert advice["advice.psychological"]["status"] == "met"


def test_blank_references_continue_after_the_database_and_the_file(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    open_case(ctx, ChildDetails("Other", "Child", date(2015, 1, 1)), received=date(2025, 1, 6))  # EHC-2025-00001
    import_file(ctx, "cases", write(tmp_path, "cases.csv", CASES_HEADER,
                                    ",Pixel,Testington,2016-05-04,,,2025-03-03,,",
                                    "ehc-2025-00007,Widget,Sampleby,2015-02-01,,,2025-03-04,,",
                                    ",Gizmo,Mockworth,2016-02-03,,,2024-03-03,,"))
    with ctx.uow(write=False) as uow:
        refs = list(uow.session.scalars(select(Case.reference).order_by(Case.id)))
    assert refs == ["EHC-2025-00001", "EHC-2025-00008", "EHC-2025-00007", "EHC-2024-00001"]


def test_child_on_file_is_linked_not_duplicated(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    import_file(ctx, "cases", write(tmp_path, "a.csv", CASES_HEADER,
                                    ",Pixel,Testington,2016-05-04,A12345678901B,,2023-03-03,,"))
    import_file(ctx, "cases", write(tmp_path, "b.csv", CASES_HEADER,
                                    ",Pixel,Testington,2016-05-04,A12345678901B,,2025-03-03,,",
                                    ",Widget,Sampleby,2015-02-01,,,2025-03-04,,",
                                    ",Widget,Sampleby,2015-02-01,,,2025-06-04,,"))
    with ctx.uow(write=False) as uow:
        assert uow.session.scalar(select(func.count(Child.id))) == 2
        assert uow.session.scalar(select(func.count(Case.id))) == 4


def test_one_audit_record_per_import_without_personal_data(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    before = counts(ctx)["audit_log"]
    import_file(ctx, "cases", write(tmp_path, "cases.csv", CASES_HEADER,
                                    ",Pixel,Testington,2016-05-04,,,2025-03-03,,",
                                    ",Widget,Sampleby,2015-02-01,,,2025-03-04,,"))
    with ctx.uow(write=False) as uow:
        records = [(r.action, r.detail, r.reason)
                   for r in uow.session.scalars(select(AuditRecord).order_by(AuditRecord.id))]
    assert len(records) == before + 1
    action, detail, reason = records[-1]
    assert action == "import_cases"
    assert detail["file"] == "cases.csv" and detail["cases"] == 2
    text = repr(detail) + repr(reason)
    assert "Pixel" not in text and "Testington" not in text and "2016-05-04" not in text


def test_caseworkers_must_exist_unless_created(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", CASES_HEADER, ",Pixel,Testington,2016-05-04,,,2025-03-03,,sam.worker")
    assert where(refused(ctx, "cases", path)) == [(2, "caseworker")]
    result = import_file(ctx, "cases", path, create_users=True)
    assert result.counts["users_created"] == 1
    rows = show_case(ctx.settings, "EHC-2025-00001")
    assert rows["caseworker"] == "sam.worker"


# ------------------------------------------------------------------------------------------ refusals

@pytest.mark.parametrize("row, expected", [
    (",Pixel,Testington,04/05/2016,,,2025-03-03,parent,", (2, "dob")),                  # not ISO
    (",Pixel,Testington,2016-05-04,,,2025-02-30,parent,", (2, "received")),             # impossible date
    (",Pixel,Testington,2016-05-04,,,2025-03-03,auntie,", (2, "source")),               # unknown source
    (",Pixel,Testington,2016-05-04,,,2015-03-03,parent,", (2, "received")),             # before birth
    (",Pixel,Testington,2016-05-04,,,2026-03-03,parent,", (2, "received")),             # in the future
    (",Pixel,Testington,2031-05-04,,,2031-06-03,parent,", [(2, "dob"), (2, "received")]),  # the future
    (",Pixel,Testington,2010-05-04,,,2014-08-29,parent,", (2, "received")),             # before SEND Regs 2014
    (",Pixel,,2016-05-04,,,2025-03-03,parent,", (2, "family_name")),                    # missing value
    (",Pixel,Testington,2016-05-04,12345,,2025-03-03,parent,", (2, "upn")),             # not a UPN
    (",Pixel,Testington,2016-05-04,,year 4,2025-03-03,parent,", (2, "year_group")),     # not a number
    ("EHC 2025 1,Pixel,Testington,2016-05-04,,,2025-03-03,parent,", (2, "reference")),  # not a reference
])
def test_bad_case_rows_refused_with_line_and_column(db_url, make_ctx, tmp_path, row, expected):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", CASES_HEADER, row, ",Widget,Sampleby,2015-02-01,,,2025-03-04,,")
    assert where(refused(ctx, "cases", path)) == (expected if isinstance(expected, list) else [expected])


def test_every_bad_row_is_reported_not_just_the_first(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    good = ",Widget,Sampleby,2015-02-01,,,2025-03-04,,"
    path = write(tmp_path, "cases.csv", CASES_HEADER, good, *[good] * 3,
                 ",Pixel,Testington,2016-13-04,,,2025-03-03,,",
                 ",Pixel,Testington,2016-05-04,,,x,martian,",
                 *[good] * 2)
    # rows are written in chunks until the first failure; --again: the good row repeated is not a duplicate here
    errors = refused(ctx, "cases", path, chunk=2, again=True)
    assert where(errors) == [(6, "dob"), (7, "received"), (7, "source")]


def test_duplicate_references_in_the_file_and_in_the_database(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", CASES_HEADER,
                 "EHC-2025-00005,Pixel,Testington,2016-05-04,,,2025-03-03,,",
                 "EHC-2025-00006,Widget,Sampleby,2015-02-01,,,2025-03-04,,",
                 "ehc-2025-00005,Gizmo,Mockworth,2016-02-03,,,2025-03-05,,")
    errors = refused(ctx, "cases", path)
    assert where(errors) == [(4, "reference")] and "line 2" in errors[0][2]
    import_file(ctx, "cases", write(tmp_path, "first.csv", CASES_HEADER,
                                    "EHC-2025-00006,Widget,Sampleby,2015-02-01,,,2025-03-04,,"))
    again = write(tmp_path, "again.csv", CASES_HEADER, "EHC-2025-00006,Doodle,Dummy,2015-02-01,,,2025-03-04,,")
    errors = refused(ctx, "cases", again)
    assert where(errors) == [(2, "reference")] and "already in the database" in errors[0][2]


@pytest.mark.parametrize("content, expected, reason", [
    ("given_name,family_name,received\nPixel,Testington,2025-03-03\n", [(1, "dob")], "missing required column"),
    (CASES_HEADER + ",colour\n,Pixel,Testington,2016-05-04,,,2025-03-03,,,blue\n", [(1, "colour")], "unknown column"),
    (CASES_HEADER + '\n,"Pixel,Testington,2016-05-04,,,2025-03-03,,\n', [(2, "-")], "malformed CSV"),
    (CASES_HEADER + '\n,"Pixel"x,Testington,2016-05-04,,,2025-03-03,,\n,W,S,2015-02-01,,,2025-03-04,,\n',
     [(2, "-")], "malformed CSV"),
    (CASES_HEADER + "\n,Pixel,Testington,2016-05-04,,,2025-03-03\n", [(2, "-")], "the row has 7 fields"),
    ("", [(1, "-")], "empty"),
    (CASES_HEADER + "\n", [(2, "-")], "no rows"),
])
def test_malformed_files_refused(db_url, make_ctx, tmp_path, content, expected, reason):
    ctx = make_ctx(db_url, today=TODAY)
    path = tmp_path / "cases.csv"
    path.write_text(content, encoding="utf-8")
    errors = refused(ctx, "cases", path)
    assert where(errors) == expected
    assert reason in errors[0][2]


def test_file_that_is_not_utf8_refused(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", CASES_HEADER, ",Zoë,Testington,2016-05-04,,,2025-03-03,,",
                 encoding="latin-1")
    errors = refused(ctx, "cases", path)
    assert errors[0][1] == "-" and "not UTF-8" in errors[0][2]


def test_excel_byte_order_mark_is_accepted(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", "\ufeff" + CASES_HEADER.upper(), ",Zoë,Testington,2016-05-04,,,2025-03-03,,")
    assert import_file(ctx, "cases", path).counts["cases"] == 1


def _case_on_file(ctx) -> str:
    return open_case(ctx, ChildDetails("Pixel", "Testington", date(2016, 5, 4)), received=date(2025, 3, 3)).reference


def test_events_for_unknown_cases_refused(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    ref = _case_on_file(ctx)
    path = write(tmp_path, "events.csv", EVENTS_HEADER,
                 f"{ref},assessment_agreed,2025-04-10,,,,,,,,,,",
                 "EHC-2025-09999,assessment_agreed,2025-04-10,,,,,,,,,,")
    errors = refused(ctx, "events", path)
    assert where(errors) == [(3, "reference")] and "unknown case" in errors[0][2]


@pytest.mark.parametrize("rows, expected, reason", [
    (["{ref},final_plan_issued,2025-04-10,,,,,,,,,,"], [(2, "kind")], "does not follow from request"),
    (["{ref},assessment_agreed,2025-04-10,,,,,,,,,,", "{ref},assessment_refused,2025-04-11,,,,,,,,,,"],
     [(3, "kind")], "does not follow from assessment"),
    (["{ref},assessment_agreed,2025-02-10,,,,,,,,,,"], [(2, "kind")], "request was received on 2025-03-03"),
    (["{ref},assessment_agreed,2025-04-10,,,,,,,,,,", "{ref},draft_plan_sent,2025-06-02,,,,email,,,,,,",
      "{ref},final_plan_issued,2025-06-05,,,,,,,,,,"], [(4, "kind")], "15-day window"),
    (["{ref},assessment_refused,2025-04-10,,,,,,,,,,",
      "{ref},advice_requested,2025-04-14,psychological,Synthshire EP,,,,,,,,"], [(3, "kind")],
     "only while the case is in"),
    (["{ref},assessment_agreed,2025-04-10,,,,,,,,,,", "{ref},advice_received,2025-05-10,medical,,,,,,,,,"],
     [(3, "advice_kind")], "no open medical advice request"),
    (["{ref},assessment_agreed,2025-04-10,,,,,,,,,,", "{ref},advice_requested,2025-04-14,medical,Nobody,,,,,,,,"],
     [(3, "partner")], "unknown partner"),
    (["{ref},assessment_agreed,2025-04-10,,,,,,,,maintain,,"], [(2, "outcome")], "does not apply"),
    (["{ref},request_received,2025-04-10,,,,,,,,,,"], [(2, "kind")], "import it with 'ehcp import cases'"),
    (["{ref},case_reopened,2025-04-10,,,,,,,,,,"], [(2, "kind")], "unknown value"),
    (["{ref},exception_recorded,2025-04-10,,,,,,school_closure,,,,"], [(2, "kind")], "re-opens"),
    (["{ref},assessment_agreed,2026-04-10,,,,,,,,,,"], [(2, "on")], "in the future"),
    (["{ref},assessment_agreed,2025-04-10,,,,,,,,,,", "{ref},final_plan_issued,2025-04-09,,,,,,,,,,",
      "{ref},plan_ceased,2025-09-01,,,,,,,,,,"], [(3, "kind"), (4, "reference")], "does not follow"),
])
def test_events_the_law_does_not_allow_refused(db_url, make_ctx, tmp_path, rows, expected, reason):
    ctx = make_ctx(db_url, today=TODAY)
    add_partner(ctx, "Synthshire EP", email="ep@example.org")
    ref = _case_on_file(ctx)
    path = write(tmp_path, "events.csv", EVENTS_HEADER, *[r.format(ref=ref) for r in rows])
    errors = refused(ctx, "events", path)
    assert where(errors) == expected
    assert reason in errors[0][2]


def test_advice_file_refusals(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    add_partner(ctx, "Synthshire EP", email="ep@example.org")
    ref = _case_on_file(ctx)
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    path = write(tmp_path, "advice.csv", "reference,kind,partner,requested_on,received_by_body,channel,received_on",
                 f"{ref},psychological,Synthshire EP,2025-04-14,,,2025-04-01",
                 f"{ref},medical,,2025-04-14,,,",
                 f"{ref},telepathic,Synthshire EP,2025-04-14,,,",
                 f"{ref},psychological,Synthshire EP,2025-04-14,,pigeon,")
    assert where(refused(ctx, "advice", path)) == [(2, "received_on"), (3, "partner"), (4, "kind"), (5, "channel")]


def test_partner_file_refusals(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    add_partner(ctx, "Synthshire EP", email="ep@example.org")
    path = write(tmp_path, "partners.csv", "name,advice_kinds,contact_name,email,escalation_email",
                 "Synthshire EP,psychological,,ep@example.org,",
                 "Testford Health,medical;dentistry,,health@example.org,",
                 "Mockborough Care,social_care,,not-an-address,",
                 "Testford Schools,educational,,s@example.org,",
                 "Testford Schools,educational,,s@example.org,")
    assert where(refused(ctx, "partners", path)) == [(2, "name"), (3, "advice_kinds"), (4, "email"), (6, "name")]


# ------------------------------------------------------------------------------------------ the command

def test_import_command_reports_rejected_rows_and_exit_status(sqlite_url, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    env = {"EHCP_DATABASE_URL": sqlite_url, "EHCP_TODAY": TODAY, "EHCP_USER": "casey.worker",
           "EHCP_CONFIG": str(tmp_path / "none.toml"), "NO_COLOR": "1"}
    bad = write(tmp_path, "bad.csv", CASES_HEADER, ",Pixel,Testington,2016-05-04,,,2025-02-30,parent,",
                ",Widget,Sampleby,2015-02-01,,,2025-03-04,aunt,")
    errors_file = tmp_path / "rejected.csv"
    result = CliRunner().invoke(app, ["import", "cases", str(bad), "--errors", str(errors_file)], env=env)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1  # one line on stderr ...
    assert "nothing was imported" in result.stderr and "line 2, column received" in result.stderr
    assert "2" in result.stdout and "received" in result.stdout and "source" in result.stdout  # ... rows on stdout
    assert errors_file.read_text().splitlines()[0] == "line,column,reason"
    assert [line.split(",")[:2] for line in errors_file.read_text().splitlines()[1:]] == [["2", "received"],
                                                                                         ["3", "source"]]
    good = write(tmp_path, "good.csv", CASES_HEADER, ",Pixel,Testington,2016-05-04,,,2025-02-28,parent,")
    result = CliRunner().invoke(app, ["import", "cases", str(good), "--format", "json"], env=env)
    assert result.exit_code == 0, result.stderr
    assert '"cases": 1' in result.stdout
    help_text = CliRunner().invoke(app, ["import", "events", "--help"], env=env).stdout
    for column in ("reference", "kind", "on", "advice_kind", "partner", "outcome", "until"):
        assert column in help_text


def test_a_database_error_in_the_bulk_insert_rolls_the_whole_import_back(db_url, make_ctx):
    """The background insert thread hands a failure to the importing thread; nothing is kept."""
    from ehcp.domain import RequestReceived
    from ehcp.importing.session import import_transaction
    from ehcp.importing.writer import NewCase, NewChild

    ctx = make_ctx(db_url, today=TODAY)
    before = counts(ctx)
    event = RequestReceived(on=date(2025, 3, 3), source="parent")
    cases = [NewCase("EHC-2025-00001", NewChild("Pixel", "Testington", date(2016, 5, 4)), date(2025, 3, 3),
                     "parent", None, [event]) for _ in range(2)]  # the same reference twice
    with pytest.raises(Exception, match=r"(?i)unique"), import_transaction(ctx) as (uow, writer):
        writer.write_cases(cases)
        writer.close()
        uow.commit()
    assert counts(ctx) == before


def test_whole_generated_histories_import_cleanly_with_the_domains_deadlines(db_url, make_ctx, tmp_path):
    """Round trip: synthetic histories (every event kind) written out as CSV import without a
    single refusal, and every stored deadline is what the services would store."""
    import csv

    from ehcp.importing import synthetic
    from ehcp.importing.spec import EVENTS

    ctx = make_ctx(db_url, today=TODAY)
    stories = list(synthetic.stories(9, 80, date.fromisoformat(TODAY), caseworkers=1))
    references = synthetic.References()
    columns = [c.name for c in EVENTS]
    with (tmp_path / "partners.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["name", "advice_kinds", "email"])
        out.writerows([name, kind, "advice@example.org"] for name, kind, *_ in synthetic.PARTNERS)
    with (tmp_path / "cases.csv").open("w", newline="") as cases, \
            (tmp_path / "events.csv").open("w", newline="") as events:
        case_out, event_out = csv.writer(cases), csv.writer(events)
        case_out.writerow(["reference", "given_name", "family_name", "dob", "received", "source"])
        event_out.writerow(columns)
        for story in stories:
            ref = references.next(story.received.year)
            case_out.writerow([ref, story.child.given_name, story.child.family_name, story.child.dob,
                               story.received, story.source])
            partner = {a.local: synthetic.PARTNERS[a.partner_id][0] for a in story.advice}
            for event in story.events[1:]:
                payload = event.to_payload()
                row = {"reference": ref, "kind": event.kind, "on": event.on.isoformat(),
                       "advice_kind": payload.get("advice_kind") if "advice" in event.kind else None,
                       "partner": partner.get(payload.get("request_id")) if event.kind == "advice_requested" else None,
                       "channel": payload.get("channel"), "outcome": payload.get("outcome"),
                       "reason": payload.get("reason"), "until": payload.get("until")}
                if event.kind == "cease_notice_sent":  # a lifecycle event: its fields go in details
                    row["reason"], row["details"] = None, f"reason={payload['reason']}"
                event_out.writerow(["" if row.get(c) is None else row[c] for c in columns])
    import_file(ctx, "partners", tmp_path / "partners.csv")
    import_file(ctx, "cases", tmp_path / "cases.csv")
    result = import_file(ctx, "events", tmp_path / "events.csv")
    assert result.counts["events"] == sum(len(s.events) - 1 for s in stories)
    kinds = {e.kind for s in stories for e in s.events}
    assert {"advice_received", "review_decided", "amended_plan_issued", "exception_recorded"} <= kinds
    assert recompute_all(ctx).changes == []


def test_import_needs_a_manager_once_permissions_are_enforced(db_url, make_ctx, tmp_path):
    import dataclasses

    from ehcp.services.errors import Refused
    from ehcp.services.users import add_user

    ctx = make_ctx(db_url, today=TODAY, user="boss")
    with ctx.uow() as uow:
        add_user(uow, actor="boss", login="boss", name=None, role="manager", team=None, email=None)
        add_user(uow, actor="boss", login="casey", name=None, role="caseworker", team=None, email=None)
        uow.commit()
    path = write(tmp_path, "cases.csv", CASES_HEADER, ",Pixel,Testington,2016-05-04,,,2025-03-03,,")
    enforced = dataclasses.replace(ctx.settings, enforce_permissions=True)
    caseworker = type(ctx)(dataclasses.replace(enforced, user="casey"))
    before = counts(ctx)
    with pytest.raises(Refused, match="bulk_import"):
        import_file(caseworker, "cases", path)
    assert counts(ctx) == before
    assert import_file(type(ctx)(enforced), "cases", path).counts["cases"] == 1


def test_a_bulk_import_into_postgresql_refreshes_the_planner_statistics_of_the_tables_it_grew(
        pg_schema_url, make_ctx, tmp_path):
    """Before autovacuum gets round to a freshly loaded table the planner plans from its old
    statistics (none, for a first import): a caseworker's case list read 80,000 index pages instead
    of 2,700 (docs/performance.md). The import ANALYZEs what it grew, after its commit."""
    import sqlalchemy as sa

    from ehcp.store.db import engine_for

    def analysed() -> dict[str, object]:
        with engine_for(pg_schema_url).connect() as conn:
            return dict(conn.execute(sa.text(
                "SELECT relname, last_analyze FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                " AND relname IN ('cases', 'children', 'deadlines', 'case_events', 'partners')")).tuples().all())

    before = analysed()
    letters = "abcdefghijklmnopqrstuvwxyz"
    rows = [f",Child{letters[i % 26].upper()}{letters[i // 26 % 26]},Testington{letters[i // 676]},2016-05-04,,,"
            f"2025-03-03,parent," for i in range(1200)]
    path = write(tmp_path, "cases.csv", CASES_HEADER, *rows)
    result = import_file(make_ctx(pg_schema_url, today=TODAY), "cases", path)
    assert result.counts["cases"] == 1200
    after = analysed()
    for table in ("cases", "children", "deadlines", "case_events"):
        assert after[table] is not None and after[table] != before.get(table), table
    assert after["partners"] == before.get("partners")  # not written: left to autovacuum

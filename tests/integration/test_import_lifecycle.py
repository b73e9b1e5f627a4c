"""Lifecycle events (reviews, ceasing, disputes, transfers out) through ``ehcp import events`` on both
databases: the fields come from the ``details`` column, each row is checked by the domain as the
lifecycle commands check it, and the stored events, stage and deadlines are what those commands give."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ehcp.importing import import_file
from ehcp.services import lifecycle_cease as cease
from ehcp.services import lifecycle_disputes as disputes
from ehcp.services import lifecycle_transfer as transfer
from ehcp.services import reviews
from ehcp.services.case_log import load_case
from ehcp.services.cases import ChildDetails, advance_case, open_case
from ehcp.services.recompute import recompute_all
from ehcp.services.views import show_case
from ehcp.store.models import CaseEvent
from tests.integration.test_import import counts, refused, where, write

D = date.fromisoformat
TODAY = "2026-03-02"
CENSUS = date(2026, 1, 15)  # SEN2 2026: the collection period is calendar 2025
HEADER = "reference,kind,on,outcome,reason,details"


def plan(ctx, given: str, family: str, dob: str = "2016-05-04") -> str:
    """A case with a final plan (issued 2024-10-21), made by the case commands."""
    ref = open_case(ctx, ChildDetails(given, family, D(dob)), received=D("2024-06-03")).reference
    advance_case(ctx, ref, to="assessment", on=D("2024-07-01"))
    advance_case(ctx, ref, to="draft", on=D("2024-09-02"))
    advance_case(ctx, ref, to="final", on=D("2024-10-21"))
    return ref


def log(ctx, ref: str) -> list[tuple]:
    """The case's stored events: (kind, on, payload, reason) in log order."""
    with ctx.uow(write=False) as uow:
        case = load_case(uow, ref)
        rows = uow.session.execute(select(CaseEvent.kind, CaseEvent.on, CaseEvent.payload, CaseEvent.reason)
                                   .where(CaseEvent.case_id == case.id).order_by(CaseEvent.on, CaseEvent.id))
        return [tuple(r) for r in rows]


def assert_twins(ctx, imported: str, made: str) -> dict:
    """The imported case's log, stage and deadlines equal those of the case the commands made."""
    assert log(ctx, imported) == log(ctx, made)
    ours, theirs = show_case(ctx.settings, imported), show_case(ctx.settings, made)
    assert ours["stage"] == theirs["stage"]
    assert ours["deadlines"] == theirs["deadlines"]
    assert recompute_all(ctx).changes == []  # every stored deadline row is what the services store
    return ours


def sen2_plan(ctx, ref: str) -> dict:
    from ehcp.sen2.extract import extract
    from ehcp.store.db import engine_for

    with engine_for(ctx.settings.database_url).connect() as conn:
        found = extract(conn, CENSUS, references=[ref])
    (request,) = [r for p in found.persons for r in p.requests if r.reference == ref]
    return {k: v.value for k, v in request.plan.items()}


# ------------------------------------------------------------------------------------------ good files

def test_review_and_cease_imported_as_the_review_and_cease_commands_record_them(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    imported, made = plan(ctx, "Alex", "Example"), plan(ctx, "Bo", "Sample")
    result = import_file(ctx, "events", write(
        tmp_path, "events.csv", HEADER,
        f"{imported},review_scheduled,2025-03-31,,,meeting=2025-04-29",
        f"{imported},review_invitations_sent,2025-04-01,,,channel=first_class_post",
        f"{imported},review_meeting_held,2025-04-29,,,",
        f"{imported},review_report_sent,2025-05-06,,,",
        f"{imported},review_decided,2025-05-20,maintain,,",
        f"{imported},cease_consulted,2025-06-02,,,",
        f"{imported},cease_notice_sent,2025-06-16,,,Reason = needs_met;",
        f"{imported},plan_ceased,2025-09-08,,,"))
    assert result.counts["cases"] == 1 and result.counts["events"] == 8
    reviews.schedule_review(ctx, made, meeting=D("2025-04-29"), on=D("2025-03-31"), invited_on=D("2025-04-01"),
                            channel="first_class_post")
    reviews.hold_review(ctx, made, on=D("2025-04-29"))
    reviews.record_report(ctx, made, on=D("2025-05-06"))
    reviews.decide_review(ctx, made, outcome="maintain", on=D("2025-05-20"))
    cease.consult_on_ceasing(ctx, made, on=D("2025-06-02"))
    cease.notify_cease(ctx, made, on=D("2025-06-16"), reason="needs_met")
    cease.cease_plan(ctx, made, on=D("2025-09-08"))
    view = assert_twins(ctx, imported, made)
    assert view["stage"] == "ceased"
    events = log(ctx, imported)
    assert [e[0] for e in events][-4:] == ["review_decided", "cease_consulted", "cease_notice_sent", "plan_ceased"]
    assert events[-2][2] == {"reason": "needs_met"} and events[0][0] == "request_received"
    assert ("review_scheduled", D("2025-03-31"), {"meeting": "2025-04-29"}, None) in events
    # SEN2 reads the imported reason: CeaseReason 2 (needs met), as for the case the commands ceased
    got = sen2_plan(ctx, imported)
    assert got["CeaseReason"] == "2" and got["CeaseDate"] == D("2025-09-08")
    assert got == sen2_plan(ctx, made)


def test_disputes_and_a_transfer_out_imported_with_typed_details(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    imported, made = plan(ctx, "Cal", "Example"), plan(ctx, "Dee", "Sample")
    result = import_file(ctx, "events", write(
        tmp_path, "events.csv", "reference,kind,on,details,note",
        f"{imported},appealable_decision,2025-01-13,about=contents,",
        f"{imported},mediation_adviser_contacted,2025-01-20,wants_mediation=YES,",
        f"{imported},mediation_requested,2025-01-27,health=true,",
        f"{imported},mediation_icb_notified,2025-01-28,,",
        f"{imported},mediation_concluded,2025-02-20,agreement=amend,",
        f"{imported},move_notified,2025-10-01,move_date=2025-11-03;to_la=Somerset,",
        f"{imported},plan_transferred_out,2025-11-03,to_la=Somerset,"))
    assert result.counts["events"] == 7
    disputes.record_decision(ctx, made, sent=D("2025-01-13"), about="contents")
    disputes.adviser_contacted(ctx, made, on=D("2025-01-20"), wants_mediation=True)
    disputes.mediation_requested(ctx, made, on=D("2025-01-27"), health=True)
    disputes.mediation_icb_notified(ctx, made, on=D("2025-01-28"))
    disputes.mediation_concluded(ctx, made, on=D("2025-02-20"), agreement="amend")
    transfer.notify_move(ctx, made, aware=D("2025-10-01"), move_date=D("2025-11-03"), to_la="Somerset")
    transfer.transfer_out(ctx, made, on=D("2025-11-03"), to_la="Somerset")
    view = assert_twins(ctx, imported, made)
    assert view["stage"] == "ceased"
    payloads = {kind: payload for kind, _, payload, _ in log(ctx, imported)}
    assert payloads["mediation_adviser_contacted"] == {"wants_mediation": True}
    assert payloads["mediation_requested"] == {"health": True}
    assert payloads["move_notified"] == {"move_date": "2025-11-03", "to_la": "Somerset"}
    assert sen2_plan(ctx, imported)["CeaseReason"] == "5"  # a transfer out


def test_child_noted_reads_numbers_and_empty_values(db_url, make_ctx, tmp_path):
    from ehcp.domain import events as ev

    ctx = make_ctx(db_url, today=TODAY)
    ref = plan(ctx, "Eli", "Example")
    import_file(ctx, "events", write(tmp_path, "events.csv", HEADER + ",note",
                                     f"{ref},child_noted,2025-09-08,,,year_group=5;dob=,kept down a year",
                                     f"{ref},phase_transfer_noted,2025-09-08,,,transfer=primary_to_middle,"))
    stored = log(ctx, ref)[-2:]
    assert stored[0] == ("child_noted", D("2025-09-08"), ev.ChildNoted(D("2025-09-08"), None, 5).to_payload(),
                         "kept down a year")  # the note is the event's reason
    assert stored[1][2] == {"transfer": "primary_to_middle", "transfer_date": None}
    assert recompute_all(ctx).changes == []


# ------------------------------------------------------------------------------------------ refusals

@pytest.mark.parametrize("rows, expected, reason", [
    (["{plan},cease_notice_sent,2025-06-16,,,reasn=needs_met"], [(2, "details")],
     "unknown key 'reasn' for cease_notice_sent; its keys are reason"),
    (["{plan},cease_consulted,2025-06-02,,,reason=needs_met"], [(2, "details")], "cease_consulted takes no details"),
    (["{plan},review_scheduled,2025-03-31,,,meeting=2025-02-30"], [(2, "details")],
     "meeting: '2025-02-30' is not a real calendar date"),
    (["{plan},review_scheduled,2025-03-31,,,meeting=29/04/2025"], [(2, "details")],
     "meeting: '29/04/2025' is not a date in the form YYYY-MM-DD"),
    (["{plan},review_scheduled,2025-03-31,,,"], [(2, "details")], "review_scheduled needs meeting=..."),
    (["{plan},move_notified,2025-10-01,,,to_la=Somerset"], [(2, "details")], "needs move_date="),
    (["{plan},review_scheduled,2025-03-31,,,meeting="], [(2, "details")], "meeting: a value is required"),
    (["{plan},mediation_requested,2025-01-27,,,health=maybe"], [(2, "details")], "health: 'maybe' is not yes or no"),
    (["{plan},child_noted,2025-01-27,,,year_group=four"], [(2, "details")], "'four' is not a whole number"),
    (["{plan},review_scheduled,2025-03-31,,,meeting 2025-04-29"], [(2, "details")], "is not key=value"),
    (["{plan},review_meeting_held,2025-04-29,,,outcome=maintain"], [(2, "details")],
     "details are for lifecycle kinds"),
    (["{plan},cease_notice_sent,2025-06-16,,needs_met,"], [(2, "reason")],
     "give cease_notice_sent's fields in details"),
    (["{request},review_scheduled,2025-03-31,,,meeting=2025-04-29"], [(2, "kind")],
     "only while the case is in final, review"),
    (["{plan},cease_notice_sent,2025-06-16,,,reason=needs_met"], [(2, "kind")], "first be informed and consulted"),
    (["{plan},cease_consulted,2025-06-02,,,", "{plan},cease_notice_sent,2025-06-16,,,reason=bored"], [(3, "kind")],
     "unknown cease reason 'bored'"),
    (["{plan},cease_consulted,2025-06-02,,,", "{plan},review_report_sent,2025-06-03,,,",
      "{plan},cease_notice_sent,2025-06-16,,,reason=needs_met"], [(3, "kind"), (4, "reference")],
     "no review meeting held"),
    (["{plan},plan_transferred_in,2025-06-02,,,from_la=Somerset"], [(2, "kind")], "opens a new case"),
    (["{plan},review_report_sent,2026-04-01,,,"], [(2, "on")], "in the future"),
])
def test_lifecycle_rows_refused_with_line_and_column(db_url, make_ctx, tmp_path, rows, expected, reason):
    ctx = make_ctx(db_url, today=TODAY)
    request = open_case(ctx, ChildDetails("Bo", "Sample", D("2016-05-04")), received=D("2025-03-03")).reference
    refs = {"plan": plan(ctx, "Alex", "Example"), "request": request}
    path = write(tmp_path, "events.csv", HEADER, *[r.format(**refs) for r in rows])
    errors = refused(ctx, "events", path)
    assert where(errors) == expected
    assert reason in errors[0][2], errors


def test_one_bad_lifecycle_row_refuses_the_whole_file(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    first, second = plan(ctx, "Alex", "Example"), plan(ctx, "Bo", "Sample")
    before = counts(ctx)
    path = write(tmp_path, "events.csv", HEADER,
                 f"{first},cease_consulted,2025-06-02,,,",
                 f"{first},cease_notice_sent,2025-06-16,,,reason=needs_met",
                 f"{second},review_scheduled,2025-03-31,,,meeting=2025-04-31")
    assert where(refused(ctx, "events", path)) == [(4, "details")]
    assert counts(ctx) == before
    assert [e[0] for e in log(ctx, first)][-1] == "final_plan_issued"

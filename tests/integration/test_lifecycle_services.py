"""Lifecycle services on both databases: one transaction per command, audited per event, refusals
write nothing, and every clock is a row of the deadlines table (so the caseworker digest sees it)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ehcp.services import lifecycle_cease as cease
from ehcp.services import lifecycle_disputes as disputes
from ehcp.services import lifecycle_reassess as reassess
from ehcp.services import lifecycle_transfer as transfer
from ehcp.services import reviews
from ehcp.services.cases import ChildDetails, advance_case, open_case
from ehcp.services.errors import Refused
from ehcp.services.review_season import review_season
from ehcp.store.models import AuditRecord, CaseEvent, Child, Deadline

D = date.fromisoformat
ALEX = ChildDetails("Alex", "Example", D("2016-05-04"))  # Year 6 in 2026/27: secondary in September 2027


def plan(ctx, child: ChildDetails = ALEX, final: str = "2024-10-21") -> str:
    ref = open_case(ctx, child, received=D("2024-06-03")).reference
    advance_case(ctx, ref, to="assessment", on=D("2024-07-01"))
    advance_case(ctx, ref, to="draft", on=D("2024-09-02"))
    advance_case(ctx, ref, to="final", on=D(final))
    return ref


def rows(ctx, ref: str) -> dict[str, SimpleNamespace]:
    """The case's rows of the deadlines table, as plain values."""
    from ehcp.services.case_log import load_case

    fields = ("key", "due", "state", "met_on", "advisory", "is_window", "citation")
    with ctx.uow(write=False) as uow:
        case = load_case(uow, ref)
        found = uow.session.scalars(select(Deadline).where(Deadline.case_id == case.id))
        return {d.key: SimpleNamespace(**{f: getattr(d, f) for f in fields}) for d in found}


def counts(ctx) -> tuple[int, int, int]:
    with ctx.uow(write=False) as uow:
        s = uow.session
        return (s.scalar(select(func.count(CaseEvent.id))), s.scalar(select(func.count(Deadline.id))),
                s.scalar(select(func.count(AuditRecord.id))))


def test_G23_G24_G57_review_cycle_through_the_services(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-10-17")
    ref = plan(ctx)
    scheduled = reviews.schedule_review(ctx, ref, meeting=D("2025-11-04"), invited_on=D("2025-10-17"),
                                        channel="first_class_post")
    assert scheduled.details["invitations_by"] == D("2025-10-21")
    assert scheduled.details["post_invitations_by"] == D("2025-10-17")
    assert scheduled.deadline("review_invitation").state == "met"
    assert scheduled.recorded == ["review_scheduled", "review_invitations_sent"]  # dob came with the request
    later = make_ctx(db_url, today="2025-11-21")
    held = reviews.hold_review(later, ref, on=D("2025-11-04"))
    assert held.stage == "review" and held.details["decision_by"] == D("2025-12-02")
    reviews.record_report(later, ref, on=D("2025-11-14"))
    before = counts(later)
    noticed = reviews.send_amendment_notice(later, ref, on=D("2025-11-21"))
    assert noticed.recorded == ["review_decided", "amendment_notice_sent"] and noticed.stage == "final"
    assert counts(later)[0] == before[0] + 2 and counts(later)[2] == before[2] + 2
    got = rows(later, ref)
    assert got["amendment_representations"].due == D("2025-12-05") and got["amendment_representations"].is_window
    assert got["amended_plan"].due == D("2026-01-16")
    assert got["review_report"].state == "met" and got["review_decision"].state == "met"
    assert got["amendment_notice"].state == "met" and not noticed.warnings


def test_a_late_amendment_notice_is_recorded_and_flagged_as_a_breach(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-12-10")
    ref = plan(ctx)
    reviews.hold_review(ctx, ref, on=D("2025-11-04"))
    result = reviews.send_amendment_notice(ctx, ref, on=D("2025-12-10"))
    assert result.warnings and "more than 4 weeks" in result.warnings[0] and "Devon" in result.warnings[0]
    assert rows(ctx, ref)["amendment_notice"].state == "missed"


def test_refusals_name_the_rule_and_write_nothing(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-12-10")
    ref = plan(ctx)
    before = counts(ctx)
    with pytest.raises(Refused, match=r"reg 20\(7\)"):
        reviews.record_report(ctx, ref, on=D("2025-11-14"))
    with pytest.raises(Refused, match="in the future"):
        reviews.hold_review(ctx, ref, on=D("2026-01-05"))
    with pytest.raises(Refused, match=r"reg 31\(1\)"):
        cease.notify_cease(ctx, ref, on=D("2025-12-01"), reason="needs_met")
    assert counts(ctx) == before


def test_G29_review_season_works_back_from_15_february_and_finds_who_is_late(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-09-20")
    ref = plan(ctx)
    late = plan(ctx, ChildDetails("Sam", "Sample", D("2016-01-10")))
    other = plan(ctx, ChildDetails("Kim", "Older", D("2012-03-01")))  # Year 10: not this year's cohort
    assert rows(ctx, ref)["phase_transfer"].due == D("2027-02-14")
    reviews.schedule_review(ctx, ref, meeting=D("2026-10-13"))
    season = review_season(make_ctx(db_url, today="2026-11-30"), 2027)
    by_ref = {r["reference"]: r for r in season.rows}
    assert set(by_ref) == {ref, late} and other not in by_ref
    row = by_ref[ref]
    assert (row["deadline"], row["latest_notice"], row["latest_meeting"]) == (D("2027-02-14"), D("2026-12-20"),
                                                                            D("2026-11-22"))
    assert row["meeting"] == D("2026-10-13") and row["status"] == "late: meeting not recorded"
    assert by_ref[late]["status"] == "late: no review meeting" and by_ref[late]["late"]
    assert season.counts["cohort"] == 2 and season.counts["late"] >= 1
    assert season.rows[0]["late"]  # late first


def test_recorded_year_group_beats_the_date_of_birth(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-09-20")
    ref = plan(ctx)
    with ctx.uow() as uow:
        uow.session.execute(Child.__table__.update().values(year_group=5, year_group_year=2026))
        uow.commit()
    assert review_season(ctx, 2027).rows == []
    assert [r["reference"] for r in review_season(ctx, 2028).rows] == [ref]
    result = reviews.schedule_review(ctx, ref, meeting=D("2026-11-10"))
    assert result.recorded[0] == "child_noted" and result.details["ncy"] == 5
    assert rows(ctx, ref)["phase_transfer"].due == D("2028-02-14")


def test_a_review_held_before_the_year_group_was_noted_can_still_be_recorded(db_url, make_ctx):
    """The automatic child note takes the date of the event it comes with, not today: dated today it
    would follow the back-dated meeting and the move to review would be refused as out of order."""
    ctx = make_ctx(db_url, today="2025-09-10")
    ref = plan(ctx)
    with ctx.uow() as uow:
        uow.session.execute(Child.__table__.update().values(year_group=5, year_group_year=2025))  # Year 5 in 2025/26
        uow.commit()
    result = reviews.hold_review(ctx, ref, on=D("2025-07-01"))  # last term: Year 4 then
    assert result.recorded == ["child_noted", "review_meeting_held"]
    with ctx.uow(write=False) as uow:
        note = uow.session.execute(select(CaseEvent.on, CaseEvent.payload)
                                   .where(CaseEvent.kind == "child_noted")).one()
    assert note.on == D("2025-07-01") and note.payload["year_group"] == 4
    assert result.details["ncy"] == 4
    # still Year 5 now, so the phase transfer is the one for secondary in September 2027
    assert rows(ctx, ref)["phase_transfer"].due == D("2027-02-14")


def test_G33_sixth_form_note_removes_the_phase_transfer_row(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-10-10")
    ref = plan(ctx, ChildDetails("Lee", "Eleven", D("2010-03-01")))
    assert rows(ctx, ref)["phase_transfer"].due == D("2026-03-30")
    reviews.note_phase_transfer(ctx, ref, transfer="sixth_form_same_school")
    assert "phase_transfer" not in rows(ctx, ref)


def test_G27_under_five_review_is_an_advisory_row(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-03-11")
    ref = open_case(ctx, ChildDetails("Tia", "Tiny", D("2021-11-20")), received=D("2024-09-02")).reference
    advance_case(ctx, ref, to="assessment", on=D("2024-10-07"))
    advance_case(ctx, ref, to="draft", on=D("2025-01-13"))
    advance_case(ctx, ref, to="final", on=D("2025-03-10"))
    got = rows(ctx, ref)
    assert got["under5_review"].due == D("2025-09-10") and got["under5_review"].advisory
    assert got["annual_review"].due == D("2026-03-09") and not got["annual_review"].advisory


def test_G35_reassessment_through_the_services(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-04-30")
    ref = plan(ctx)
    reassess.request_reassessment(ctx, ref, on=D("2026-01-12"))
    agreed = reassess.decide_reassessment(ctx, ref, agree=True, on=D("2026-01-27"))
    assert agreed.deadline("reassessment_final").due == D("2026-05-05")
    reassess.send_reassessment_draft(ctx, ref, on=D("2026-04-01"))
    with pytest.raises(Refused, match="run to 2026-04-15"):
        reassess.conclude_reassessment(ctx, ref, on=D("2026-04-10"))
    reassess.conclude_reassessment(ctx, ref, on=D("2026-04-20"))
    assert rows(ctx, ref)["reassessment_final"].state == "met"


def test_G51_cease_waits_for_the_appeal_period_then_closes_the_case(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-03-10")
    ref = plan(ctx)
    cease.consult_on_ceasing(ctx, ref, on=D("2025-09-01"))
    notice = cease.notify_cease(ctx, ref, on=D("2025-10-27"), reason="employment")
    assert notice.details["may_cease_from"] == D("2026-01-03")  # appeal deadline 2 Jan (Christmas rule)
    with pytest.raises(Refused, match="it may cease from 2026-01-03"):
        cease.cease_plan(ctx, ref, on=D("2026-01-02"))
    done = cease.cease_plan(ctx, ref, on=D("2026-01-05"))
    assert done.stage == "ceased" and rows(ctx, ref)["cease_effective"].state == "met"


def test_G37_transfer_in_opens_a_case_and_transfer_out_closes_one(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-03-05")
    result = transfer.transfer_in(ctx, ChildDetails("Sam", "Moved", D("2014-05-01")), on=D("2026-03-02"),
                                  from_la="Somerset", plan_made=D("2023-06-01"), last_reviewed=D("2025-10-10"))
    assert result.reference == "EHC-2026-00001" and result.stage == "final"
    got = rows(ctx, result.reference)
    assert got["transfer_notice"].due == D("2026-04-13") and got["transfer_review"].due == D("2026-10-09")
    ref = plan(ctx)
    transfer.notify_move(ctx, ref, aware=D("2026-02-02"), move_date=D("2026-03-02"), to_la="Somerset")
    assert rows(ctx, ref)["plan_transfer"].due == D("2026-03-02")
    out = transfer.transfer_out(ctx, ref, on=D("2026-03-02"), to_la="Somerset")
    assert out.stage == "ceased" and rows(ctx, ref)["plan_transfer"].state == "met"


def test_G39_G43_G46_mediation_appeal_and_order_rows(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-07-14")
    ref = plan(ctx)
    disputes.record_decision(ctx, ref, sent=D("2025-10-24"), about="contents")
    disputes.adviser_contacted(ctx, ref, on=D("2025-12-23"), wants_mediation=False)
    assert rows(ctx, ref)["mediation_certificate"].due == D("2025-12-30")
    disputes.certificate_issued(ctx, ref, on=D("2025-12-30"))
    got = rows(ctx, ref)
    assert got["appeal_deadline"].due == D("2026-01-30") and got["appeal_deadline"].is_window
    disputes.appeal_lodged(ctx, ref, on=D("2026-01-20"))
    ordered = disputes.tribunal_order(ctx, ref, on=D("2026-07-13"), order="make_and_maintain")
    assert ordered.deadline("order.draft_plan").due == D("2026-08-17")
    assert ordered.deadline("order.final_plan").due == D("2026-09-28")
    with pytest.raises(Refused, match="waiting for amend"):
        disputes.order_complied(ctx, ref, on=D("2026-07-14"), limb="amend")


def test_sync_children_brings_old_cases_into_the_phase_transfer_clocks(db_url, make_ctx):
    from ehcp.services.child_notes import sync_children

    ctx = make_ctx(db_url, today="2026-09-20")
    ref = plan(ctx)
    with ctx.uow() as uow:  # a case opened before requests carried the date of birth
        uow.session.execute(CaseEvent.__table__.update().where(CaseEvent.kind == "request_received")
                            .values(payload={"source": "parent"}))
        uow.commit()
    from ehcp.services.recompute import recompute_all

    recompute_all(ctx)
    assert "phase_transfer" not in rows(ctx, ref)
    assert sync_children(ctx).noted == [ref]
    assert rows(ctx, ref)["phase_transfer"].due == D("2027-02-14")
    assert sync_children(ctx).noted == []

"""Issue 21: ``deadline explain`` - every step that made a due date, each with its citation. The dates are
worked out by hand in the comments."""

from __future__ import annotations

import pytest

from ehcp.domain import events as ev
from ehcp.domain.explain import NoSuchDeadline, explain_deadline
from ehcp.rules import DEFAULT_POLICY
from tests.unit.domain.builder import CAL, d, received

PLAN = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")


def explain(events, key, today, policy=DEFAULT_POLICY):
    return explain_deadline(list(events), key, calendar=CAL, today=d(today), policy=policy)


def steps(found, kind):
    return [s for s in found.steps if s.kind == kind]


def test_final_plan_with_one_exception_applied_and_one_rejected():
    # Request received Mon 6 Jan 2025: reg 13(2) 20 weeks = 6 Jan + 140 days = Mon 26 May 2025, the Spring
    # bank holiday: never rolled forward; the last working day before it is Fri 23 May 2025.
    # Exceptional personal circumstances 1-20 Mar 2025 overlap the clock: applied (disapplied).
    # A school closure of 3-14 Mar 2025 is 12 days, shorter than four weeks: rejected.
    case = received("2025-01-06").agreed("2025-02-03").exception(
        "2025-03-01", "personal_circumstances", "2025-03-20").exception("2025-03-03", "school_closure", "2025-03-14")
    found = explain(case, "final_plan", "2025-03-21")
    assert (found.due, found.state, found.status) == (d("2025-05-26"), "disapplied", "disapplied")
    [trigger] = steps(found, "trigger")
    assert trigger.on == d("2025-01-06") and "request received" in trigger.text
    assert trigger.citation == "SEND Regulations 2014 reg 13(2)"
    [period] = steps(found, "period")
    assert period.on == d("2025-05-26") and "20 weeks" in period.text and "C-WEEKS" in period.text
    [calendar] = steps(found, "calendar")
    assert calendar.on == d("2025-05-23") and "Spring Bank Holiday" in calendar.text and "no roll-forward" in \
        calendar.citation
    applied, rejected = steps(found, "exception")
    assert applied.extra == {"reason": "personal_circumstances", "applied": True}
    assert rejected.extra == {"reason": "school_closure", "applied": False}
    assert "shorter than four weeks" in rejected.text
    assert {s.extra["setting"] for s in steps(found, "policy")} >= {"weekend_receipt", "covid_selection"}
    [version] = steps(found, "rule_version")
    assert version.extra["version"] == "send-2014" and "deadline date, 2025-05-26" in version.text
    assert found.steps[-1].kind == "result" and found.steps[-1].on == d("2025-05-26")
    assert all(s.citation for s in found.steps)


def test_posted_draft_shows_deemed_service_and_the_cpr_alternative():
    # Draft posted first class Fri 4 Apr 2025: deemed served Tue 8 Apr (1985 PD, 2nd working day);
    # 15 days beginning with 8 Apr -> Tue 22 Apr 2025; CPR 6.26 would give Mon 21 Apr.
    case = received("2025-01-06").agreed("2025-02-03").draft("2025-04-04", channel="first_class_post")
    found = explain(case, "draft_representations", "2025-04-05")
    [service] = steps(found, "service")
    assert service.on == d("2025-04-08") and service.extra == {"sent": "2025-04-04", "channel": "first_class_post"}
    assert "Practice Direction" in service.citation
    [alternative] = steps(found, "alternative")
    assert alternative.on == d("2025-04-21") and alternative.extra["policy"] == "deemed_service=cpr_6_26"
    assert "deemed_service" in {s.extra["setting"] for s in steps(found, "policy")}
    assert found.to_dict()["steps"][0]["step"] == "trigger"


def test_working_day_count_lists_the_days_not_counted():
    # Aware Mon 15 Dec 2025 of a move on Mon 29 Dec 2025: fewer than 15 working days' notice, so the
    # plan transfers within 15 working days beginning with 15 Dec: 15-19 Dec (5), 22-24 (8), 29-31 (11),
    # 2 Jan (12), 5-7 Jan 2026 (15) -> Wed 7 Jan 2026. Not counted: 20, 21, 25, 26, 27, 28 Dec, 1, 3, 4 Jan.
    case = PLAN.add(ev.MoveNotified(d("2025-12-15"), d("2025-12-29")))
    found = explain(case, "plan_transfer", "2025-12-16")
    assert found.due == d("2026-01-07")
    skipped = steps(found, "calendar")[0]
    assert skipped.extra["non_working_days"] == ["2025-12-20", "2025-12-21", "2025-12-25", "2025-12-26",
                                                 "2025-12-27", "2025-12-28", "2026-01-01", "2026-01-03",
                                                 "2026-01-04"]
    assert "Christmas Day" in skipped.text and "New Year's Day" in skipped.text
    assert "la_transfer_notice" in {s.extra["setting"] for s in steps(found, "policy")}


def test_amended_plan_explains_both_limits():
    case = PLAN.meeting("2025-11-04").decided("2025-12-01", "amend").notice("2025-12-10")
    found = explain(case, "amended_plan", "2025-12-11")
    assert [(s.text.split(":")[0], s.on) for s in steps(found, "component")] == [
        ("reg_22_3", d("2026-02-04")), ("devon_longstop", d("2026-01-27"))]
    assert found.due == d("2026-01-27")


def test_unknown_key_names_the_keys_the_case_has():
    with pytest.raises(NoSuchDeadline, match="its deadlines are assessment_decision"):
        explain(received("2025-01-06"), "final_plan.9", "2025-01-07")

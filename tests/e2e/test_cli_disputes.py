"""Tribunal orders that reopen a closed case, mediation agreements with several items, the LA's response to an
appeal (a Tribunal-rule period) through the real entry point, on SQLite and PostgreSQL (issues 15 and 21)."""

from __future__ import annotations

from tests.e2e.conftest import Ehcp


def keyed(doc: dict) -> dict[str, dict]:
    return {d["key"]: d for d in doc["deadlines"]}


def refused_assessment(ehcp: Ehcp) -> str:
    """A request refused on 10 Feb 2026, appealed (lodged 10 Mar, the LA told 12 Mar)."""
    ref = ehcp.json("case", "new", "--child", "Ada Test", "--dob", "2015-03-02",
                    "--received", "2026-01-05")["reference"]
    ehcp("case", "decide", ref, "--no-assess", "--on", "2026-02-10")
    ehcp("appeal", "decision", ref, "--on", "2026-02-10", "--about", "refusal_to_assess")
    ehcp("mediation", "contacted", ref, "--on", "2026-02-20", "--no-mediation")
    ehcp("appeal", "lodged", ref, "--on", "2026-03-10", "--la-received", "2026-03-12")
    return ref


def test_an_order_to_assess_reopens_a_case_closed_as_not_assessed_and_ends_with_a_maintained_plan(ehcp):
    ehcp.env["EHCP_TODAY"] = "2027-01-20"
    ref = refused_assessment(ehcp)
    # before any order, nobody moves a closed case: the refusal says how a case is reopened
    closed = ehcp("case", "advance", ref, "--to", "assessment", "--on", "2026-03-01", code=1)
    assert "only a tribunal order to assess" in closed.stderr and "ehcp tribunal order" in closed.stderr
    assert "reopen" in ehcp("case", "advance", "--help").stdout and "tribunal order" in \
        ehcp("case", "advance", "--help").stdout.replace("\n", " ")
    order = ehcp.json("tribunal", "order", ref, "--on", "2026-07-13", "--kind", "assess")
    assert order["stage"] == "assessment" and order["recorded"] == ["tribunal_ordered", "reopened_by_order"]
    # reg 44(2)(b): notify within 2 weeks (13 Jul + 14 = 27 Jul), final plan within 14 weeks (+98 days = 19 Oct)
    got = keyed(order)
    assert got["order.assess"]["due"] == "2026-07-27" and got["order.assessed_final"]["due"] == "2026-10-19"
    ehcp("tribunal", "complied", ref, "--on", "2026-07-20", "--limb", "assess")
    early = ehcp("tribunal", "complied", ref, "--on", "2026-09-01", "--limb", "assessed_final", code=1)
    assert "record the draft first" in early.stderr and "reg 13(1)" in early.stderr
    ehcp("case", "draft", ref, "--on", "2026-09-01")
    final = ehcp.json("tribunal", "complied", ref, "--on", "2026-09-20", "--limb", "assessed_final")
    assert final["stage"] == "final" and final["recorded"] == ["order_complied", "final_plan_issued"]
    shown = keyed(ehcp.json("case", "show", ref))
    assert shown["order.assessed_final"]["status"] == "met"
    # s.44(1): the 12 months beginning with 20 Sep 2026 end on 19 Sep 2027
    assert shown["annual_review"]["due"] == "2027-09-19" and shown["annual_review"]["status"] == "open"
    sen2 = {i["item"]: i["value"] for i in ehcp.json("sen2", "explain", ref, "--census", "2027-01-15")["items"]}
    assert (sen2["AssessmentOutcome"], sen2["StartDate"]) == ("Y", "2026-09-20")
    assert sen2["RequestOutcome"] == "N"  # the first decision is kept (sen2.md 2.2)


def test_an_order_to_make_a_plan_reopens_a_no_plan_case_and_complied_limbs_move_it_to_final(ehcp):
    ehcp.env["EHCP_TODAY"] = "2026-12-01"
    ref = ehcp.json("case", "new", "--child", "Bo Test", "--dob", "2016-05-04", "--received", "2026-01-05")["reference"]
    ehcp("case", "decide", ref, "--assess", "--on", "2026-02-02")
    ehcp("case", "no-plan", ref, "--on", "2026-04-20")
    ehcp("appeal", "decision", ref, "--on", "2026-04-20", "--about", "no_plan")
    ehcp("mediation", "contacted", ref, "--on", "2026-04-27", "--no-mediation")
    ehcp("appeal", "lodged", ref, "--on", "2026-05-11")
    order = ehcp.json("tribunal", "order", ref, "--on", "2026-07-13", "--kind", "make_and_maintain")
    assert order["stage"] == "assessment"
    draft = ehcp.json("tribunal", "complied", ref, "--on", "2026-08-10", "--limb", "draft_plan", "--channel", "email")
    assert draft["stage"] == "draft" and draft["recorded"] == ["order_complied", "draft_plan_sent"]
    assert keyed(draft)["order.draft_plan"]["status"] == "met"
    final = ehcp.json("tribunal", "complied", ref, "--on", "2026-09-14", "--limb", "final_plan")
    assert final["stage"] == "final" and keyed(final)["order.final_plan"]["status"] == "met"
    assert keyed(final)["annual_review"]["due"] == "2027-09-13"


def test_reopening_needs_a_manager_when_permissions_are_enforced(ehcp):
    ehcp.env["EHCP_TODAY"] = "2026-08-01"
    ref = refused_assessment(ehcp)
    ehcp("user", "add", "carl.caseworker", "--role", "caseworker")  # the first login (casey) is the admin
    ehcp("user", "add", "morgan.manager", "--role", "manager")
    line = ehcp("tribunal", "order", ref, "--on", "2026-07-13", "--kind", "assess", code=1,
                EHCP_USER="carl.caseworker").stderr
    assert "permission 'reopen_case' needs role manager or admin" in line
    assert ehcp.json("tribunal", "order", ref, "--on", "2026-07-13", "--kind", "assess",
                     EHCP_USER="morgan.manager")["stage"] == "assessment"


def test_a_mediation_agreement_with_several_items_each_with_its_own_clock(ehcp):
    ehcp.env["EHCP_TODAY"] = "2026-02-11"
    ref = ehcp.json("case", "new", "--child", "Cy Test", "--dob", "2016-05-04", "--received", "2024-06-03")["reference"]
    ehcp("case", "decide", ref, "--assess", "--on", "2024-07-01")
    ehcp("case", "draft", ref, "--on", "2024-09-02")
    ehcp("case", "finalise", ref, "--on", "2024-10-21")
    ehcp("appeal", "decision", ref, "--on", "2025-12-01", "--about", "contents")
    ehcp("mediation", "requested", ref, "--on", "2026-01-12")
    done = ehcp.json("mediation", "concluded", ref, "--on", "2026-02-10", "--item", "amend",
                     "--item", "other:speech therapy report to school", "--item", "other:transport review@2026-03-31")
    got = keyed(done)
    # Tue 10 Feb 2026. amend (appealable, reg 42(2) -> reg 44 as if ordered): 5 weeks = Tue 17 Mar.
    assert got["order.amend"]["due"] == "2026-03-17"
    # the first "other" item (reg 42(3)): 2 weeks = Tue 24 Feb; the second was agreed in writing for 31 Mar (42(5))
    assert got["mediation_agreement"]["due"] == "2026-02-24"
    second = got["mediation_agreement.2"]
    assert second["due"] == "2026-03-31" and "reg 42(5)" in second["citation"]
    again = ehcp("mediation", "concluded", ref, "--on", "2026-02-11", "--item", "amend", code=1)
    assert "regs 35-37" in again.stderr
    bad = ehcp("mediation", "concluded", ref, "--on", "2026-02-11", "--item", "amend@31-03-2026", code=1)
    assert "KIND[:WHAT WAS AGREED][@YYYY-MM-DD]" in bad.stderr
    complied = keyed(ehcp.json("tribunal", "complied", ref, "--on", "2026-02-11", "--limb", "agreement"))
    assert complied["mediation_agreement"]["status"] == "met"  # the item due first


def test_the_old_single_agreement_still_works(ehcp):
    ehcp.env["EHCP_TODAY"] = "2026-02-11"
    ref = ehcp.json("case", "new", "--child", "Di Test", "--dob", "2016-05-04", "--received", "2024-06-03")["reference"]
    ehcp("case", "decide", ref, "--assess", "--on", "2024-07-01")
    ehcp("case", "draft", ref, "--on", "2024-09-02")
    ehcp("case", "finalise", ref, "--on", "2024-10-21")
    ehcp("appeal", "decision", ref, "--on", "2025-12-01", "--about", "contents")
    ehcp("mediation", "requested", ref, "--on", "2026-01-12")
    done = keyed(ehcp.json("mediation", "concluded", ref, "--on", "2026-02-10", "--agreement", "other"))
    assert done["mediation_agreement"]["due"] == "2026-02-24"


def test_appeal_lodged_starts_the_la_response_under_the_tribunal_rules(ehcp):
    ehcp.env["EHCP_TODAY"] = "2026-04-01"
    ref = refused_assessment(ehcp)
    # the LA received the notice on Thu 12 Mar 2026; 30 working days after it, Good Friday 3 Apr and Easter
    # Monday 6 Apr not counted: 13 Mar (1), 16-20 (6), 23-27 (11), 30-31 Mar (13), 1-2 Apr (15), 7-10 (19),
    # 13-17 (24), 20-24 (29), Mon 27 Apr (30).
    shown = keyed(ehcp.json("case", "show", ref))
    assert shown["appeal_response"]["due"] == "2026-04-27" and "r.12(3)(b)" in shown["appeal_response"]["citation"]
    sent = keyed(ehcp.json("appeal", "response", ref, "--on", "2026-04-01"))
    assert sent["appeal_response"]["status"] == "met"
    again = ehcp("appeal", "response", ref, "--on", "2026-04-01", code=1)
    assert "already recorded" in again.stderr

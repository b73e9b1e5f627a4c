"""The lifecycle commands through the real entry point, on SQLite and PostgreSQL (``--format json``)."""

from __future__ import annotations

import inspect

import pytest
import typer.main

from cli.lifecycle import APPS, COMMANDS, GROUPS, service


def plan(ehcp, child="Alex Example", dob="2016-05-04", final="2024-10-21") -> str:
    ref = ehcp.json("case", "new", "--child", child, "--dob", dob, "--received", "2024-06-03")["reference"]
    ehcp("case", "decide", ref, "--assess", "--on", "2024-07-01")
    ehcp("case", "draft", ref, "--on", "2024-09-02")
    ehcp("case", "finalise", ref, "--on", final)
    return ref


def keyed(doc: dict) -> dict[str, dict]:
    return {d["key"]: d for d in doc["deadlines"]}


def test_G23_G24_G57_review_cycle(ehcp):
    ref = plan(ehcp)
    doc = ehcp.json("review", "schedule", ref, "--meeting", "2025-11-04", "--on", "2025-10-01",
                    "--channel", "first_class_post", EHCP_TODAY="2025-10-01")
    assert (doc["invitations_by"], doc["post_invitations_by"], doc["advice_by"]) == ("2025-10-21", "2025-10-17",
                                                                                    "2025-10-21")
    assert (doc["report_by"], doc["decision_by"], doc["amended_plan_by"]) == ("2025-11-18", "2025-12-02", "2026-01-27")
    assert keyed(doc)["review_invitation"]["due"] == "2025-10-21"
    invited = ehcp.json("review", "invited", ref, "--on", "2025-10-17", "--channel", "first_class_post",
                        EHCP_TODAY="2025-10-22")
    assert keyed(invited)["review_invitation"]["met_on"] == "2025-10-21"
    held = ehcp.json("review", "held", ref, "--on", "2025-11-04", EHCP_TODAY="2025-11-21")
    assert held["stage"] == "review" and keyed(held)["review_decision"]["due"] == "2025-12-02"
    notice = ehcp.json("review", "amend-notice", ref, "--on", "2025-11-21", EHCP_TODAY="2025-11-21")
    assert notice["recorded"] == ["review_decided", "amendment_notice_sent"]
    got = keyed(notice)
    assert got["amendment_representations"]["due"] == "2025-12-05" and got["amended_plan"]["due"] == "2026-01-16"
    refused = ehcp("review", "amended-plan", ref, "--on", "2025-12-05", code=1, EHCP_TODAY="2025-12-05")
    assert "reg 22(2)(c)" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    ehcp("review", "amended-plan", ref, "--on", "2025-12-08", EHCP_TODAY="2025-12-08")
    show = keyed(ehcp.json("case", "show", ref, EHCP_TODAY="2025-12-08"))
    assert show["amended_plan"]["status"] == "met" and show["annual_review.2"]["due"] == "2026-11-20"


def test_decision_takes_exactly_one_outcome_and_a_cease_decision_holds_the_plan(ehcp):
    ref = plan(ehcp)
    ehcp("review", "held", ref, "--on", "2025-09-16")
    assert ehcp("review", "decision", ref, "--on", "2025-10-10", code=2).exit_code == 2
    ehcp("review", "decision", ref, "--maintain", "--amend", "--on", "2025-10-10", code=2)
    doc = ehcp.json("review", "decision", ref, "--cease", "--reason", "needs_met", "--on", "2025-10-10")
    assert doc["recorded"] == ["review_decided", "cease_notice_sent"]
    assert keyed(doc)["cease_effective"]["due"] == "2025-12-11" and keyed(doc)["appeal_deadline"]["due"] == "2025-12-10"
    result = ehcp("cease", "plan", ref, "--on", "2025-11-28", code=1)
    assert "it may cease from 2025-12-11" in result.stderr and "CFA 2014 s.45" in result.stderr


def test_refusal_is_one_line_exit_1_and_writes_nothing(ehcp):
    ref = plan(ehcp)
    before = ehcp.json("case", "timeline", ref)
    result = ehcp("review", "report", ref, "--on", "2025-11-14", code=1)
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "SEND Regulations 2014 reg 20(7)" in result.stderr
    assert ehcp.json("case", "timeline", ref) == before


def test_G29_review_season_json_and_csv(ehcp):
    on_time = plan(ehcp)
    late = plan(ehcp, child="Sam Sample", dob="2016-01-10")
    ehcp.env["EHCP_TODAY"] = "2026-12-01"
    ehcp("review", "held", on_time, "--on", "2026-11-10")
    ehcp("review", "amend-notice", on_time, "--on", "2026-11-20")
    doc = ehcp.json("review", "season", "--year", "2027", EHCP_TODAY="2026-12-01")
    rows = {r["reference"]: r for r in doc["cohort"]}
    assert doc["year"] == 2027 and doc["counts"]["cohort"] == 2
    assert rows[late]["late"] and rows[late]["status"] == "late: no review meeting"
    assert rows[on_time]["status"] == "on track: amended plan to issue" and not rows[on_time]["late"]
    assert (rows[late]["deadline"], rows[late]["latest_notice"], rows[late]["latest_meeting"]) == (
        "2027-02-14", "2026-12-20", "2026-11-22")
    csv = ehcp("review", "season", "--year", "2027", "--late", "--format", "csv", EHCP_TODAY="2026-12-01").stdout
    lines = csv.strip().splitlines()
    assert lines[0].startswith("reference,child,ncy,transfer,transfer_date,deadline") and len(lines) == 2
    assert late in lines[1]


def test_G33_phase_transfer_note_and_G30_post16_date(ehcp):
    ref = plan(ehcp, child="Lee Eleven", dob="2010-03-01")
    assert keyed(ehcp.json("case", "show", ref))["phase_transfer"]["due"] == "2026-03-30"
    doc = ehcp.json("review", "phase-transfer", ref, "--kind", "sixth_form_same_school", "--on", "2025-10-10")
    assert "phase_transfer" not in keyed(ehcp.json("case", "show", ref)) and doc["recorded"] == ["phase_transfer_noted"]
    assert doc["dropped"] == ["phase_transfer"]
    bad = ehcp("review", "phase-transfer", ref, "--kind", "gap_year", code=1)
    assert "unknown transfer" in bad.stderr


def test_G35_reassessment(ehcp):
    ref = plan(ehcp)
    ehcp("reassess", "request", ref, "--on", "2026-01-12", EHCP_TODAY="2026-01-27")
    doc = ehcp.json("reassess", "decide", ref, "--agree", "--on", "2026-01-27", EHCP_TODAY="2026-01-27")
    got = keyed(doc)
    assert got["reassessment_decision"]["status"] == "met" and got["reassessment_final"]["due"] == "2026-05-05"


def test_G37_transfer_in_and_out(ehcp):
    doc = ehcp.json("transfer", "in", "--child", "Sam Moved", "--dob", "2014-05-01", "--on", "2026-03-02",
                    "--from-la", "Somerset", "--last-review", "2025-10-10", EHCP_TODAY="2026-03-05")
    assert doc["reference"] == "EHC-2026-00001" and doc["stage"] == "final"
    assert keyed(doc)["transfer_notice"]["due"] == "2026-04-13" and keyed(doc)["transfer_review"]["due"] == "2026-10-09"
    table = ehcp("transfer", "in", "--child", "Jo Moved", "--dob", "2015-05-01", "--on", "2026-03-02",
                 EHCP_TODAY="2026-03-05")
    assert table.stdout.strip().splitlines()[-1] == "EHC-2026-00002"
    ref = plan(ehcp)
    moving = ehcp.json("transfer", "moving", ref, "--aware", "2026-02-02", "--move", "2026-03-02",
                       EHCP_TODAY="2026-03-05")
    assert moving["aware_by_for_transfer_on_the_day"] == "2026-02-09"
    assert ehcp.json("transfer", "out", ref, "--on", "2026-03-02", EHCP_TODAY="2026-03-05")["stage"] == "ceased"


def test_G39_G40_mediation_certificate_and_appeal_deadline(ehcp):
    ref = plan(ehcp)
    ehcp("appeal", "decision", ref, "--sent", "2025-10-24", "--about", "contents")
    doc = ehcp.json("mediation", "contacted", ref, "--on", "2025-12-23", "--no-mediation", EHCP_TODAY="2025-12-23")
    assert keyed(doc)["mediation_certificate"]["due"] == "2025-12-30"
    assert keyed(doc)["mediation_contact"]["status"] == "met"
    cert = ehcp.json("mediation", "certificate", ref, "--on", "2025-12-30", EHCP_TODAY="2025-12-30")
    assert keyed(cert)["appeal_deadline"]["due"] == "2026-01-30"
    g40 = plan(ehcp, child="Sam Sample")
    ehcp("appeal", "decision", g40, "--sent", "2025-10-01", "--about", "no_plan")
    christmas = ehcp.json("mediation", "certificate", g40, "--on", "2025-11-29")
    assert keyed(christmas)["appeal_deadline"]["due"] == "2026-01-02"


def test_G43_mediation_in_30_days_and_G46_G49_orders(ehcp):
    ref = plan(ehcp)
    ehcp.env["EHCP_TODAY"] = "2026-07-14"
    ehcp("appeal", "decision", ref, "--sent", "2025-12-01", "--about", "contents")
    assert keyed(ehcp.json("mediation", "requested", ref, "--on", "2026-01-12"))["mediation_arranged"]["due"] == \
        "2026-02-11"
    done = ehcp.json("mediation", "concluded", ref, "--on", "2026-02-10")
    assert keyed(done)["mediation_certificate"]["due"] == "2026-02-13"
    ehcp("appeal", "lodged", ref, "--on", "2026-03-02")
    order = ehcp.json("tribunal", "order", ref, "--on", "2026-07-13", "--kind", "make_and_maintain",
                      EHCP_TODAY="2026-07-14")
    assert keyed(order)["order.draft_plan"]["due"] == "2026-08-17" and keyed(order)["order.final_plan"]["due"] == \
        "2026-09-28"
    nothing = ehcp("tribunal", "complied", ref, "--on", "2026-07-14", "--limb", "amend", code=1,
                   EHCP_TODAY="2026-07-14")
    assert "SEND Regulations 2014 regs 42, 44, 45" in nothing.stderr


def test_mediation_with_health_issues_icb_notice_through_the_cli(ehcp):
    ref = plan(ehcp)
    ehcp.env["EHCP_TODAY"] = "2026-05-01"
    ehcp("appeal", "decision", ref, "--sent", "2026-03-02", "--about", "contents")
    early = ehcp("mediation", "icb-notified", ref, "--on", "2026-04-30", code=1)
    assert "regs 35-36" in early.stderr and len(early.stderr.strip().splitlines()) == 1
    ehcp("mediation", "requested", ref, "--on", "2026-05-01", "--health")
    shown = keyed(ehcp.json("case", "show", ref))["mediation_icb_notice"]
    assert (shown["due"], shown["status"], shown["rule"]) == ("2026-05-07", "due_soon", "R-MED-ICB-NOTIFY")
    assert shown["citation"] == "SEND Regulations 2014 regs 35-36"
    told = ehcp.json("mediation", "icb-notified", ref, "--on", "2026-05-06", EHCP_TODAY="2026-05-06")
    assert told["recorded"] == ["mediation_icb_notified"]
    after = keyed(ehcp.json("case", "show", ref, EHCP_TODAY="2026-05-06"))["mediation_icb_notice"]
    assert (after["status"], after["met_on"]) == ("met", "2026-05-06")
    again = ehcp("mediation", "icb-notified", ref, "--on", "2026-05-07", code=1, EHCP_TODAY="2026-05-07")
    assert "already told" in again.stderr


@pytest.mark.parametrize("group", sorted(set(GROUPS) - {"case"}))
def test_every_lifecycle_command_has_help_with_an_example(ehcp_sqlite, group):
    commands = list(typer.main.get_command(APPS[group]).commands)
    assert commands
    for name in commands:
        text = ehcp_sqlite(group, name, "--help").stdout
        assert "Example: ehcp " in text, (group, name)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"{c.group} {c.name}")
def test_every_row_of_the_command_table_names_a_service_that_takes_its_parameters(command):
    function = service(command)
    accepted = inspect.signature(function).parameters
    keywords = {p.to or p.name for p in command.params} - {"assess", "maintain", "amend", "cease", "no_change",
                                                           "dob", "upn", "year_group"}  # turned into others by prepare
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    assert takes_any or keywords <= set(accepted), (command.service, keywords - set(accepted))


def test_the_command_table_builds_each_group_in_order():
    case = list(typer.main.get_command(APPS["case"]).commands)
    assert case[:7] == ["new", "advance", "decide", "draft", "finalise", "no-plan", "withdraw"]
    assert list(typer.main.get_command(APPS["review"]).commands)[-2:] == ["season", "sync-children"]
    assert {c.group for c in COMMANDS} == set(GROUPS)


def test_G49_order_to_continue_and_amend_undoes_a_decision_to_cease(ehcp):
    ref = plan(ehcp)
    ehcp.env["EHCP_TODAY"] = "2026-06-02"
    ehcp("cease", "consult", ref, "--on", "2025-12-01")
    notice = ehcp.json("cease", "notice", ref, "--on", "2026-01-05", "--reason", "needs_met")
    assert notice["may_cease_from"] == "2026-03-06"
    ehcp("appeal", "lodged", ref, "--on", "2026-02-20")
    assert "not determined" in ehcp("cease", "plan", ref, "--on", "2026-04-01", code=1).stderr
    order = keyed(ehcp.json("tribunal", "order", ref, "--on", "2026-06-01", "--kind", "continue_amend"))
    assert order["order.continue"]["met_on"] == "2026-06-01" and order["order.amend"]["due"] == "2026-07-06"
    assert "cease_effective" not in keyed(ehcp.json("case", "show", ref))


def test_bad_vocabulary_and_years_are_one_line_refusals(ehcp_sqlite):
    ref = plan(ehcp_sqlite)
    for args in (("review", "schedule", ref, "--meeting", "2025-12-10", "--channel", "third_class_post"),
                 ("review", "season", "--year", "1999"),
                 ("cease", "plan", ref, "--on", "2025-11-01", "--reason", "bored"),
                 ("tribunal", "order", ref, "--on", "2025-11-01", "--kind", "apologise"),
                 ("review", "held", ref, "--on", "2025-13-01")):
        result = ehcp_sqlite(*args, code=2 if "2025-13-01" in args else 1)  # a malformed date: usage (2)
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)

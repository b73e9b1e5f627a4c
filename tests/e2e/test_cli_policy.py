"""Issue 21 through the real entry point: ``policy show|set``, ``deadline explain``, and the alternative as a
warning line in the ``case show`` table; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import fields

from ehcp.rules.policy import Policy


def posted_draft(ehcp) -> str:
    # Request Mon 6 Jan 2025; draft posted first class Friday 4 Apr 2025: served Tue 8 Apr (1985 PD), the
    # 15 days end Tue 22 Apr; CPR 6.26 serves Mon 7 Apr, ending Mon 21 Apr.
    ref = ehcp.json("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received",
                    "2025-01-06", EHCP_TODAY="2025-01-06")["reference"]
    ehcp("case", "decide", ref, "--assess", "--on", "2025-02-03", EHCP_TODAY="2025-02-03")
    ehcp("case", "draft", ref, "--on", "2025-04-04", "--channel", "first_class_post", EHCP_TODAY="2025-04-04")
    return ref


def test_policy_show_lists_every_question_with_its_source(ehcp):
    doc = ehcp.json("policy", "show")
    by_key = {row["setting"]: row for row in doc["policy"]}
    assert by_key["review_restart"] | {"help": ""} == {
        "setting": "review_restart", "question": "Q6", "allowed": "decision, meeting", "default": "decision",
        "value": "decision", "source": "default", "help": ""}
    assert [row["setting"] for row in doc["policy"]] == [spec.name for spec in fields(Policy)]
    assert doc["warnings"] == [] and len(doc["policy_hash"]) == 12


def test_a_bad_policy_in_ehcp_toml_is_one_line_and_exit_1(ehcp, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[policy]\ndeemed_service = "cpr"\n', encoding="utf-8")
    result = ehcp("policy", "show", code=1, EHCP_CONFIG=str(config))
    assert result.stderr.strip().endswith("[policy]: policy deemed_service='cpr': choose one of "
                                          "practice_direction_1985, cpr_6_26")
    assert len(result.stderr.strip().splitlines()) == 1


def test_case_show_table_warns_at_the_alternative_and_policy_set_swaps_it(ehcp):
    ref = posted_draft(ehcp)
    table = ehcp("case", "show", ref, EHCP_TODAY="2025-04-05").stdout
    assert "warning: draft_representations 2025-04-21 under another reading: CPR 6.26" in " ".join(table.split())
    doc = ehcp.json("policy", "set", "deemed_service", "cpr_6_26", "--reason", "council decision",
                    EHCP_TODAY="2025-04-05")
    assert (doc["before"], doc["after"], doc["cases"], doc["changed"]) == (
        "practice_direction_1985", "cpr_6_26", 1, 1)
    assert doc["changes"] == [{"reference": ref, "key": "draft_representations", "before": "2025-04-22",
                               "after": "2025-04-21", "state_before": "pending", "state_after": "pending"}]
    shown = {d["key"]: d for d in ehcp.json("case", "show", ref, EHCP_TODAY="2025-04-05")["deadlines"]}
    assert shown["draft_representations"]["due"] == "2025-04-21"
    assert shown["draft_representations"]["alternatives"][0]["policy"] == "deemed_service=practice_direction_1985"
    refused = ehcp("policy", "set", "deemed_service", "sometimes", "--reason", "x", code=1)
    assert "choose one of practice_direction_1985, cpr_6_26" in refused.stderr


def test_deadline_explain_table_and_json(ehcp):
    ref = posted_draft(ehcp)
    doc = ehcp.json("deadline", "explain", ref, "draft_representations", EHCP_TODAY="2025-04-05")
    assert (doc["key"], doc["due"], doc["status"]) == ("draft_representations", "2025-04-22", "open")
    kinds = [s["step"] for s in doc["steps"]]
    assert kinds[:3] == ["trigger", "service", "period"] and kinds[-2:] == ["alternative", "result"]
    assert all(s["citation"] for s in doc["steps"])
    table = ehcp("deadline", "explain", ref, "draft_representations", EHCP_TODAY="2025-04-05").stdout
    assert "deemed served 2025-04-08" in " ".join(table.split())
    missing = ehcp("deadline", "explain", ref, "amended_plan", code=1)
    assert "no deadline 'amended_plan' on this case" in missing.stderr


def test_the_reports_count_with_the_policy_in_effect(ehcp):
    # Policy Q4: a council that reads "20 weeks" as received + 139 days (the day before) sets it once;
    # the timeliness report, the dashboard's figures and the SEN2 summary then all count with 139,
    # not the rulebook default of 140 (they read DEFAULT_POLICY before this was fixed).
    assert ehcp.json("report", "timeliness", "--year", "2025")["day_count"] == 140
    ehcp("policy", "set", "sen2_day_count", "139", "--reason", "council reading of 20 weeks")
    assert ehcp.json("report", "timeliness", "--year", "2025")["day_count"] == 139
    assert ehcp.json("sen2", "summary", "--year", "2025")["day_count"] == 139
    ehcp("policy", "set", "review_restart", "meeting", "--reason", "council reading of a review")
    assert ehcp.json("report", "timeliness", "--year", "2025")["annual_reviews"]["completed_by"] == "meeting"


def test_a_commands_own_dates_follow_the_policy_in_effect(ehcp):
    # G37: a move on Mon 2 Mar 2026 transfers on the day if this LA knew 15 working days before. The
    # last working day before the move is Fri 27 Feb; the inclusive reading (default) counts it as one
    # of the 15, so awareness by Mon 9 Feb is enough (27 Feb - 14 working days); the "clear" reading
    # wants 15 whole working days before it: Fri 6 Feb. `transfer moving` printed the default's date
    # whatever the council chose, before the policy reached the commands' own details.
    from tests.e2e.test_cli_lifecycle import plan

    ref = plan(ehcp)
    ehcp("policy", "set", "la_transfer_notice", "clear", "--reason", "council reading of G37",
         EHCP_TODAY="2026-02-02")
    moving = ehcp.json("transfer", "moving", ref, "--aware", "2026-02-02", "--move", "2026-03-02",
                       EHCP_TODAY="2026-03-05")
    assert moving["aware_by_for_transfer_on_the_day"] == "2026-02-06"

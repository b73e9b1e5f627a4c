"""Putting the record right (issue 15): re-asking after a cancelled request, ``child edit``,
``partner edit|deactivate``, ``user edit|deactivate`` and ``case reassign``, through the real CLI on
both databases."""

from __future__ import annotations


def _open(ehcp, child: str = "Alex Example", dob: str = "2016-05-04", received: str = "2025-03-03",
          *extra: str, **env: str) -> str:
    out = ehcp("case", "new", "--child", child, "--dob", dob, "--received", received, *extra, **env)
    return out.stdout.strip().splitlines()[-1]


def test_advice_can_be_asked_again_the_same_day_after_the_request_was_cancelled(ehcp):
    ref = _open(ehcp)
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-01")
    ehcp("partner", "add", "EP Service", "--kind", "psychological")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-14")
    again = ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service",
                 "--on", "2025-04-14", code=1)  # a second live request the same day is a duplicate
    assert "already requested" in again.stderr
    ehcp("advice", "cancel", ref, "psychological", "--reason", "sent to the wrong address")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-14")
    rows = ehcp.json("advice", "list", "--case", ref)["advice"]
    assert len(rows) == 2  # the cancelled request stays on file beside the new one
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service",
         "--on", "2025-04-14", code=1)  # and the new one is live: a third is a duplicate again


def _final(ehcp, ref: str) -> None:
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-02-01")
    ehcp("case", "draft", ref, "--on", "2025-05-01")
    ehcp("case", "finalise", ref, "--on", "2025-06-02")


def _due(ehcp, ref: str, key: str, **env: str) -> str | None:
    deadlines = ehcp.json("case", "show", ref, **env)["deadlines"]
    return next((d["due"] for d in deadlines if d["key"] == key), None)


def test_child_edit_of_the_year_group_moves_the_phase_transfer_deadline_and_is_audited(ehcp):
    ehcp.env["EHCP_TODAY"] = "2026-01-15"
    ref = _open(ehcp, "Sam Sample", "2015-03-10", "2025-01-06", "--year-group", "5")
    _final(ehcp, ref)
    assert _due(ehcp, ref, "phase_transfer") == "2027-02-14"  # Year 5 in 2025/26: secondary in 2027
    out = ehcp("child", "edit", ref, "--year-group", "6", "--reason", "school says Year 6")
    assert "year group │ 5      │ 6" in out.stdout
    assert "phase transfer │ 2027-02-14 │ 2026-02-14" in out.stdout  # was due, due
    assert _due(ehcp, ref, "phase_transfer") == "2026-02-14"
    # the year group is stored for the academic year it was given in: it moves on each 1 September
    assert ehcp.json("case", "show", ref)["child"]["year_group"] == 6
    assert ehcp.json("case", "show", ref, EHCP_TODAY="2026-09-01")["child"]["year_group"] == 7
    audit = ehcp.json("audit", "show", ref)["audit"]
    edited = next(r for r in audit if r["action"] == "child_edited")
    assert (edited["actor"], edited["reason"]) == ("casey.worker", "school says Year 6")
    assert edited["detail"]["changes"] == [{"field": "year_group", "before": 5, "after": 6}]


def test_child_edit_json_names_each_change_and_the_deadlines_that_moved(ehcp):
    ehcp.env["EHCP_TODAY"] = "2026-01-15"
    ref = _open(ehcp, "Sam Sample", "2015-03-10", "2025-01-06")
    _final(ehcp, ref)
    result = ehcp.json("child", "edit", ref, "--name", "Samuel Sample-Smith", "--upn", "a123456789012",
                       "--sex", "m", "--postcode", "ab1 2cd", "--year-group", "5", "--reason", "from the school")
    assert result["changes"] == [
        {"field": "given_name", "before": "Sam", "after": "Samuel"},
        {"field": "family_name", "before": "Sample", "after": "Sample-Smith"},
        {"field": "upn", "before": None, "after": "A123456789012"},
        {"field": "year_group", "before": None, "after": 5},  # none recorded: Year 6 by date of birth
        {"field": "sex", "before": None, "after": "M"},
        {"field": "postcode", "before": None, "after": "AB1 2CD"}]
    assert result["moved"] == [{"key": "phase_transfer", "was_due": "2026-02-14", "due": "2027-02-14"}]
    assert ehcp.json("case", "find", "A123456789012")["cases"][0]["child"] == "Samuel Sample-Smith"


def test_child_edit_refuses_an_implausible_date_of_birth_unless_forced_and_an_unknown_case(ehcp):
    ref = _open(ehcp)
    old = ehcp("child", "edit", ref, "--dob", "1995-05-04", "--reason", "typo", code=1)
    assert old.stderr.count("\n") == 1 and "makes the child 29 at the request" in old.stderr
    unborn = ehcp("child", "edit", ref, "--dob", "2025-06-01", "--reason", "typo", code=1)
    assert "before the child's date of birth" in unborn.stderr
    ehcp("child", "edit", ref, "--dob", "1995-05-04", "--reason", "a genuine case", "--force")
    assert ehcp.json("case", "show", ref)["child"]["dob"] == "1995-05-04"
    actions = [r["action"] for r in ehcp.json("audit", "show", ref)["audit"]]
    assert "implausible_age_forced" in actions
    unknown = ehcp("child", "edit", "EHC-2025-09999", "--upn", "A123456789012", "--reason", "x", code=1)
    assert unknown.stderr.count("\n") == 1 and "unknown case" in unknown.stderr
    assert ehcp("child", "edit", ref, "--reason", "x", code=1).stderr.startswith("ehcp: nothing to change")
    assert "not a unique pupil number" in ehcp("child", "edit", ref, "--upn", "12", "--reason", "x", code=1).stderr
    ehcp("child", "edit", ref, "--upn", "A123456789012", code=2)  # --reason is required


def test_partner_edit_and_deactivate_keep_its_history_and_refuse_new_requests(ehcp):
    ref = _open(ehcp)
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-01")
    ehcp("partner", "add", "EP Servce", "--email", "ep@example.org", "--kind", "psychological")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Servce", "--on", "2025-04-14")
    changes = ehcp.json("partner", "edit", "EP Servce", "--name", "EP Service", "--email", "eps@example.org",
                        "--kind", "psychological", "--kind", "educational", "--reason", "typo in the name")
    assert changes["changes"] == [
        {"field": "name", "before": "EP Servce", "after": "EP Service"},
        {"field": "email", "before": "ep@example.org", "after": "eps@example.org"},
        {"field": "advice_kinds", "before": "psychological", "after": "psychological,educational"}]
    assert ehcp.json("advice", "list", "--case", ref)["advice"][0]["partner"] == "EP Service"  # requests follow
    ehcp("partner", "deactivate", "EP Service", "--reason", "service recommissioned")
    refused = ehcp("advice", "request", ref, "--kind", "educational", "--partner", "EP Service",
                   "--on", "2025-04-15", code=1)
    assert refused.stderr.count("\n") == 1 and "partner 'EP Service' is deactivated" in refused.stderr
    outstanding = ehcp.json("advice", "list", "--case", ref, "--outstanding")["advice"]
    assert [r["partner"] for r in outstanding] == ["EP Service"]  # still listed for the caseworker
    ehcp("advice", "received", ref, "--kind", "psychological", "--on", "2025-05-01")  # and can be settled
    assert ehcp.json("partner", "show", "EP Service")["active"] is False
    ehcp("partner", "reactivate", "EP Service", "--reason", "back")
    ehcp("advice", "request", ref, "--kind", "educational", "--partner", "EP Service", "--on", "2025-04-15")



def _team(ehcp) -> None:
    """An admin (the acting user), two caseworkers of North and one of South; permissions enforced."""
    ehcp("user", "add", "casey.worker", "--role", "admin", "--name", "Casey Worker")
    ehcp("user", "add", "sam.leaver", "--team", "North", "--email", "sam@la.example")
    ehcp("user", "add", "robin.stays", "--team", "North")
    ehcp("user", "add", "jo.south", "--team", "South")


def test_user_edit_prints_the_diff_and_deactivate_refuses_the_leaver_but_keeps_their_history(ehcp):
    _team(ehcp)
    ref = _open(ehcp, "Alex Example", "2016-05-04", "2025-03-03", EHCP_USER="sam.leaver")
    ehcp("case", "note", ref, "called the parent", EHCP_USER="sam.leaver")
    edited = ehcp.json("user", "edit", "sam.leaver", "--name", "Sam Leaver", "--email", "none",
                       "--team", "South", "--reason", "moved team")
    assert edited["changes"] == [{"field": "name", "before": "sam.leaver", "after": "Sam Leaver"},
                                 {"field": "email", "before": "sam@la.example", "after": None},
                                 {"field": "team", "before": "North", "after": "South"}]
    refused = ehcp("user", "deactivate", "robin.stays", "--reason", "x", EHCP_USER="sam.leaver", code=1)
    assert "needs role admin" in refused.stderr  # an admin's act
    ehcp("user", "deactivate", "sam.leaver", "--reason", "left the service")
    acting = ehcp("case", "list", EHCP_USER="sam.leaver", code=1)
    assert acting.stderr.strip().splitlines()[-1] == "ehcp: user 'sam.leaver' is deactivated"
    users = {u["login"]: u["active"] for u in ehcp.json("user", "list")["users"]}
    assert users["sam.leaver"] is False and users["robin.stays"] is True
    by = {item["by"] for item in ehcp.json("case", "timeline", ref)["items"]}
    assert "sam.leaver" in by  # the leaver's events keep their name
    assert "already deactivated" in ehcp("user", "deactivate", "sam.leaver", "--reason", "x", code=1).stderr
    assert "deactivated" in ehcp("case", "assign", ref, "--to", "sam.leaver", code=1).stderr
    assert "cannot deactivate yourself" in ehcp("user", "deactivate", "casey.worker", "--reason", "x",
                                                code=1).stderr
    actions = [r["action"] for r in ehcp.json("audit", "show", ref)["audit"]]
    assert "note_added" in actions
    ehcp("user", "reactivate", "sam.leaver", "--reason", "came back")
    ehcp("case", "list", EHCP_USER="sam.leaver")


def test_case_reassign_moves_a_caseload_in_one_go_audited_per_case(ehcp):
    _team(ehcp)
    refs = [_open(ehcp, name, "2016-05-04", "2025-03-03", EHCP_USER="sam.leaver")
            for name in ("Alex Example", "Bea Example", "Cal Example")]
    ehcp("case", "withdraw", refs[2], "--on", "2025-04-01", "--reason", "parent withdrew",
         EHCP_USER="sam.leaver")  # closed: stays unless asked
    ehcp("user", "deactivate", "sam.leaver", "--reason", "left the service")
    assert "deactivated" in ehcp("case", "reassign", "--from", "robin.stays", "--to", "sam.leaver",
                                 "--reason", "x", code=1).stderr
    assert "unknown user 'nobody'" in ehcp("case", "reassign", "--from", "sam.leaver", "--to", "nobody",
                                           "--reason", "x", code=1).stderr
    assert "jo.south is not in team North" in ehcp("case", "reassign", "--from", "sam.leaver", "--to", "jo.south",
                                                   "--team", "North", "--reason", "x", code=1).stderr
    out = ehcp("case", "reassign", "--from", "sam.leaver", "--to", "robin.stays", "--team", "North",
               "--reason", "Sam left the service")
    assert out.stderr.strip().splitlines()[-1] == "2 cases moved from sam.leaver to robin.stays"
    assert out.stdout.split() == refs[:2]
    mine = ehcp.json("case", "list", EHCP_USER="robin.stays")["cases"]
    assert sorted(c["reference"] for c in mine) == refs[:2]
    for ref in refs[:2]:
        moved = [r for r in ehcp.json("audit", "show", ref)["audit"] if r["action"] == "case_assigned"]
        assert [(r["reason"], r["detail"]["to"], r["detail"]["from"]) for r in moved] == [
            ("Sam left the service", "robin.stays", "sam.leaver")]
    assert "no open cases" in ehcp("case", "reassign", "--from", "sam.leaver", "--to", "robin.stays",
                                   "--reason", "x", code=1).stderr
    rest = ehcp.json("case", "reassign", "--from", "sam.leaver", "--to", "robin.stays", "--include-closed",
                     "--reason", "tidy up")
    assert (rest["moved"], rest["references"]) == (1, refs[2:])


def test_child_edit_brings_the_childs_other_open_cases_into_step(ehcp):
    first = _open(ehcp)
    second = _open(ehcp, "Alex Example", "2016-05-04", "2025-06-02", "--force", "--reason", "a second request")
    result = ehcp.json("child", "edit", first, "--dob", "2016-06-04", "--reason", "birth certificate")
    assert result["also_noted"] == [second]
    assert ehcp.json("case", "show", second)["child"]["dob"] == "2016-06-04"
    noted = [i for i in ehcp.json("case", "timeline", second)["items"] if i["what"] == "child_noted"]
    assert [(i["detail"]["dob"], i["reason"]) for i in noted] == [("2016-06-04", "birth certificate")]


def test_a_deactivated_login_is_refused_in_open_mode_too(ehcp):
    _open(ehcp)  # casey.worker: the first login, registered as admin
    _open(ehcp, "Bea Example", EHCP_USER="sam.leaver")  # registered on first use (open mode)
    ehcp("user", "deactivate", "sam.leaver", "--reason", "left the service")
    refused = ehcp("case", "list", EHCP_USER="sam.leaver", code=1)
    assert refused.stderr == "ehcp: user 'sam.leaver' is deactivated\n"
    assert ehcp("user", "enforce", "status").stderr.startswith("permissions enforced: off")

"""A refused command through the real entry point: one line on stderr, exit 1 and, with
``--format json``, one JSON error document on stdout carrying the rule and citation as data."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Ehcp


@pytest.fixture
def ehcp(db_url, tmp_path) -> Ehcp:
    return Ehcp(db_url, tmp_path)


def new_case(ehcp: Ehcp) -> str:
    return ehcp.json("case", "new", "--child", "Alex Example", "--dob", "2016-05-04",
                     "--received", "2025-03-03")["reference"]


def planned_case(ehcp: Ehcp) -> str:
    """A case with a final plan and an amendment notice sent on 2025-07-01."""
    ref = new_case(ehcp)
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-01")
    ehcp("case", "draft", ref, "--on", "2025-06-02")
    ehcp("case", "finalise", ref, "--on", "2025-06-20")
    ehcp("review", "amend-notice", ref, "--on", "2025-07-01")
    return ref


def test_a_refusal_by_the_law_prints_its_citation_stage_and_target_as_json(ehcp):
    ref = planned_case(ehcp)
    plain = ehcp("review", "amend-notice", ref, "--on", "2025-07-05", code=1)
    result = ehcp("review", "amend-notice", ref, "--on", "2025-07-05", "--format", "json", code=1)
    assert plain.stdout == ""
    assert result.stderr == plain.stderr
    line = plain.stderr.strip()
    assert line.startswith(f"ehcp: {ref}: cannot record amendment_notice_sent in stage final on 2025-07-05: ")
    error = json.loads(result.stdout)["error"]
    assert list(error) == ["message", "rule", "citation", "stage", "target"]
    assert f"ehcp: {error['message']}" == line
    assert error["citation"] == "SEND Regulations 2014 reg 22(3)"
    assert (error["stage"], error["target"]) == ("final", "amendment_notice_sent")


def test_a_move_the_law_does_not_have_names_stage_and_target_without_a_citation(ehcp):
    ref = new_case(ehcp)
    result = ehcp("review", "held", ref, "--on", "2025-06-05", "--format", "json", code=1)
    error = json.loads(result.stdout)["error"]
    assert (error["stage"], error["target"], error["citation"]) == ("request", "review", None)
    assert result.stderr == f"ehcp: {error['message']}\n"


def test_other_refusals_print_the_message_with_null_rule_and_citation(ehcp):
    result = ehcp("case", "show", "EHC-2025-00404", "--format", "json", code=1)
    assert json.loads(result.stdout) == {"error": {"message": "unknown case 'EHC-2025-00404'", "rule": None,
                                                    "citation": None, "stage": None, "target": None}}
    assert result.stderr == "ehcp: unknown case 'EHC-2025-00404'\n"


def test_a_table_format_refusal_prints_nothing_on_stdout(ehcp):
    result = ehcp("case", "show", "EHC-2025-00404", code=1)
    assert result.stdout == ""

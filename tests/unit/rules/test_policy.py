"""Policy: every open question is a named field with its documented default."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from ehcp.rules import DEFAULT_POLICY, DEFAULT_RULES, Policy, policy_help

SOURCE = (Path(__file__).resolve().parents[3] / "ehcp" / "rules" / "policy.py").read_text()
DEFAULTS = {
    "reg10_4_limbs": ("a", "b", "c", "d"),  # Q1
    "deemed_service": "practice_direction_1985",  # Q3
    "sen2_day_count": 140,  # Q4
    "phase_transfer_date": "regulation",  # Q5
    "review_restart": "decision",  # Q6
    "months_beginning": "legal",  # Q7
    "months_after": "corresponding",  # Q8
    "window_end_non_working_day": "stands",  # Q9
    "covid_selection": "deadline_date",  # Q13
    "reg5_exceptions_cover_reg4": True,  # Q14
    "weekend_receipt": "actual",  # Q17
    "due_soon_days": 7,
    "absence_min_days": 28,
    "closure_min_days": 28,
}


@pytest.mark.parametrize("name,default", DEFAULTS.items())
def test_documented_defaults(name, default):
    assert getattr(DEFAULT_POLICY, name) == default


def test_every_field_names_its_question_in_metadata_and_comment():
    for spec in fields(Policy):
        assert spec.metadata["question"] and spec.metadata["help"]
        if spec.metadata["question"] != "-":
            assert re.search(rf"# {spec.metadata['question']}:", SOURCE), spec.name


def test_every_open_question_with_a_choice_is_covered():
    questions = {spec.metadata["question"] for spec in fields(Policy)}
    assert {f"Q{n}" for n in range(1, 20)} | {"Q21", "Q22", "Q23"} <= questions


def test_refuses_a_choice_the_field_does_not_offer():
    with pytest.raises(ValueError, match="review_restart"):
        Policy(review_restart="whenever")
    with pytest.raises(ValueError, match="limbs"):
        Policy(reg10_4_limbs=("a", "z"))


def test_from_mapping_reads_toml_values():
    policy = Policy.from_mapping({"sen2_day_count": 139, "reg10_4_limbs": ["a", "b", "c", "d", "e"],
                                  "si_2015_359_from": "2015-04-01"})
    assert policy.sen2_day_count == 139 and policy.reg10_4_limbs[-1] == "e"
    assert policy.si_2015_359_from == date(2015, 4, 1)
    with pytest.raises(ValueError, match="unknown policy settings"):
        Policy.from_mapping({"colour": "red"})


def test_exceptions_for_applies_q1_and_q14():
    no_plan = DEFAULT_RULES.rule("no_plan_notice", date(2025, 1, 1))
    final = DEFAULT_RULES.rule("final_plan", date(2025, 1, 1))
    decision = DEFAULT_RULES.rule("assessment_decision", date(2025, 1, 1))
    limb_e = Policy(reg10_4_limbs=("a", "b", "c", "d", "e"))
    assert "missed_appointment" not in DEFAULT_POLICY.exceptions_for(no_plan)
    assert "missed_appointment" in limb_e.exceptions_for(no_plan)
    assert "missed_appointment" not in limb_e.exceptions_for(final)
    assert Policy(reg5_exceptions_cover_reg4=False).exceptions_for(decision) == frozenset()


def test_policy_help_lists_every_field():
    assert [row[0] for row in policy_help()] == [spec.name for spec in fields(Policy)]

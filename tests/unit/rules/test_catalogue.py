"""The rule catalogue: lookups by key and id, versions in force, exceptions per rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise

import pytest

from ehcp.rules import DEFAULT_RULES, NoRuleInForce, Rule, RuleSet, UnknownRule

TODAY = date(2025, 6, 1)
REQUIRED = ("assessment_decision", "advice", "no_plan_notice", "draft_representations", "school_consultation",
            "final_plan", "annual_review", "review_invitation", "review_report", "review_decision",
            "amendment_representations", "amended_plan", "reassessment_decision", "reassessment_final")


@pytest.mark.parametrize("key", REQUIRED)
def test_catalogue_has_every_clock_of_the_contract(key):
    rule = DEFAULT_RULES.rule(key, TODAY)
    assert rule.key == key and rule.citation and rule.rule_id.startswith("R-")


@pytest.mark.parametrize("key,rule_id,length,unit,convention,citation", [
    ("assessment_decision", "R-ASSESS-DECISION", 6, "weeks", "C-WEEKS", "SEND Regulations 2014 reg 5(1)"),
    ("advice", "R-ADVICE-RESPOND", 6, "weeks", "C-WEEKS", "SEND Regulations 2014 reg 8(1)"),
    ("no_plan_notice", "R-NO-PLAN-NOTICE", 16, "weeks", "C-WEEKS", "SEND Regulations 2014 reg 10(1)"),
    ("draft_representations", "R-DRAFT-REPS", 15, "days", "C-DAYS-BEGINNING", "SEND Regulations 2014 reg 13(1)(a)"),
    ("final_plan", "R-FINAL-PLAN", 20, "weeks", "C-WEEKS", "SEND Regulations 2014 reg 13(2)"),
    ("annual_review", "R-REVIEW-DUE", 12, "months", "C-MONTHS-BEGINNING", "CFA 2014 s.44(1)"),
    ("review_report", "R-REVIEW-REPORT", 2, "weeks", "C-WEEKS", "SEND Regulations 2014 reg 20(7), 21(7)"),
    ("review_decision", "R-REVIEW-DECISION", 4, "weeks", "C-WEEKS", "SEND Regulations 2014 reg 20(10)"),
    ("reassessment_decision", "R-REASSESS-DECISION", 15, "days", "C-DAYS-AFTER", "SEND Regulations 2014 reg 25(1)"),
    ("reassessment_final", "R-REASSESS-FINAL", 14, "weeks", "C-WEEKS", "SEND Regulations 2014 reg 27(2)"),
])
def test_rule_lengths_conventions_and_citations(key, rule_id, length, unit, convention, citation):
    rule = DEFAULT_RULES.rule(key, TODAY)
    assert (rule.rule_id, rule.length, rule.unit, rule.convention, rule.citation) == \
        (rule_id, length, unit, convention, citation)


def test_lookup_by_rule_id_and_by_numbered_advice_key():
    assert DEFAULT_RULES.rule("R-FINAL-PLAN", TODAY).key == "final_plan"
    assert DEFAULT_RULES.rule("advice.medical.2", TODAY).rule_id == "R-ADVICE-RESPOND"
    assert DEFAULT_RULES.rules_for("annual_review.3", TODAY).rule_id == "R-REVIEW-DUE"


def test_unknown_rule_and_no_rule_in_force():
    with pytest.raises(UnknownRule):
        DEFAULT_RULES.rule("tea_break", TODAY)
    with pytest.raises(NoRuleInForce):
        DEFAULT_RULES.rule("final_plan", date(2014, 8, 31))


def test_la_clocks_list_the_reg_10_4_exceptions():
    for key in ("assessment_decision", "no_plan_notice", "final_plan", "reassessment_final"):
        assert DEFAULT_RULES.rule(key, TODAY).exceptions == {"school_closure", "personal_circumstances",
                                                             "absence_from_area"}


def test_G07_advice_givers_have_no_school_closure_exception():
    assert DEFAULT_RULES.rule("advice", TODAY).exceptions == {"personal_circumstances", "absence_from_area",
                                                              "missed_appointment"}


def test_windows_and_advisory_clocks_have_no_exceptions():
    for key in ("draft_representations", "school_consultation", "amendment_representations"):
        assert DEFAULT_RULES.rule(key, TODAY).exceptions == frozenset()
    assert DEFAULT_RULES.rule("school_consultation", TODAY).advisory is True
    assert DEFAULT_RULES.rule("draft_representations", TODAY).window is True


@pytest.mark.parametrize("key", ["assessment_decision", "advice", "no_plan_notice", "final_plan", "annual_review"])
def test_coronavirus_version_in_force_1_may_to_25_september_2020_inclusive(key):
    before, first, last, after = (DEFAULT_RULES.rule(key, date(2020, m, dd))
                                  for m, dd in ((4, 30), (5, 1), (9, 25), (9, 26)))
    assert "coronavirus" not in before.exceptions and "coronavirus" not in after.exceptions
    assert "coronavirus" in first.exceptions and first is last
    assert first.version == "send-2014@covid-2020" and "SI 2020/471" in first.citation
    assert first.exceptions - {"coronavirus"} == before.exceptions


def test_coronavirus_never_applies_to_windows():
    assert "coronavirus" not in DEFAULT_RULES.rule("draft_representations", date(2020, 6, 1)).exceptions


def test_devon_longstop_is_a_version_from_8_march_2022():
    before = DEFAULT_RULES.rule("amended_plan", date(2022, 3, 7))
    after = DEFAULT_RULES.rule("amended_plan", date(2022, 3, 8))
    assert before.longstop_weeks is None
    assert (after.longstop_weeks, after.length) == (12, 8) and "Devon" in after.citation


def test_versions_of_one_rule_never_overlap():
    rule = DEFAULT_RULES.rule("final_plan", TODAY)
    with pytest.raises(ValueError, match="overlap"):
        RuleSet((rule, replace(rule, version="other")))


def test_rule_validates_its_vocabulary():
    base = DEFAULT_RULES.rule("final_plan", TODAY)
    for bad in ({"convention": "C-FORTNIGHTS"}, {"unit": "moons"}, {"binds": "nobody"},
                {"exceptions": frozenset({"snow"})}, {"effective_to": date(2000, 1, 1)}):
        with pytest.raises(ValueError):
            replace(base, **bad)


def test_every_key_has_continuous_versions_from_1_september_2014():
    for key in DEFAULT_RULES.keys():  # noqa: SIM118 - a RuleSet iterates its rules; keys() gives the keys
        versions = DEFAULT_RULES.versions(key)
        assert versions[0].effective_from == date(2014, 9, 1) or key == "amended_plan"
        for earlier, later in pairwise(versions):
            assert (later.effective_from - earlier.effective_to).days == 1
        assert versions[-1].effective_to is None


def test_describe_lists_every_version():
    assert len(DEFAULT_RULES.describe().splitlines()) == len(DEFAULT_RULES)
    assert isinstance(next(iter(DEFAULT_RULES)), Rule)

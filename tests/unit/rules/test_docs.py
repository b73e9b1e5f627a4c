"""The generated law documents (docs/rules.md, policies.md, statutory-timescales.md) match the catalogue."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from ehcp.rules import DEFAULT_RULES, Policy
from ehcp.rules.docs import DOCS, QUESTIONS, SECTIONS, documents, main, policy_value, rule_ids, section_of


@pytest.mark.parametrize("name", sorted(documents()))
def test_generated_document_is_byte_identical_to_the_committed_one(name):
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == documents()[name], f"docs/{name} is stale: run python -m ehcp.rules.docs"


def test_check_mode_reports_a_stale_document_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "rules.md").write_text("old", encoding="utf-8")
    assert main(["--check", "--out", str(tmp_path)]) == 1
    assert (tmp_path / "rules.md").read_text(encoding="utf-8") == "old"
    assert "stale" in capsys.readouterr().err


def test_writing_then_checking_finds_nothing_stale(tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--check", "--out", str(tmp_path)]) == 0


def test_rules_md_has_every_rule_version_with_its_dates_and_citation():
    text = documents()["rules.md"]
    for rule in DEFAULT_RULES:
        assert f"## {rule.rule_id}\n" in text
        rows = [line for line in text.splitlines() if line.startswith(f"| {rule.version} | ")
                and rule.effective_from.isoformat() in line and rule.citation in line]
        assert rows, (rule.rule_id, rule.version)


def test_policies_md_has_every_setting_with_its_default_and_every_question():
    text = documents()["policies.md"]
    for spec in fields(Policy):
        assert f"`{spec.name}`" in text and f"`{policy_value(spec.default)}`" in text
    for code in QUESTIONS:
        assert f"\n## {code}\n" in text


def test_policy_values_are_written_as_settings_are():
    assert [policy_value(v) for v in (True, date(2015, 3, 23), ("a", "b"), "regulation", None, 140)] == \
        ["true", "2015-03-23", '["a", "b"]', '"regulation"', "none", "140"]


def test_every_rule_sits_in_one_section_of_the_law():
    numbers = [number for number, *_ in SECTIONS]
    assert len(numbers) == len(set(numbers))
    for rule_id in rule_ids():
        assert section_of(rule_id) in numbers


def test_a_rule_in_no_section_is_refused():
    with pytest.raises(KeyError, match="R-TEA-BREAK"):
        section_of("R-TEA-BREAK")

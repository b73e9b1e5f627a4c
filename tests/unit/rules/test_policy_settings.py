"""Issue 21: policy values read from ehcp.toml (and the command line) are coerced to their field's type and
checked; a bad key or value is one line naming the key and its allowed values."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.config import BadSetting, load_settings
from ehcp.rules.policy import DEFAULT_POLICY, Policy, allowed_values, coerce_value


def test_values_from_toml_or_the_command_line_are_coerced():
    policy = Policy.from_mapping({"deemed_service": "cpr_6_26", "under5_review_months": [2, 4],
                                  "order_remit_weeks": "none", "sixth_form_is_phase_transfer": "true",
                                  "hesc_r12_2020_from": "2020-07-21", "reg10_4_limbs": "a, b, c, d, e",
                                  "amend_not_weeks": "6"})
    assert policy.under5_review_months == (2, 4) and policy.order_remit_weeks is None
    assert policy.sixth_form_is_phase_transfer is True and policy.amend_not_weeks == 6
    assert policy.reg10_4_limbs == ("a", "b", "c", "d", "e")
    assert policy.differs_from_default() == {"deemed_service": "cpr_6_26", "under5_review_months": [2, 4],
                                             "sixth_form_is_phase_transfer": True, "amend_not_weeks": 6,
                                             "reg10_4_limbs": ["a", "b", "c", "d", "e"]}
    assert coerce_value("si_2015_359_from", "2015-03-23") == date(2015, 3, 23)


@pytest.mark.parametrize(("values", "message"), [
    ({"deemed_service": "cpr"}, "policy deemed_service='cpr': choose one of practice_direction_1985, cpr_6_26"),
    ({"amend_not_weeks": "eight"}, "policy amend_not_weeks='eight': choose a whole number"),
    ({"amend_not_weeks": 0}, "policy amend_not_weeks=0: choose a whole number of at least 1"),
    ({"sixth_form_is_phase_transfer": "maybe"}, "choose false, true"),
    ({"hesc_r12_2020_from": "2020-13-01"}, "choose an ISO date (YYYY-MM-DD)"),
    ({"under5_review_months": [6, 3]}, "the first at least 1 and not above the second"),
    ({"reg10_4_limbs": ["a", "z"]}, "unknown limbs ['z']"),
    ({"review_restrat": "meeting"}, "unknown policy settings: review_restrat"),
])
def test_bad_values_are_one_line_naming_the_key_and_allowed_values(values, message):
    with pytest.raises(ValueError, match=r"^[^\n]*$") as caught:
        Policy.from_mapping(values)
    assert message in str(caught.value)


def test_allowed_values_in_words():
    assert allowed_values("review_restart") == "decision, meeting"
    assert allowed_values("order_remit_weeks") == "none, or a whole number"
    assert allowed_values("under5_review_months") == "a list of 2 whole numbers"


def test_digest_names_the_policy():
    assert Policy().digest == DEFAULT_POLICY.digest
    assert Policy(review_restart="meeting").digest != DEFAULT_POLICY.digest
    assert len(DEFAULT_POLICY.digest) == 12


def test_settings_load_the_policy_table_of_ehcp_toml(tmp_path):
    config = tmp_path / "ehcp.toml"
    config.write_text('[ehcp]\ndue_soon_days = 5\n\n[policy]\nreview_restart = "meeting"\nmonths_after = '
                      '"corresponding"\n', encoding="utf-8")
    settings = load_settings({"EHCP_CONFIG": str(config)})
    assert settings.policy_toml == {"review_restart": "meeting", "months_after": "corresponding"}
    assert settings.due_soon_days == 5
    top = tmp_path / "top.toml"
    top.write_text('[policy]\ndeemed_service = "cpr_6_26"\n', encoding="utf-8")
    assert load_settings({"EHCP_CONFIG": str(top)}).policy_toml == {"deemed_service": "cpr_6_26"}


def test_a_bad_policy_in_ehcp_toml_is_refused_with_one_line(tmp_path):
    config = tmp_path / "ehcp.toml"
    config.write_text('[policy]\nreview_restart = "weekly"\n', encoding="utf-8")
    with pytest.raises(BadSetting, match=r"\[policy\]: policy review_restart='weekly': choose one of decision, "
                                         "meeting$"):
        load_settings({"EHCP_CONFIG": str(config)})


def test_rules_md_shows_the_alternatives_and_every_policy_question_with_options_and_default():
    from dataclasses import fields

    from ehcp.rules.docs import rules_md
    from ehcp.rules.readings import ALTERNATIVES, COMPONENTS

    text = rules_md()
    assert "## Alternative readings shown beside a due date" in text and "## Policy questions" in text
    for shown in ALTERNATIVES:
        assert f"`{shown.setting}`" in text and shown.text in text
    for shown in COMPONENTS:
        assert shown.names in text
    assert "| Q3 | `deemed_service` | `\"practice_direction_1985\"`, `\"cpr_6_26\"` | `\"practice_direction_1985\"` |" \
        in text
    assert all(f"`{spec.name}`" in text for spec in fields(Policy))

"""Chase configuration and schedules (pure, no database): the ladder, child fields, ehcp.toml and
environment overrides, and the cron check that keeps runs out of London's clock-change hour."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.chase.config import DEFAULT_LADDER, ChaseConfig, Rung, expand_ladder, load_chase_config, rung_reached
from workflows.schedule import check_schedule, cron_hours


@pytest.mark.parametrize("as_of, expected", [
    (date(2025, 5, 18), None), (date(2025, 5, 19), "courtesy"), (date(2025, 5, 25), "courtesy"),
    (date(2025, 5, 26), "due_today"), (date(2025, 5, 27), "overdue"), (date(2025, 6, 2), "overdue"),
    (date(2025, 6, 3), "escalation"), (date(2026, 1, 1), "escalation"),
])
def test_default_ladder_rung_reached_for_a_request_due_26_may(as_of, expected):
    index = rung_reached(DEFAULT_LADDER, date(2025, 5, 26), as_of)
    assert (DEFAULT_LADDER[index].name if index >= 0 else None) == expected


def test_ladder_must_be_named_uniquely_and_strictly_increasing():
    with pytest.raises(ValueError, match="strictly increase"):
        ChaseConfig(ladder=(Rung("a", 0), Rung("b", 0)))
    with pytest.raises(ValueError, match="duplicate"):
        ChaseConfig(ladder=(Rung("a", 0), Rung("a", 3)))
    with pytest.raises(ValueError, match="at least one"):
        ChaseConfig(ladder=())


def test_toml_and_environment_configure_the_chase(tmp_path):
    path = tmp_path / "ehcp.toml"
    path.write_text(
        '[ehcp]\nnotifier = "outbox"\n\n[chase]\nchild_fields = ["initials"]\nchase_cron = "0 23 * * *"\n'
        'ladder = [{ name = "due_today", offset_days = 0 }, { name = "late", offset_days = 3, escalate = true }]\n')
    config = load_chase_config({"EHCP_CONFIG": str(path)})
    assert config.child_fields == ("initials",) and config.chase_cron == "0 23 * * *"
    assert [r.name for r in config.ladder] == ["due_today", "late"] and config.ladder[1].escalate
    overridden = load_chase_config({"EHCP_CONFIG": str(path), "EHCP_CHASE_CRON": "15 2 * * *",
                                    "EHCP_CHASE_CHILD_FIELDS": "initials,dob,upn",
                                    "EHCP_NOTIFY_TEMPLATE_ID": "tmpl-1"})
    assert overridden.chase_cron == "15 2 * * *" and overridden.child_fields == ("initials", "dob", "upn")
    assert overridden.notify_templates == {"default": "tmpl-1"}
    path.write_text("[chase]\nmystery = 1\n")
    with pytest.raises(ValueError, match="mystery"):
        load_chase_config({"EHCP_CONFIG": str(path)})
    assert load_chase_config({"EHCP_CONFIG": str(tmp_path / "missing.toml")}) == ChaseConfig()


@pytest.mark.parametrize("cron", ["30 0 * * *", "0 23 * * 1-5", "45 2,6 * * *", "*/15 3-5 * * *"])
def test_schedules_outside_the_clock_change_hour_are_accepted(cron):
    check_schedule(cron, "Europe/London")


@pytest.mark.parametrize("cron, message", [
    ("30 1 * * *", "01:00 and 01:59"), ("0 * * * *", "01:00 and 01:59"), ("0 0-3 * * *", "01:00 and 01:59"),
    ("0 */1 * * *", "01:00 and 01:59"), ("30 0 * *", "Wrong number of fields"),
    ("61 0 * * *", "Bad minute"), ("a 0 * * *", "Bad minute"), ("0 0 31 2 *", "not valid"),
    ("0 1 * * MON-FRI", "01:00 and 01:59"),  # names too: a maintained cron library, not a hand parser
])
def test_bad_schedules_are_refused(cron, message):
    with pytest.raises(ValueError, match=message):
        check_schedule(cron, "Europe/London")


def test_cron_hours_expands_lists_ranges_and_steps():
    assert cron_hours("0 0,12 * * *") == {0, 12}
    assert cron_hours("0 20-23/2 * * *") == {20, 22}
    assert cron_hours("30 0 * * MON-FRI") == {0}
    with pytest.raises(ValueError, match="time zone"):
        check_schedule("30 0 * * *", "Mars/Olympus")


def test_the_ladder_repeats_its_top_rung_and_says_whom_to_copy(tmp_path):
    path = tmp_path / "ehcp.toml"
    path.write_text('[chase]\noverdue_cadence_days = 0\nworking_days_only = false\n'
                    'ladder = [{ name = "overdue", offset_days = 1 },\n'
                    '          { name = "escalation", offset_days = 10, escalate = true, repeat_days = 7,'
                    ' copy_manager = false }]\n')
    config = load_chase_config({"EHCP_CONFIG": str(path)})
    assert not config.working_days_only and config.overdue_cadence_days == 0
    ladder = expand_ladder(config.ladder)
    assert [(r.name, r.offset_days) for r in ladder[:4]] == [
        ("overdue", 1), ("escalation", 10), ("escalation#2", 17), ("escalation#3", 24)]
    assert all(r.escalate and not r.copies_manager for r in ladder[1:])
    assert DEFAULT_LADDER[-1].copies_manager and DEFAULT_LADDER[-1].repeat_days == 14
    with pytest.raises(ValueError, match="only the top rung"):
        ChaseConfig(ladder=(Rung("a", 0, repeat_days=7), Rung("b", 3)))

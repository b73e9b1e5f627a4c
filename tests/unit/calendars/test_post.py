"""Deemed service (Interpretation Act 1978 s.7; Practice Direction [1985] 1 WLR 489; CPR 6.26)."""

from __future__ import annotations

import pytest

from calendars import conventions, post
from tests.unit.calendars.helpers import CAL, d


def test_G13_first_class_post_deemed_served_second_working_day():
    served = post.deemed_served(d("2025-05-29"), "first_class_post", CAL)
    assert served == d("2025-06-02")
    assert conventions.days_beginning(served, 15)[1] == d("2025-06-16")
    assert post.deemed_served(d("2025-05-29"), "first_class_post", CAL, policy="cpr_6_26") == served


def test_G16_second_class_post_deemed_served_fourth_working_day():
    sent = d("2026-03-20")
    served = post.deemed_served(sent, "second_class_post", CAL)
    assert served == d("2026-03-26")
    assert conventions.days_beginning(served, 15)[1] == d("2026-04-09")
    assert conventions.weeks_after(sent, 8) == d("2026-05-15")  # runs from sending, not service


def test_G57_latest_first_class_posting_date_for_two_weeks_notice():
    notice_by = conventions.at_least_before(d("2025-11-04"), weeks=2)
    assert notice_by == d("2025-10-21")
    assert post.latest_posting_date(notice_by, "first_class_post", CAL) == d("2025-10-17")
    assert post.deemed_served(d("2025-10-18"), "first_class_post", CAL) == d("2025-10-21")
    assert post.deemed_served(d("2025-10-20"), "first_class_post", CAL) == d("2025-10-22")


def test_friday_first_class_posting_differs_between_policies():
    friday = d("2025-06-06")
    assert post.deemed_served(friday, "first_class_post", CAL) == d("2025-06-10")
    assert post.deemed_served(friday, "first_class_post", CAL, policy="cpr_6_26") == d("2025-06-09")


def test_cpr_second_day_on_a_bank_holiday_moves_to_next_business_day():
    # Posted Sat 24 May 2025: the second day is Mon 26 May (Spring bank holiday).
    assert post.deemed_served(d("2025-05-24"), "first_class_post", CAL, policy="cpr_6_26") == d("2025-05-27")


def test_cpr_policy_leaves_second_class_to_the_practice_direction():
    sent = d("2026-03-20")
    assert post.deemed_served(sent, "second_class_post", CAL, policy="cpr_6_26") == \
           post.deemed_served(sent, "second_class_post", CAL)


@pytest.mark.parametrize("channel", ["email", "hand", "portal"])
def test_electronic_and_hand_delivery_served_the_same_day(channel):
    assert post.deemed_served(d("2026-01-03"), channel, CAL) == d("2026-01-03")
    assert post.latest_posting_date(d("2026-01-03"), channel, CAL) == d("2026-01-02")


def test_first_class_over_christmas():
    assert post.deemed_served(d("2025-12-23"), "first_class_post", CAL) == d("2025-12-29")
    assert post.latest_posting_date(d("2025-12-29"), "first_class_post", CAL) == d("2025-12-23")
    assert post.latest_posting_date(d("2025-12-29"), "second_class_post", CAL) == d("2025-12-19")


def test_unknown_channel_or_policy_is_named():
    with pytest.raises(ValueError, match="'fax'"):
        post.deemed_served(d("2025-01-06"), "fax", CAL)
    with pytest.raises(ValueError, match="'cpr_6_99'"):
        post.deemed_served(d("2025-01-06"), "email", CAL, policy="cpr_6_99")
    with pytest.raises(ValueError, match="'pigeon'"):
        post.latest_posting_date(d("2025-01-06"), "pigeon", CAL)


def test_channels_constant():
    assert post.CHANNELS == ("email", "hand", "portal", "first_class_post", "second_class_post")

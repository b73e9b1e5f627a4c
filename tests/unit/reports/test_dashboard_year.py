"""The dashboard's default year is the last complete calendar year (issue 16: in January the
current year is nearly empty)."""

from datetime import date

from ehcp.reports.dashboard import default_year


def test_in_january_the_dashboard_shows_last_year():
    assert default_year(date(2026, 1, 5)) == 2025


def test_on_the_last_day_of_a_year_the_dashboard_still_shows_the_year_before():
    assert default_year(date(2025, 12, 31)) == 2024

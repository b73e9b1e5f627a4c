"""SEN2 code lists are data, versioned by collection year."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.sen2 import codes
from ehcp.sen2.summary import census_for_activity_year, next_census


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026, 2027])
def test_every_list_exists_for_every_year(year):
    for name in codes.NAMES:
        codes.codes(name, year)
    assert codes.census_date(year).weekday() == 3  # a Thursday


def test_down_syndrome_from_2025_and_never_nsa():
    assert "DS" not in codes.codes("sen_type", 2024) and "DS" in codes.codes("sen_type", 2025)
    assert all("NSA" not in codes.codes("sen_type", y) for y in range(2023, 2028))


def test_items_by_year():
    assert "RequestSource" not in codes.items_for(2024) and "RequestSource" in codes.items_for(2026)
    assert "ReviewOutcome" not in codes.items_for(2023) and "ReviewOutcome" in codes.items_for(2024)
    assert codes.codes("request_source", 2024) == {} and codes.codes("review_outcome", 2023) == {}


def test_unknown_year_is_refused():
    with pytest.raises(KeyError):
        codes.codes("sen_type", 2022)


def test_ehcp_vocabulary_maps_onto_sen2_codes():
    from ehcp.domain.plan_life import CEASE_REASONS

    assert set(codes.CEASE_REASON_OF) == set(CEASE_REASONS)
    assert set(codes.CEASE_REASON_OF.values()) == set(codes.CEASE_REASON)


def test_census_dates():
    assert census_for_activity_year(2025) == date(2026, 1, 15)
    assert next_census(date(2026, 1, 10)) == date(2026, 1, 15)
    assert next_census(date(2026, 1, 16)) == date(2027, 1, 21)

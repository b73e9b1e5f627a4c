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


def test_person_and_plan_code_lists():
    assert set(codes.codes("sex", 2026)) == {"M", "F"}
    ethnicity = codes.codes("ethnicity", 2026)
    assert len(ethnicity) == 108 and {"WBRI", "REFU", "NOBT"} <= set(ethnicity)
    assert all(len(code) == 4 and code.isupper() for code in ethnicity)
    assert set(codes.codes("work_based", 2026)) == {"A", "T", "S"}
    assert set(codes.codes("direct_payment", 2026)) == {"E", "S", "H", "I"}
    assert set(codes.codes("officer", 2026)) == {"Y", "N", "R"}
    assert (codes.MAX_PLACEMENT_RANK, codes.MAX_NEEDS) == (2, 2)


def test_layouts_by_year():
    """Element order per collection year (shared/sen2-schema): LastReview moves to the end in 2026."""
    from ehcp.sen2.layout import layout

    assert layout(2025).active.index("LastReview") == layout(2025).active.index("ReviewMeeting") + 1
    assert layout(2026).active[-1] == "LastReview" and layout(2027) == layout(2026)
    for year in (2023, 2024, 2025, 2026):
        lay = layout(year)
        assert lay.plan[:2] == ("StartDate", "PlanDetail")
        assert lay.active[1] == "PlacementDetail" and "SENSetting" in lay.detail
        assert "SENsetting" not in lay.placement and "RES" not in lay.placement
    assert "GenderCurrent" in layout(2023).person and "Sex" in layout(2024).person
    assert "DSCO" not in layout(2024).source and layout(2025).source[-1] == "DSCO"
    assert "RequestSource" in layout(2025).request and "RequestSource" not in layout(2024).request
    with pytest.raises(KeyError):
        layout(2022)

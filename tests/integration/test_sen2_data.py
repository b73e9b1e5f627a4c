"""Recording SEN2 data (placements, SEN types, UPN-unknown): one audited transaction each; bad input
refused with nothing written; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from ehcp.services.cases import ChildDetails, open_case
from ehcp.services.errors import Refused
from ehcp.services.sen2_data import PlacementDetails, record_needs, record_placement, record_upn_unknown
from ehcp.store.db import engine_for


@pytest.fixture
def case(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-01-14")
    ref = open_case(ctx, ChildDetails("Ada", "Able", date(2017, 3, 1)), received=date(2025, 1, 6)).reference
    return ctx, ref, db_url


def rows(url: str, sql: str) -> list:
    with engine_for(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_a_new_main_placement_ends_the_open_one_and_is_audited(case):
    ctx, ref, url = case
    record_placement(ctx, ref, PlacementDetails(date(2024, 9, 4), setting="Oak Primary", urn="123456"))
    done = record_placement(ctx, ref, PlacementDetails(date(2025, 9, 3), setting="Elm Academy", urn="234567",
                                                       sen_unit=True))
    assert done.details["ended_placements"]
    got = rows(url, "SELECT urn, entry_date, leaving_date, sen_unit FROM placements ORDER BY id")
    assert [(r[0], str(r[1]), str(r[2]) if r[2] else None, bool(r[3])) for r in got] == [
        ("123456", "2024-09-04", "2025-09-02", False), ("234567", "2025-09-03", None, True)]
    assert rows(url, "SELECT name, urn FROM settings ORDER BY name") == [("Elm Academy", "234567"),
                                                                         ("Oak Primary", "123456")]
    assert rows(url, "SELECT COUNT(*) FROM audit_log WHERE action = 'sen2_placement_recorded'") == [(2,)]


@pytest.mark.parametrize("details, message", [
    (PlacementDetails(date(2025, 9, 3)), "give --setting"),
    (PlacementDetails(date(2025, 9, 3), urn="12345"), "6 digits"),
    (PlacementDetails(date(2025, 9, 3), ukprn="1234"), "8 digits"),
    (PlacementDetails(date(2025, 9, 3), sen_setting="XYZ"), "unknown SEN setting code"),
    (PlacementDetails(date(2026, 2, 1), sen_setting="EHE"), "future"),
    (PlacementDetails(date(2025, 9, 3), sen_setting="EHE", leaving_date=date(2025, 9, 1)), "before the entry"),
])
def test_bad_placements_are_refused_and_nothing_is_written(case, details, message):
    ctx, ref, url = case
    with pytest.raises(Refused, match=message):
        record_placement(ctx, ref, details)
    assert rows(url, "SELECT COUNT(*) FROM placements") == [(0,)]


def test_needs_replace_those_before_and_refuse_unknown_types(case):
    ctx, ref, url = case
    record_needs(ctx, ref, primary="asd", secondary=["SLCN"])
    record_needs(ctx, ref, primary="SEMH", secondary=["ASD"])
    ranked = rows(url, "SELECT sen_type, sen_type_rank FROM sen_needs ORDER BY sen_type_rank")
    assert ranked == [("SEMH", 1), ("ASD", 2)]
    for bad in ({"primary": "NSA"}, {"primary": "ASD", "secondary": ["ASD"]}):
        with pytest.raises(Refused):
            record_needs(ctx, ref, **bad)
    assert rows(url, "SELECT COUNT(*) FROM sen_needs") == [(2,)]
    assert rows(url, "SELECT COUNT(*) FROM audit_log WHERE action = 'sen2_needs_recorded'") == [(2,)]


def test_upn_unknown_reason(case):
    ctx, ref, url = case
    record_upn_unknown(ctx, ref, "un8")
    assert rows(url, "SELECT upn_unknown FROM children") == [("UN8",)]
    with pytest.raises(Refused, match="unknown UPN unknown reason"):
        record_upn_unknown(ctx, ref, "UN4")
    record_upn_unknown(ctx, ref, None)
    assert rows(url, "SELECT upn_unknown FROM children") == [(None,)]

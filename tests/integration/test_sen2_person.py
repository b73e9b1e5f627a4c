"""SEN2 person items (sex, ethnicity, postcode, ULN) on the child: recorded by ``case new`` and
``import cases``, checked against the collection year's code lists, and written to the return; the
plan items of ``sen2 plan``; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ehcp.importing import ImportRefused, import_file
from ehcp.services.cases import ChildDetails, open_case
from ehcp.services.errors import Refused
from ehcp.services.sen2_data import PlanItems, record_plan_items
from ehcp.services.sen2_person import collection_year
from ehcp.store.models import Child, Sen2Plan
from tests.integration.test_import import write

TODAY = "2025-12-01"
CASES = "reference,given_name,family_name,dob,received,sex,ethnicity,postcode,uln"


def children(ctx) -> list[tuple]:
    with ctx.uow(write=False) as uow:
        return [tuple(r) for r in uow.session.execute(
            select(Child.family_name, Child.sex, Child.ethnicity, Child.postcode, Child.uln).order_by(Child.id))]


def test_case_new_records_and_normalises_the_person_items(db_url, make_ctx):
    ctx = make_ctx(db_url, today=TODAY)
    open_case(ctx, ChildDetails("Pixel", "Testington", date(2008, 1, 1), sex="f", ethnicity="bafr",
                                postcode="zz993cz", uln="1234567890"), received=date(2025, 3, 3))
    assert children(ctx) == [("Testington", "F", "BAFR", "ZZ99 3CZ", "1234567890")]


@pytest.mark.parametrize(("items", "message"), [
    ({"sex": "U"}, "unknown sex"), ({"ethnicity": "WHITE"}, "unknown ethnicity"),
    ({"postcode": "12345"}, "not a UK postcode"), ({"uln": "12345678"}, "10 digits")])
def test_case_new_refuses_bad_person_items(db_url, make_ctx, items, message):
    ctx = make_ctx(db_url, today=TODAY)
    with pytest.raises(Refused, match=message):
        open_case(ctx, ChildDetails("Pixel", "Testington", date(2008, 1, 1), **items), received=date(2025, 3, 3))
    assert children(ctx) == []


def test_import_cases_reads_the_person_columns(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", CASES, ",Pixel,Testington,2015-01-01,2025-03-03,M,WBRI,ZZ99 1AB,",
                 ",Vector,Sampleby,2006-01-01,2025-03-04,f,nobt,,1234567890")
    import_file(ctx, "cases", path)
    assert children(ctx) == [("Testington", "M", "WBRI", "ZZ99 1AB", None),
                             ("Sampleby", "F", "NOBT", None, "1234567890")]


def test_import_cases_refuses_a_bad_person_item_by_column(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    path = write(tmp_path, "cases.csv", CASES, ",Pixel,Testington,2015-01-01,2025-03-03,M,WBRI,,",
                 ",Vector,Sampleby,2006-01-01,2025-03-04,X,XXXX,,12")
    with pytest.raises(ImportRefused) as caught:
        import_file(ctx, "cases", path)
    assert sorted((e.line, e.column) for e in caught.value.errors) == [(3, "ethnicity"), (3, "sex"), (3, "uln")]
    assert children(ctx) == []


def test_plan_items_are_recorded_and_checked(db_url, make_ctx):
    ctx = make_ctx(db_url, today=TODAY)
    ref = open_case(ctx, ChildDetails("Pixel", "Testington", date(2015, 1, 1)), received=date(2025, 3, 3)).reference
    record_plan_items(ctx, ref, PlanItems(personal_budget=True, direct_payment="i", transfer_la="202"))
    record_plan_items(ctx, ref, PlanItems(residential="B"))
    with ctx.uow(write=False) as uow:
        row = uow.session.scalars(select(Sen2Plan)).one()
        assert (row.personal_budget, row.direct_payment, row.transfer_la, row.residential) == (True, "I", "202", "B")
    for bad, message in ((PlanItems(direct_payment="Z"), "unknown"), (PlanItems(transfer_la="Camden"), "3 digits"),
                         (PlanItems(), "nothing to record")):
        with pytest.raises(Refused, match=message):
            record_plan_items(ctx, ref, bad)


def test_codes_are_those_of_the_next_census():
    assert collection_year(date(2025, 12, 1)) == 2026
    assert collection_year(date(2026, 1, 15)) == 2026
    assert collection_year(date(2026, 1, 16)) == 2027

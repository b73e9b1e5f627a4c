"""``import placements`` / ``import needs`` on both databases: the same rows as ``ehcp sen2 placement`` /
``sen2 need`` write, seen by the SEN2 extract; any bad row refuses the whole file (nothing written)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ehcp.importing import ImportRefused, import_file
from ehcp.services.cases import ChildDetails, open_case
from ehcp.services.sen2_data import PlacementDetails, record_needs, record_placement
from ehcp.store.models import AuditRecord, Child, Placement, SenNeed, Setting
from tests.integration.test_import import write

TODAY = "2025-12-01"
PLACEMENTS = ("reference,entry_date,setting,urn,ukprn,sen_setting,sen_setting_other,rank,leaving_date,sen_unit,"
              "resourced_provision,residential")
NEEDS = "reference,primary,secondary,recorded_on,upn_unknown"


@pytest.fixture
def ctx(db_url, make_ctx):
    ctx = make_ctx(db_url, today=TODAY)
    for i, name in enumerate(("Pixel", "Vector", "Raster")):
        open_case(ctx, ChildDetails(name, "Testington", date(2015, 1, 1 + i)), received=date(2025, 3, 3 + i))
    return ctx


def rows(ctx, model, *columns) -> list[tuple]:
    with ctx.uow(write=False) as uow:
        return [tuple(r) for r in uow.session.execute(select(*(getattr(model, c) for c in columns))
                                                      .order_by(model.id))]


def table_counts(ctx) -> dict:
    with ctx.uow(write=False) as uow:
        return {m.__tablename__: uow.session.scalar(select(func.count()).select_from(m))
                for m in (Placement, SenNeed, Setting, AuditRecord)} | {
            "upn_unknown": uow.session.scalar(select(func.count()).where(Child.upn_unknown.is_not(None)))}


def test_imported_placements_are_what_the_sen2_command_records(ctx, db_url, make_ctx, tmp_path):
    path = write(tmp_path, "placements.csv", PLACEMENTS,
                 "EHC-2025-00001,2025-09-03,Oak Primary,123456,,,,1,,yes,no,",
                 "EHC-2025-00001,2025-11-03,Elm Academy,654321,,,,,,no,no,",   # ends Oak the day before
                 "ehc-2025-00002,2025-10-01,,,10012345,,,1,,,,",
                 "EHC-2025-00003,2025-09-01,,,,OTH,Hospital school,1,2025-10-31,,,B")
    result = import_file(ctx, "placements", path)
    assert result.counts == {"placements": 4, "placements_ended": 1}
    imported = rows(ctx, Placement, "case_id", "urn", "ukprn", "sen_setting", "sen_setting_other",
                    "placement_rank", "entry_date", "leaving_date", "sen_unit", "residential")
    assert imported == [
        (1, "123456", None, None, None, 1, date(2025, 9, 3), date(2025, 11, 2), True, None),
        (1, "654321", None, None, None, 1, date(2025, 11, 3), None, False, None),
        (2, None, "10012345", None, None, 1, date(2025, 10, 1), None, False, None),
        (3, None, None, "OTH", "Hospital school", 1, date(2025, 9, 1), date(2025, 10, 31), False, "B")]
    assert rows(ctx, Setting, "name", "urn") == [("Oak Primary", "123456"), ("Elm Academy", "654321")]
    # the same as the command gives on a second database
    other = make_ctx(db_url.replace("ehcp.sqlite3", "other.sqlite3"), today=TODAY) if "sqlite" in db_url else None
    if other is not None:
        from ehcp.store import migrate

        migrate.upgrade(other.settings.database_url)
        open_case(other, ChildDetails("Pixel", "Testington", date(2015, 1, 1)), received=date(2025, 3, 3))
        record_placement(other, "EHC-2025-00001", PlacementDetails(date(2025, 9, 3), setting="Oak Primary",
                                                                   urn="123456", sen_unit=True))
        record_placement(other, "EHC-2025-00001", PlacementDetails(date(2025, 11, 3), setting="Elm Academy",
                                                                   urn="654321"))
        assert rows(other, Placement, "urn", "entry_date", "leaving_date", "sen_unit") == [
            (r[1], r[6], r[7], r[8]) for r in imported[:2]]


def test_imported_needs_replace_earlier_ones_and_record_upn_unknown(ctx, tmp_path):
    record_needs(ctx, "EHC-2025-00001", primary="MLD")
    path = write(tmp_path, "needs.csv", NEEDS,
                 "EHC-2025-00001,ASD,SLCN,2025-11-01,",
                 "EHC-2025-00002,SPLD,,,UN2")
    assert import_file(ctx, "needs", path).counts == {"cases": 2, "upn_unknown_reasons": 1}
    assert rows(ctx, SenNeed, "case_id", "sen_type", "sen_type_rank", "recorded_on") == [
        (1, "ASD", 1, date(2025, 11, 1)), (1, "SLCN", 2, date(2025, 11, 1)), (2, "SPLD", 1, date(2025, 12, 1))]
    assert rows(ctx, Child, "id", "upn_unknown") == [(1, None), (2, "UN2"), (3, None)]


@pytest.mark.parametrize(("kind", "header", "line", "column"), [
    ("placements", PLACEMENTS, "EHC-2025-00009,2025-09-03,Oak Primary,,,,,,,,,", "reference"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-02-30,Oak Primary,,,,,,,,,", "entry_date"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2026-01-05,Oak Primary,,,,,,,,,", "entry_date"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,Oak Primary,12345,,,,,,,,", "urn"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,,,ABCDEFGH,,,,,,,", "ukprn"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,,,,XYZ,,,,,,", "sen_setting"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,,,,,,,,,,", "setting"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,Oak Primary,,,,,12,,,,", "rank"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,Oak Primary,,,,,,2025-09-01,,,", "leaving_date"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,Oak Primary,,,,,,,perhaps,,", "sen_unit"),
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,Oak Primary,,,,,,,,,Z", "residential"),
    ("needs", NEEDS, "EHC-2025-00001,,,,", "primary"),
    ("needs", NEEDS, "EHC-2025-00001,XYZ,,,", "primary"),
    ("needs", NEEDS, "EHC-2025-00001,ASD,ASD,,", "primary"),
    ("needs", NEEDS, "EHC-2025-00001,ASD,SLCN;SEMH,,", "primary"),  # SEN2 holds two needs at most
    ("placements", PLACEMENTS, "EHC-2025-00001,2025-09-03,Oak Primary,,,,,3,,,,", "rank"),  # ranks 1-2 only
    ("needs", NEEDS, "EHC-2025-00001,ASD,,2026-01-01,", "recorded_on"),
    ("needs", NEEDS, "EHC-2025-00001,ASD,,,UN4", "upn_unknown"),
    ("needs", NEEDS, "EHC-2025-00009,ASD,,,", "reference"),
])
def test_a_bad_row_refuses_the_whole_file(ctx, tmp_path, kind, header, line, column):
    good = ("EHC-2025-00002,2025-09-03,Oak Primary,,,,,,,,," if kind == "placements" else "EHC-2025-00002,MLD,,,")
    path = write(tmp_path, f"{kind}.csv", header, good, line)
    before = table_counts(ctx)
    with pytest.raises(ImportRefused) as caught:
        import_file(ctx, kind, path)
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, column)], caught.value.errors
    assert table_counts(ctx) == before


def test_needs_file_gives_each_case_once(ctx, tmp_path):
    path = write(tmp_path, "needs.csv", NEEDS, "EHC-2025-00001,ASD,,,", "EHC-2025-00001,MLD,,,")
    with pytest.raises(ImportRefused) as caught:
        import_file(ctx, "needs", path)
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, "reference")]


def test_imported_placements_and_needs_reach_the_sen2_checks(ctx, tmp_path):
    """A placement and a primary need imported for a plan clear 'placement_missing' / 'sen_type_missing'."""
    from ehcp.services.cases import advance_case

    advance_case(ctx, "EHC-2025-00001", to="assessment", on=date(2025, 4, 10))
    advance_case(ctx, "EHC-2025-00001", to="draft", on=date(2025, 6, 2))
    advance_case(ctx, "EHC-2025-00001", to="final", on=date(2025, 7, 14))

    def findings() -> set[str]:
        from ehcp.sen2.checks import run_checks
        from ehcp.sen2.extract import extract
        from ehcp.services.views import read_connection

        with read_connection(ctx.settings) as conn:
            return {f.check for f in run_checks(extract(conn, date(2026, 1, 15)))
                    if f.reference == "EHC-2025-00001"}

    assert {"placement_missing", "sen_type_missing"} <= findings()
    import_file(ctx, "placements", write(tmp_path, "p.csv", PLACEMENTS,
                                         "EHC-2025-00001,2025-09-03,Oak Primary,123456,,,,,,,,"))
    import_file(ctx, "needs", write(tmp_path, "n.csv", NEEDS, "EHC-2025-00001,ASD,,,"))
    assert not {"placement_missing", "sen_type_missing"} & findings()

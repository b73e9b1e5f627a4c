"""SEN2 exports validated against the public community schemas (shared/sen2-schema, read beside the
repository, never copied into it): the hand-built set covering every outcome, exception, transfer,
cease, review, mediation and tribunal, and generated loads of several seeds (300+ persons each), for
the 2025 and 2026 collections; on SQLite and PostgreSQL. The generated loads also pass every check.

The schema folder is ``<repo>/../shared/sen2-schema`` (or EHCP_SEN2_SCHEMA_DIR); the tests skip
without it unless EHCP_REQUIRE_SEN2_SCHEMA=1.
"""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from ehcp.sen2 import xml
from ehcp.sen2.checks import Return, run_checks
from ehcp.sen2.extract import persons
from ehcp.store.db import engine_for
from tests.integration.sen2_cases import build

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = Path(os.environ.get("EHCP_SEN2_SCHEMA_DIR") or REPO.parent / "shared" / "sen2-schema")
CENSUSES = {2025: date(2025, 1, 16), 2026: date(2026, 1, 15)}


def schema_file(year: int) -> Path:
    path = SCHEMAS / "adapted" / f"sen2_schema_{year}_adapted.xsd"
    if not path.is_file():
        if os.environ.get("EHCP_REQUIRE_SEN2_SCHEMA") == "1":
            pytest.fail(f"SEN2 schema {path} is missing (EHCP_REQUIRE_SEN2_SCHEMA=1)")
        pytest.skip(f"SEN2 schema {path} not found: the community schemas live in ../shared/sen2-schema "
                    "beside the repository (set EHCP_SEN2_SCHEMA_DIR to point elsewhere)")
    return path


def schema_errors(url: str, year: int, tmp_path: Path) -> tuple[list[str], int]:
    """The schema's complaints about the export for ``year``, and the number of persons written."""
    from ehcp.sen2.schema import schema_findings

    xsd = schema_file(year)
    census = CENSUSES[year]
    out = tmp_path / f"sen2_{year}.xml"
    made_at = datetime(2026, 1, 20, 9, 0)  # noqa: DTZ001 - the SEN2 header's DateTime is naive UTC, as cli/sen2.py makes it
    header = xml.Header(year=year, census=census, lea="886", made_at=made_at, dmo="Y", dco="R", dsco="N")
    with engine_for(url).connect() as conn, out.open("wb") as handle:
        count = xml.write(persons(conn, census), handle, header)
    return [f"{f.reference} {f.problem}" for f in schema_findings(out, xsd, ["?"] * count)], count


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_hand_built_set_is_valid(db_url, make_ctx, tmp_path, year):
    build(make_ctx, db_url, years_back=2026 - year)
    errors, count = schema_errors(db_url, year, tmp_path)
    assert errors == [] and count == 11


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_loads_are_valid_and_pass_every_check(db_url, make_ctx, tmp_path, seed):
    from ehcp.importing.synthetic import generate

    generate(make_ctx(db_url, today="2026-01-14", user="bench"), 320, seed=seed)
    for year, census in CENSUSES.items():
        errors, count = schema_errors(db_url, year, tmp_path)
        assert count >= 300 and errors == []
        with engine_for(db_url).connect() as conn:
            assert run_checks(Return(census, year), persons(conn, census)) == []


def test_a_missing_item_is_reported_by_the_schema_with_the_person(db_url, make_ctx, tmp_path):
    from ehcp.sen2.schema import schema_findings

    refs = build(make_ctx, db_url)
    with engine_for(db_url).begin() as conn:
        conn.exec_driver_sql("UPDATE children SET sex = NULL WHERE family_name = 'Able'")
    xsd = schema_file(2026)
    out = io.BytesIO()
    made_at = datetime(2026, 1, 20)  # noqa: DTZ001 - the SEN2 header's DateTime is naive UTC, as cli/sen2.py makes it
    header = xml.Header(year=2026, census=CENSUSES[2026], lea="886", made_at=made_at, dmo="Y", dco="Y", dsco="Y")
    with engine_for(db_url).connect() as conn:
        people = list(persons(conn, CENSUSES[2026]))
        xml.write(people, out, header)
    path = tmp_path / "sen2.xml"
    path.write_bytes(out.getvalue())
    found = list(schema_findings(path, xsd, [p.references[0] for p in people]))
    assert [(f.reference, f.item) for f in found] == [(refs["A"], "Sex")]
    assert "M or F" in found[0].fix


def test_a_ten_digit_uln_meets_only_the_community_schemas_known_defect(db_url, make_ctx, tmp_path):
    """ULNs are 10 digits (CBDS); the LIIA schema's pattern says 8 (shared/sen2-schema/README.md keeps it
    as written). The export writes the real ULN, and that pattern is the schema's only complaint."""
    build(make_ctx, db_url)
    with engine_for(db_url).begin() as conn:
        conn.exec_driver_sql("UPDATE children SET uln = '1234567890' WHERE family_name = 'Able'")
    errors, _ = schema_errors(db_url, 2026, tmp_path)
    assert len(errors) == 1 and "UniqueLearnerNumber" in errors[0] and "[1-9][0-9]{7}" in errors[0]

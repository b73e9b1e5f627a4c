"""``ehcp sen2 ...`` through the real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.e2e.conftest import Ehcp

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = Path(os.environ.get("EHCP_SEN2_SCHEMA_DIR") or REPO.parent / "shared" / "sen2-schema")
OFFICERS = {"EHCP_SEN2_DMO": "Y", "EHCP_SEN2_DCO": "n", "EHCP_SEN2_DSCO": "R"}


@pytest.fixture
def sen2(db_url, tmp_path) -> Ehcp:
    run = Ehcp(db_url, tmp_path, today="2026-01-14")
    run.env.update(OFFICERS)
    run.ref = run.json("case", "new", "--child", "Ada Able", "--dob", "2017-03-01", "--received", "2025-01-06",
                       "--sex", "f", "--ethnicity", "wbri", "--postcode", "zz99 3cz")["reference"]
    run("case", "advance", run.ref, "--to", "assessment", "--on", "2025-02-10")
    run("case", "advance", run.ref, "--to", "draft", "--on", "2025-04-14")
    run("case", "advance", run.ref, "--to", "final", "--on", "2025-05-26")
    return run


def test_record_check_explain_export_and_summarise(sen2, tmp_path):
    ref = sen2.ref
    found = sen2.json("sen2", "check", "--census", "2026-01-15")["findings"]
    assert {f["check"] for f in found} == {"upn_missing", "sen_type_missing", "placement_missing",
                                           "plan_detail_missing"}
    assert {f["reference"] for f in found} == {ref}
    sen2("sen2", "placement", ref, "--setting", "Oak Primary", "--urn", "123456", "--from", "2024-09-04")
    sen2("sen2", "need", ref, "--primary", "ASD", "--secondary", "SLCN")
    sen2("sen2", "upn-unknown", ref, "--code", "UN8")
    assert sen2.json("sen2", "check", "--census", "2026-01-15")["findings"] == []
    csv = sen2("sen2", "check", "--format", "csv").stdout
    assert csv.splitlines()[0] == "reference,check,item,problem,fix"

    items = sen2.json("sen2", "explain", ref, "--census", "2026-01-15")["items"]
    week20 = next(i for i in items if i["item"] == "Week20")
    assert week20["value"] == 0 and "final_plan deadline met" in week20["why"]

    out = tmp_path / "sen2.xml"
    sen2("sen2", "export", "--census", "2026-01-15", "--lea", "886", "--out", str(out))
    root = ET.parse(out).getroot()
    assert root.find("Header/CollectionDetails/ReferenceDate").text == "2026-01-15"
    person = root.find("Persons/Person")
    assert [person.find(n).text for n in ("Sex", "Ethnicity", "PostCode")] == ["F", "WBRI", "ZZ99 3CZ"]
    assert [root.find(f"Header/Source/{n}").text for n in ("SerialNo", "DMO", "DCO", "DSCO")] == ["001", "Y", "N", "R"]
    assert person.find("UPNunknown").text == "UN8"
    assert person.find("Requests/Assessment/AssessmentOutcomeDate").text == "2025-05-26"
    assert person.find("Requests/ActivePlans/PlacementDetail/URN").text == "123456"
    assert [n.find("SENtype").text for n in person.iter("SENneed")] == ["ASD", "SLCN"]
    from sqlalchemy import text

    from ehcp.store.db import engine_for

    with engine_for(sen2.env["EHCP_DATABASE_URL"]).connect() as conn:
        actions = [r[0] for r in conn.execute(text("SELECT action FROM audit_log ORDER BY id"))]
    assert "personal_data_exported" in actions and "sen2_placement_recorded" in actions

    doc = json.loads(sen2("sen2", "summary", "--year", "2025", "--format", "json").stdout)
    report = sen2.json("report", "timeliness", "--year", "2025")
    assert doc["twenty_weeks"]["including"]["issued"] == report["twenty_weeks"]["including"]["issued"] == 1
    assert doc["twenty_weeks"]["excluding"]["within"] == report["twenty_weeks"]["excluding"]["within"] == 1
    assert "Within 20 weeks" in sen2("sen2", "summary", "--year", "2025").stdout


def test_refusals_are_one_line(sen2, tmp_path):
    r = sen2("sen2", "need", sen2.ref, "--primary", "NSA", code=1)
    assert "unknown SEN type" in r.stderr
    r = sen2("sen2", "export", "--census", "2026-01-15", "--lea", "88", "--out", str(tmp_path / "x.xml"), code=1)
    assert "3-digit" in r.stderr
    r = sen2("sen2", "explain", "EHC-2020-00001", "--census", "2026-01-15", code=1)
    assert "not in the SEN2 return" in r.stderr
    r = sen2("sen2", "check", "--census", "2021-01-14", code=1)
    assert "no SEN2 code lists" in r.stderr
    r = sen2("sen2", "export", "--census", "2026-01-15", "--lea", "886", "--out", str(tmp_path / "x.xml"), code=1,
             EHCP_SEN2_DSCO="")
    assert len(r.stderr.strip().splitlines()) == 1 and "sen2_dsco" in r.stderr and not (tmp_path / "x.xml").exists()
    r = sen2("sen2", "placement", sen2.ref, "--urn", "123456", "--from", "2025-09-01", "--rank", "3", code=1)
    assert "rank 3" in r.stderr
    r = sen2("sen2", "need", sen2.ref, "--primary", "ASD", "--secondary", "SLCN", "--secondary", "SEMH", code=1)
    assert "one secondary" in r.stderr
    r = sen2("case", "new", "--child", "Bo Bell", "--dob", "2017-03-01", "--received", "2025-01-06", "--sex", "X",
             code=1)
    assert "unknown sex" in r.stderr
    r = sen2("case", "new", "--child", "Bo Bell", "--dob", "2017-03-01", "--received", "2025-01-06",
             "--ethnicity", "WHITE", code=1)
    assert "unknown ethnicity" in r.stderr
    r = sen2("sen2", "plan", sen2.ref, "--transfer-la", "Camden", code=1)
    assert "3 digits" in r.stderr


def test_check_with_the_schema_and_plan_items(sen2, tmp_path):
    xsd = SCHEMAS / "adapted" / "sen2_schema_2026_adapted.xsd"
    if not xsd.is_file():
        if os.environ.get("EHCP_REQUIRE_SEN2_SCHEMA") == "1":
            pytest.fail(f"{xsd} is missing")
        pytest.skip(f"{xsd} not found (the community schemas live in ../shared/sen2-schema)")
    ref = sen2.ref
    found = sen2.json("sen2", "check", "--census", "2026-01-15", "--schema", str(xsd), EHCP_SEN2_DMO="")["findings"]
    checks = {(f["check"], f["item"]) for f in found}
    assert ("header_setting", "DMO") in checks and ("schema", "PlanDetail") not in checks
    sen2("sen2", "placement", ref, "--setting", "Oak Primary", "--urn", "123456", "--from", "2024-09-04")
    sen2("sen2", "need", ref, "--primary", "ASD")
    sen2("sen2", "upn-unknown", ref, "--code", "UN8")
    sen2("sen2", "plan", ref, "--pb", "--no-oa", "--dp", "e")
    doc = sen2.json("sen2", "check", "--census", "2026-01-15", "--schema", str(xsd))
    assert doc["findings"] == [] and doc["persons"] == 1
    out = tmp_path / "sen2.xml"
    sen2("sen2", "export", "--census", "2026-01-15", "--lea", "886", "--out", str(out), "--serial", "7")
    root = ET.parse(out).getroot()
    assert root.find("Header/Source/SerialNo").text == "007"
    assert [root.find(f".//NamedPlan/{n}").text for n in ("PB", "OA", "DP")] == ["1", "0", "E"]


def test_placements_and_needs_imported_from_csv_clear_the_checks(sen2, tmp_path):
    """The migration path: 'ehcp import placements|needs' through the real entry point."""
    ref = sen2.ref
    (tmp_path / "p.csv").write_text(f"reference,entry_date,setting,urn\n{ref},2024-09-04,Oak Primary,123456\n")
    (tmp_path / "n.csv").write_text(f"reference,primary,secondary,upn_unknown\n{ref},ASD,SLCN,UN2\n")
    assert sen2.json("import", "placements", str(tmp_path / "p.csv"))["placements"] == 1
    assert sen2.json("import", "needs", str(tmp_path / "n.csv"))["upn_unknown_reasons"] == 1
    assert sen2.json("sen2", "check", "--census", "2026-01-15")["findings"] == []
    bad = sen2("import", "needs", str(tmp_path / "p.csv"), code=1)
    assert len(bad.stderr.strip().splitlines()) == 1 and "primary" in bad.stdout

"""``ehcp sen2 ...`` through the real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.e2e.conftest import Ehcp


@pytest.fixture
def sen2(db_url, tmp_path) -> Ehcp:
    run = Ehcp(db_url, tmp_path, today="2026-01-14")
    run.ref = run.json("case", "new", "--child", "Ada Able", "--dob", "2017-03-01",
                       "--received", "2025-01-06")["reference"]
    run("case", "advance", run.ref, "--to", "assessment", "--on", "2025-02-10")
    run("case", "advance", run.ref, "--to", "draft", "--on", "2025-04-14")
    run("case", "advance", run.ref, "--to", "final", "--on", "2025-05-26")
    return run


def test_record_check_explain_export_and_summarise(sen2, tmp_path):
    ref = sen2.ref
    found = sen2.json("sen2", "check", "--census", "2026-01-15")["findings"]
    assert {f["check"] for f in found} == {"upn_missing", "sen_type_missing", "placement_missing"}
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

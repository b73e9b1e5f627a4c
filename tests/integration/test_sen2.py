"""SEN2: the export of a hand-built set of cases compared element by element with the expected XML,
every pre-submission check failing and passing, explain, and the summary against report timeliness;
on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from sqlalchemy import text

from ehcp.reports.result import Period
from ehcp.reports.timeliness import timeliness_report
from ehcp.sen2 import xml
from ehcp.sen2.checks import CHECKS, run_checks
from ehcp.sen2.extract import extract, persons
from ehcp.sen2.summary import explain, summary
from ehcp.store.db import engine_for
from tests.integration.sen2_cases import build

CENSUS = date(2026, 1, 15)
MADE_AT = datetime(2026, 1, 20, 9, 0, 0)  # noqa: DTZ001 - the SEN2 header's DateTime is naive UTC, as cli/sen2.py makes it
HEADER = dict(lea="886", made_at=MADE_AT, dmo="Y", dco="N", dsco="R")


def export(url: str, census: date = CENSUS) -> bytes:
    out = io.BytesIO()
    with engine_for(url).connect() as conn:
        xml.write(persons(conn, census), out, xml.Header(year=census.year, census=census, **HEADER))
    return out.getvalue()


def person_of(root: ET.Element, surname: str) -> ET.Element:
    return next(p for p in root.iter("Person") if p.find("Surname").text == surname)


@pytest.fixture
def cases(db_url, make_ctx):
    return db_url, build(make_ctx, db_url)


def the_extract(url: str, census: date = CENSUS):
    with engine_for(url).connect() as conn:
        return extract(conn, census)


def test_export_writes_the_2026_names_and_order(cases):
    root = ET.fromstring(export(cases[0]))
    source = [e.tag for e in root.find("Header/Source")]
    assert source[-3:] == ["DMO", "DCO", "DSCO"] and root.find("Header/Source/SerialNo").text == "001"
    ada = person_of(root, "Able")
    assert [e.tag for e in ada][:7] == ["Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode",
                                       "UPN"]
    assert ada.find("PostCode").text == "ZZ99 3CZ"
    plan = ada.find("Requests/Assessment/NamedPlan")
    assert [e.tag for e in plan][:2] == ["StartDate", "PlanDetail"]
    assert plan.find("PlanDetail/URN").text == "123456"
    cara = [e.tag for e in person_of(root, "Clark").find("Requests/ActivePlans")]
    assert cara == ["PlacementDetail", "SENneed", "ReviewMeeting", "ReviewOutcome", "PhaseTransferDueDate",
                    "LastReview"]
    assert person_of(root, "Clark").find("Requests/ActivePlans/PlacementDetail/SENSetting").text == "EHE"
    assert not root.findall(".//SENsetting") and not root.findall(".//RES")


def test_lastreview_follows_reviewmeeting_in_2025(cases):
    url, _ = cases
    root = ET.fromstring(export(url, date(2025, 1, 16)))
    assert root.find("Header/CollectionDetails/Year").text == "2025"
    for active in root.iter("ActivePlans"):
        tags = [e.tag for e in active]
        if "LastReview" in tags and "ReviewMeeting" in tags:
            assert tags.index("LastReview") == tags.index("ReviewMeeting") + 1


def test_transfers_mediation_tribunal_and_plan_items(cases):
    root = ET.fromstring(export(cases[0]))
    hal = person_of(root, "Hill").find("Requests")
    assert hal.find("ActivePlans/TransferLA").text == "202"
    assert [hal.find(f"Assessment/NamedPlan/{n}").text for n in ("PB", "OA", "DP")] == ["1", "1", "E"]
    lia = person_of(root, "Lane").find("Requests")
    assert lia.find("Exported").text == "201" and lia.find("Assessment/NamedPlan/CeaseReason").text == "5"
    jon = person_of(root, "Jones").find("Requests/Assessment")
    assert (jon.find("AssessmentOutcome").text, jon.find("AssessmentMediation").text,
            jon.find("AssessmentTribunal").text) == ("N", "1", "1")
    kim = person_of(root, "King").find("Requests")
    assert (kim.find("RequestMediation").text, kim.find("RequestTribunal").text) == ("1", "1")
    assert person_of(root, "Irwin").find("Requests/RequestOutcome").text == "W"


def test_export_file_is_utf8_xml_with_a_declaration(cases):
    raw = export(cases[0])
    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert ET.fromstring(raw).find("Header/Source/LEA").text == "886"


def test_items_follow_the_collection_year(cases):
    url, _ = cases
    root = ET.fromstring(export(url, date(2025, 1, 16)))
    assert root.findall(".//RequestSource")  # from 2025
    root24 = ET.fromstring(export(url, date(2024, 1, 18)))
    assert not root24.findall(".//RequestSource") and not root24.findall(".//DSCO")
    people = [p.find("Surname").text for p in root24.iter("Person")]
    assert people == ["Ford", "Green", "Lane"]


def test_the_hand_built_set_passes_every_check(cases):
    url, _ = cases
    assert run_checks(the_extract(url)) == []


def _sql(url: str, sql: str, **params) -> None:
    with engine_for(url).begin() as conn:
        conn.execute(text(sql), params)


def _case_id(url: str, ref: str) -> int:
    with engine_for(url).connect() as conn:
        return conn.execute(text("SELECT id FROM cases WHERE reference = :r"), {"r": ref}).scalar_one()


PLACEMENT = ("INSERT INTO placements (case_id, urn, ukprn, sen_setting, placement_rank, entry_date, leaving_date, "
             "sen_unit, resourced_provision) VALUES (:c, :urn, NULL, :s, 1, :entry, :leaving, :f, :f)")


def _break(check: str, url: str, refs: dict) -> str:
    """Make the hand-built set fail ``check``; return the case reference the finding must name."""
    a, b = refs["A"], refs["B"]
    ca = _case_id(url, a)
    if check == "upn_missing":
        _sql(url, "UPDATE children SET upn = NULL WHERE id = (SELECT child_id FROM cases WHERE id = :c)", c=ca)
    elif check == "upn_unknown_code":
        _sql(url, "UPDATE children SET upn = NULL, upn_unknown = 'UN4' WHERE id = "
                  "(SELECT child_id FROM cases WHERE id = :c)", c=ca)
    elif check == "age_out_of_range":
        _sql(url, "UPDATE children SET dob = :d WHERE id = (SELECT child_id FROM cases WHERE id = :c)",
             d=date(1995, 1, 1), c=ca)
    elif check == "dates_out_of_order":
        _sql(url, PLACEMENT, c=ca, urn="654321", s=None, entry=date(2025, 6, 1), leaving=date(2025, 5, 1), f=False)
    elif check == "outcome_inconsistent":
        _sql(url, "INSERT INTO case_events (case_id, kind, \"on\", recorded_at, actor, payload) "
                  "VALUES (:c, 'final_plan_issued', :on, :at, 'test', '{}')",
             c=_case_id(url, b), on=date(2025, 9, 1), at=MADE_AT)
        return b
    elif check == "cease_reason_missing":
        _sql(url, "INSERT INTO case_events (case_id, kind, \"on\", recorded_at, actor, payload) "
                  "VALUES (:c, 'plan_ceased', :on, :at, 'test', '{}')", c=ca, on=date(2025, 12, 1), at=MADE_AT)
    elif check == "sen_type_missing":
        _sql(url, "DELETE FROM sen_needs WHERE case_id = :c", c=ca)
    elif check == "sen_type_invalid":
        _sql(url, "UPDATE sen_needs SET sen_type = 'NSA' WHERE case_id = :c AND sen_type_rank = 2", c=ca)
    elif check == "placement_missing":
        _sql(url, "UPDATE placements SET leaving_date = :d WHERE case_id = :c", d=date(2025, 12, 31), c=ca)
    elif check == "placement_rank":
        _sql(url, "UPDATE placements SET placement_rank = 2 WHERE case_id = :c", c=ca)
    elif check == "placement_identity":
        _sql(url, PLACEMENT, c=ca, urn="654321", s="EHE", entry=date(2025, 6, 1), leaving=date(2025, 6, 30), f=False)
    elif check in ("upn_invalid", "uln_invalid", "sex_missing", "ethnicity_missing"):
        column, value = {"upn_invalid": ("upn", "12345"), "uln_invalid": ("uln", "123"), "sex_missing": ("sex", None),
                         "ethnicity_missing": ("ethnicity", "XXXX")}[check]
        _sql(url, f"UPDATE children SET {column} = :v WHERE id = (SELECT child_id FROM cases WHERE id = :c)",
             v=value, c=ca)
    elif check == "plan_detail_missing":  # a plan without a placement
        _sql(url, "DELETE FROM placements WHERE case_id = :c", c=ca)
    elif check == "la_number":  # TransferLA holding the authority's name
        h = refs["H"]
        _sql(url, "UPDATE case_events SET payload = :p WHERE kind = 'plan_transferred_in' AND case_id = :c",
             p='{"from_la": "Camden", "plan_made": "2024-03-01"}', c=_case_id(url, h))
        return h
    elif check == "sen_need_limit":  # a third need
        _sql(url, "INSERT INTO sen_needs (case_id, sen_type, sen_type_rank, recorded_on) VALUES (:c, 'MLD', 3, :d)",
             c=ca, d=date(2025, 6, 1))
    elif check == "placement_rank_limit":  # --rank 3
        _sql(url, "UPDATE placements SET placement_rank = 3 WHERE case_id = :c", c=ca)
    else:  # pragma: no cover
        raise AssertionError(check)
    return a


@pytest.mark.parametrize("check", CHECKS)
def test_each_check_fails_with_the_case_reference_and_a_fix(cases, check):
    url, refs = cases
    assert not [f for f in run_checks(the_extract(url)) if f.check == check]  # passing
    ref = _break(check, url, refs)
    found = [f for f in run_checks(the_extract(url)) if f.check == check]
    assert found and {f.reference for f in found} == {ref}
    assert all(f.fix and f.problem for f in found)
    assert not any("Able" in f.problem or "Ada" in f.problem for f in found)  # no names


def test_explain_names_the_events_behind_each_item(cases):
    url, refs = cases
    with engine_for(url).connect() as conn:
        rows = {(r["module"], r["item"]): r for r in explain(conn, CENSUS, refs["D"])}
        assert explain(conn, CENSUS, refs["G"]) == []
    assert rows[("Requests", "RequestOutcome")]["value"] == "Y"
    assert "assessment_agreed on 2025-03-10" in rows[("Requests", "RequestOutcome")]["why"]
    assert rows[("Assessment", "Week20")]["value"] == 1
    assert "personal_circumstances" in rows[("Assessment", "Week20")]["why"] or \
        "disapplied" in rows[("Assessment", "Week20")]["why"]
    assert "final_plan_issued on 2025-07-21" in rows[("Assessment", "AssessmentOutcomeDate")]["why"]


def test_summary_headlines(cases):
    url, _ = cases
    doc = summary(the_extract(url))
    assert doc["requests"] == 8 and doc["requests_by_outcome"] == {"Y": 4, "N": 2, "A": 0, "W": 1, "H": 1}
    assert (doc["refusals"], doc["assessments"], doc["plans_issued"], doc["new_plans"]) == (2, 3, 2, 2)
    t = doc["twenty_weeks"]
    assert (t["including"]["issued"], t["including"]["within"]) == (2, 1)  # A day 140 on time; D day 168
    assert (t["excluding"]["issued"], t["excluding"]["within"]) == (1, 1)  # D (Week20 = 1) leaves both sides


def test_summary_agrees_with_report_timeliness(cases):
    url, _ = cases
    doc = summary(the_extract(url))
    with engine_for(url).connect() as conn:
        report = timeliness_report(conn, Period.year(2025)).document["twenty_weeks"]
    for side in ("including", "excluding"):
        assert doc["twenty_weeks"][side]["issued"] == report[side]["issued"]
        assert doc["twenty_weeks"][side]["within"] == report[side]["within"]
        assert doc["twenty_weeks"][side]["rate"] == report[side]["rate"]
    assert doc["twenty_weeks"]["exceptions"] == report["exceptions"]


def test_summary_agrees_with_report_timeliness_on_generated_plans(db_url):
    from tests.unit.reports.builder import Data

    d = Data(db_url)
    for received, after, state, exc in [(date(2025, 1, 6), 140, None, None), (date(2025, 1, 6), 141, None, None),
                                        (date(2025, 3, 3), 130, "met", "school_closure"),
                                        (date(2025, 3, 3), 200, "disapplied", "personal_circumstances"),
                                        (date(2024, 9, 2), 400, None, None), (date(2024, 6, 3), 211, None, None)]:
        d.plan(received, after, state=state, exception=exc)
    doc = summary(the_extract(db_url))
    with engine_for(db_url).connect() as conn:
        report = timeliness_report(conn, Period.year(2025)).document["twenty_weeks"]
    for side in ("including", "excluding"):
        assert (doc["twenty_weeks"][side]["issued"], doc["twenty_weeks"][side]["within"]) == \
            (report[side]["issued"], report[side]["within"])

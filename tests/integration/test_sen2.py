"""SEN2: the export of a hand-built set of cases compared element by element with the expected XML,
every pre-submission check failing and passing, explain, and the summary against report timeliness;
on SQLite and PostgreSQL."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from sqlalchemy import text

from ehcp.reports.result import Period
from ehcp.reports.timeliness import timeliness_report
from ehcp.sen2 import xml
from ehcp.sen2.checks import CHECKS, run_checks
from ehcp.sen2.extract import extract
from ehcp.sen2.summary import explain, summary
from ehcp.store.db import engine_for
from tests.integration.sen2_cases import build

CENSUS = date(2026, 1, 15)
MADE_AT = datetime(2026, 1, 20, 9, 0, 0)  # noqa: DTZ001 - naive UTC, as `ehcp sen2 export` passes it
EXPECTED = """
<Message>
  <Header>
    <CollectionDetails>
      <Collection>SEN2</Collection>
      <Year>2026</Year>
      <ReferenceDate>2026-01-15</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>886</LEA>
      <SoftwareCode>ehcp</SoftwareCode>
      <Release>1</Release>
      <SerialNo>1</SerialNo>
      <DateTime>2026-01-20T09:00:00</DateTime>
    </Source>
  </Header>
  <Persons>
    <Person>
      <Surname>Able</Surname>
      <Forename>Ada</Forename>
      <PersonBirthDate>2017-03-01</PersonBirthDate>
      <UPN>A12345678901A</UPN>
      <Requests>
        <ReceivedDate>2025-01-06</ReceivedDate>
        <RequestSource>1</RequestSource>
        <RequestOutcomeDate>2025-02-10</RequestOutcomeDate>
        <RequestOutcome>Y</RequestOutcome>
        <Assessment>
          <AssessmentOutcome>Y</AssessmentOutcome>
          <AssessmentOutcomeDate>2025-05-26</AssessmentOutcomeDate>
          <Week20>0</Week20>
          <NamedPlan>
            <StartDate>2025-05-26</StartDate>
            <PlanDetail>
              <URN>123456</URN>
              <PlacementRank>1</PlacementRank>
              <SENunitIndicator>0</SENunitIndicator>
              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
            </PlanDetail>
          </NamedPlan>
        </Assessment>
        <ActivePlans>
          <PlacementDetail>
            <URN>123456</URN>
            <PlacementRank>1</PlacementRank>
            <EntryDate>2024-09-04</EntryDate>
            <SENunitIndicator>0</SENunitIndicator>
            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
          </PlacementDetail>
          <SENneed>
            <SENtype>ASD</SENtype>
            <SENtypeRank>1</SENtypeRank>
          </SENneed>
          <SENneed>
            <SENtype>SLCN</SENtype>
            <SENtypeRank>2</SENtypeRank>
          </SENneed>
        </ActivePlans>
      </Requests>
    </Person>
    <Person>
      <Surname>Brown</Surname>
      <Forename>Ben</Forename>
      <PersonBirthDate>2021-05-05</PersonBirthDate>
      <UPNunknown>UN1</UPNunknown>
      <Requests>
        <ReceivedDate>2025-03-03</ReceivedDate>
        <RequestSource>1</RequestSource>
        <RequestOutcomeDate>2025-04-07</RequestOutcomeDate>
        <RequestOutcome>N</RequestOutcome>
      </Requests>
    </Person>
    <Person>
      <Surname>Clark</Surname>
      <Forename>Cara</Forename>
      <PersonBirthDate>2014-02-02</PersonBirthDate>
      <UPN>C12345678901C</UPN>
      <Requests>
        <ReceivedDate>2024-06-03</ReceivedDate>
        <RequestSource>1</RequestSource>
        <RequestOutcome>H</RequestOutcome>
        <Assessment>
          <AssessmentOutcome>H</AssessmentOutcome>
          <Week20>0</Week20>
          <NamedPlan>
            <StartDate>2024-10-14</StartDate>
            <PlanDetail>
              <SENsetting>EHE</SENsetting>
              <PlacementRank>1</PlacementRank>
              <SENunitIndicator>0</SENunitIndicator>
              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
            </PlanDetail>
          </NamedPlan>
        </Assessment>
        <ActivePlans>
          <ReviewMeeting>2025-09-15</ReviewMeeting>
          <ReviewOutcome>M</ReviewOutcome>
          <LastReview>2025-10-06</LastReview>
          <PlacementDetail>
            <SENsetting>EHE</SENsetting>
            <PlacementRank>1</PlacementRank>
            <EntryDate>2024-10-14</EntryDate>
            <SENunitIndicator>0</SENunitIndicator>
            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
          </PlacementDetail>
          <SENneed>
            <SENtype>SEMH</SENtype>
            <SENtypeRank>1</SENtypeRank>
          </SENneed>
        </ActivePlans>
      </Requests>
    </Person>
    <Person>
      <Surname>Dixon</Surname>
      <Forename>Dan</Forename>
      <PersonBirthDate>2009-09-09</PersonBirthDate>
      <UPN>D12345678901D</UPN>
      <Requests>
        <ReceivedDate>2025-02-03</ReceivedDate>
        <RequestSource>1</RequestSource>
        <RequestOutcomeDate>2025-03-10</RequestOutcomeDate>
        <RequestOutcome>Y</RequestOutcome>
        <Assessment>
          <AssessmentOutcome>Y</AssessmentOutcome>
          <AssessmentOutcomeDate>2025-07-21</AssessmentOutcomeDate>
          <Week20>1</Week20>
          <NamedPlan>
            <StartDate>2025-07-21</StartDate>
            <PlanDetail>
              <UKPRN>10001234</UKPRN>
              <PlacementRank>1</PlacementRank>
              <SENunitIndicator>0</SENunitIndicator>
              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
            </PlanDetail>
          </NamedPlan>
        </Assessment>
        <ActivePlans>
          <PlacementDetail>
            <UKPRN>10001234</UKPRN>
            <PlacementRank>1</PlacementRank>
            <EntryDate>2025-07-21</EntryDate>
            <SENunitIndicator>0</SENunitIndicator>
            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
          </PlacementDetail>
          <SENneed>
            <SENtype>MLD</SENtype>
            <SENtypeRank>1</SENtypeRank>
          </SENneed>
        </ActivePlans>
      </Requests>
    </Person>
    <Person>
      <Surname>Evans</Surname>
      <Forename>Eve</Forename>
      <PersonBirthDate>2019-01-01</PersonBirthDate>
      <UPN>E12345678901E</UPN>
      <Requests>
        <ReceivedDate>2025-09-01</ReceivedDate>
        <RequestSource>1</RequestSource>
        <RequestOutcomeDate>2025-10-06</RequestOutcomeDate>
        <RequestOutcome>Y</RequestOutcome>
        <Assessment>
          <AssessmentOutcome>A</AssessmentOutcome>
          <Week20>0</Week20>
        </Assessment>
      </Requests>
    </Person>
    <Person>
      <Surname>Ford</Surname>
      <Forename>Finn</Forename>
      <PersonBirthDate>2008-08-08</PersonBirthDate>
      <UPN>F12345678901F</UPN>
      <Requests>
        <ReceivedDate>2023-01-09</ReceivedDate>
        <RequestSource>1</RequestSource>
        <RequestOutcome>H</RequestOutcome>
        <Assessment>
          <AssessmentOutcome>H</AssessmentOutcome>
          <Week20>0</Week20>
          <NamedPlan>
            <StartDate>2023-05-22</StartDate>
            <CeaseDate>2025-09-08</CeaseDate>
            <CeaseReason>2</CeaseReason>
          </NamedPlan>
        </Assessment>
      </Requests>
    </Person>
  </Persons>
</Message>
"""


@pytest.fixture
def cases(db_url, make_ctx):
    return db_url, build(make_ctx, db_url)


def the_extract(url: str, census: date = CENSUS):
    with engine_for(url).connect() as conn:
        return extract(conn, census)


def elements(root: ET.Element) -> list[tuple[str, str]]:
    """(path, text) of every element, in document order; a path carries each step's position."""
    out: list[tuple[str, str]] = []

    def walk(node: ET.Element, path: str) -> None:
        out.append((path, (node.text or "").strip()))
        seen: dict[str, int] = {}
        for child in node:
            seen[child.tag] = seen.get(child.tag, 0) + 1
            walk(child, f"{path}/{child.tag}[{seen[child.tag]}]")

    walk(root, root.tag)
    return out


def test_export_matches_the_expected_xml_element_by_element(cases):
    url, _ = cases
    got = elements(xml.build(the_extract(url), lea="886", made_at=MADE_AT))
    want = elements(ET.fromstring(EXPECTED.strip()))
    for (gp, gt), (wp, wt) in zip(got, want, strict=False):  # the first difference, then the lengths
        assert (gp, gt) == (wp, wt)
    assert len(got) == len(want)


def test_export_file_is_utf8_xml_with_a_declaration(cases, tmp_path):
    url, _ = cases
    out = tmp_path / "sen2.xml"
    assert xml.write(the_extract(url), str(out), lea="886", made_at=MADE_AT) == 6
    raw = out.read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert ET.parse(out).getroot().find("Header/Source/LEA").text == "886"


def test_items_follow_the_collection_year(cases):
    url, _refs = cases
    root = xml.build(the_extract(url, date(2025, 1, 16)), lea="886", made_at=MADE_AT)
    assert root.find("Header/CollectionDetails/Year").text == "2025"
    assert root.findall(".//RequestSource")  # from 2025
    root24 = xml.build(the_extract(url, date(2024, 1, 18)), lea="886", made_at=MADE_AT)
    assert not root24.findall(".//RequestSource")
    # C: received 2024-06-03 is after the 2024 census: not in that return; F's plan was active
    people = [p.find("Surname").text for p in root24.iter("Person")]
    assert people == ["Ford", "Green"]


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
    assert doc["requests"] == 4 and doc["requests_by_outcome"] == {"Y": 3, "N": 1, "A": 0, "W": 0, "H": 0}
    assert (doc["refusals"], doc["assessments"], doc["plans_issued"], doc["new_plans"]) == (1, 2, 2, 2)
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

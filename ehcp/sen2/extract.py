"""The SEN2 person-level extract: every item of the return for one census, derived from the event log
with a handful of set-based SQL queries per batch of children (no per-case queries), each value with
the events behind it. ``persons`` yields the return a batch at a time, so memory stays flat however
many persons the authority has; ``extract`` collects them for the summary, explain and small checks.

Rules (sen2.md sections 1.3, 2 and 6; decisions on its [gap]s are listed in ehcp.sen2.xml):
* Collection year Y = the census year; the collection period is 1 Jan to 31 Dec of Y-1. Only events on
  or before the census date are read; the state "as at census" decides A (not yet decided) outcomes.
* ReceivedDate = the case's received date. RequestOutcome: the first decision (``assessment_agreed``
  Y, ``assessment_refused`` N) - a later reversal keeps the original (sen2.md 2.2); none: W if
  withdrawn, else A; a decision before the period, or a plan transferred in, is H.
  RYA [inferred from the EES variable requests_rya]: 1 when the person was 19 or over on ReceivedDate.
* Assessment when the LA agreed to assess, issued or refused a plan, or took a plan in: Y dated the
  first ``final_plan_issued``; N dated ``plan_not_issued``; W withdrawn; A pending (no date); H issued
  before the period or transferred in. Week20 = 1 when the ``final_plan`` deadline names an exception
  or is disapplied (the rule the timeliness report uses).
* Mediation and tribunal flags (items 2.6-2.7, 3.3-3.6): a ``mediation_concluded`` (a meeting was
  held) or ``appeal_lodged`` counts against the latest ``appealable_decision`` before it: about
  ``refusal_to_assess`` -> Request*, ``no_plan`` -> Assessment*, anything else -> Other*.
* NamedPlan StartDate = the first plan issue (or transfer-in) date; CeaseDate = ``plan_ceased`` or
  ``plan_transferred_out``; CeaseReason from the latest ``cease_notice_sent`` reason (5 for a transfer).
  PlanRes/PlanWBP/PB/OA/DP from ``ehcp sen2 plan`` (PlanRes/PlanWBP else the main placement's).
* Active at census: StartDate <= census and no CeaseDate, or CeaseDate >= census (sen2.md 2.4).
  PhaseTransferDueDate / FinalDate: the ``phase_transfer`` deadline due in the collection period, and
  the day it was met (the amended plan issued), if on or before the census.
* TransferLA / Exported: the LA number (3 digits) from ``ehcp sen2 plan --transfer-la/--exported-la``,
  else the transfer event's authority when it is a 3-digit number; a name is not exported (the
  check flags it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Date, bindparam, text

from ehcp.sen2 import codes

KINDS = ("assessment_agreed", "assessment_refused", "case_withdrawn", "final_plan_issued", "plan_not_issued",
         "plan_ceased", "plan_transferred_out", "plan_transferred_in", "review_meeting_held", "review_decided",
         "amendment_notice_sent", "cease_notice_sent")
PAYLOAD_KINDS = ("cease_notice_sent", "review_decided", "plan_transferred_in", "plan_transferred_out",
                 "appealable_decision", "mediation_concluded", "appeal_lodged")
BATCH = 1000  # children per round of queries

# Every query reads the children with ids in [lo, hi] only (one batch).
CHILDREN_SQL = """
SELECT DISTINCT c.child_id FROM cases c WHERE c.received <= :census AND c.child_id > :after
ORDER BY c.child_id LIMIT :size
"""
CASES_SQL = """
SELECT c.id, c.reference, c.received, c.source, c.child_id, ch.given_name, ch.family_name, ch.dob, ch.upn,
       ch.uln, ch.upn_unknown, ch.sex, ch.ethnicity, ch.postcode
FROM cases c JOIN children ch ON ch.id = c.child_id
WHERE c.received <= :census AND c.child_id BETWEEN :lo AND :hi ORDER BY c.child_id, c.id
"""
FIRST_LAST_SQL = """
SELECT e.case_id, e.kind, MIN(e."on") AS first_on, MAX(e."on") AS last_on
FROM case_events e JOIN cases c ON c.id = e.case_id
WHERE e."on" <= :census AND e.kind IN :kinds AND c.child_id BETWEEN :lo AND :hi GROUP BY e.case_id, e.kind
"""
PAYLOAD_SQL = """
SELECT e.case_id, e.kind, e."on", e.payload FROM case_events e JOIN cases c ON c.id = e.case_id
WHERE e."on" <= :census AND e.kind IN :kinds AND c.child_id BETWEEN :lo AND :hi ORDER BY e.case_id, e."on", e.id
"""
WEEK20_SQL = """
SELECT d.case_id, d.state, d.exception FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE d.key = 'final_plan' AND c.received <= :census AND c.child_id BETWEEN :lo AND :hi
"""
PHASE_SQL = """
SELECT d.case_id, d.due, d.met_on FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE (d.key = 'phase_transfer' OR d.key LIKE 'phase_transfer.%') AND d.due BETWEEN :start AND :end
  AND c.child_id BETWEEN :lo AND :hi ORDER BY d.case_id, d.due
"""
PLACEMENTS_SQL = """
SELECT p.case_id, p.urn, p.ukprn, p.sen_setting, p.sen_setting_other, p.placement_rank, p.entry_date,
       p.leaving_date, p.sen_unit, p.resourced_provision, p.residential, p.work_based, s.name AS setting
FROM placements p JOIN cases c ON c.id = p.case_id LEFT JOIN settings s ON s.id = p.setting_id
WHERE p.entry_date <= :census AND c.child_id BETWEEN :lo AND :hi
ORDER BY p.case_id, p.placement_rank, p.entry_date, p.id
"""
NEEDS_SQL = """
SELECT n.case_id, n.sen_type, n.sen_type_rank FROM sen_needs n JOIN cases c ON c.id = n.case_id
WHERE c.received <= :census AND c.child_id BETWEEN :lo AND :hi ORDER BY n.case_id, n.sen_type_rank
"""
PLAN_ITEMS_SQL = """
SELECT s.case_id, s.residential, s.work_based, s.personal_budget, s.organised_arrangements, s.direct_payment,
       s.transfer_la, s.exported_la
FROM sen2_plans s JOIN cases c ON c.id = s.case_id WHERE c.child_id BETWEEN :lo AND :hi
"""


@dataclass
class Item:
    value: Any
    why: str


@dataclass
class CaseReturn:
    """One request (case) in the return: module -> {element: Item}, plus its placements and needs."""

    case_id: int
    reference: str
    request: dict[str, Item] = field(default_factory=dict)
    assessment: dict[str, Item] | None = None
    plan: dict[str, Item] | None = None
    plan_details: list[dict[str, Any]] = field(default_factory=list)
    active: dict[str, Item] | None = None
    placements: list[dict[str, Any]] = field(default_factory=list)
    needs: list[dict[str, Any]] = field(default_factory=list)
    all_placements: list[dict[str, Any]] = field(default_factory=list)
    unexported: dict[str, str] = field(default_factory=dict)  # item -> recorded value the return cannot hold


@dataclass
class PersonReturn:
    child_id: int
    person: dict[str, Item]
    requests: list[CaseReturn]

    @property
    def references(self) -> list[str]:
        return [r.reference for r in self.requests]


@dataclass
class Extract:
    census: date
    year: int
    start: date
    end: date
    persons: list[PersonReturn]


def period_of(census: date) -> tuple[int, date, date]:
    year = codes.collection_year(census)
    return year, date(year - 1, 1, 1), date(year - 1, 12, 31)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _day(value: Any) -> date:
    """A date from a NOT NULL column (SQLite hands back text)."""
    day = _as_date(value)
    if day is None:
        raise ValueError("a date was expected, not NULL")
    return day


def _payload(value: Any) -> dict:
    if isinstance(value, str):
        payload: dict = json.loads(value or "{}")
        return payload
    return value or {}


def _rows(conn: Connection, sql: str, params: dict[str, Any]) -> list[dict]:
    query = text(sql)
    for name in ("census", "start", "end"):
        if f":{name}" in sql:
            query = query.bindparams(bindparam(name, type_=Date))
    if ":kinds" in sql:
        query = query.bindparams(bindparam("kinds", expanding=True))
    return [dict(r) for r in conn.execute(query, params).mappings()]


def extract(conn: Connection, census: date, *, references: list[str] | None = None) -> Extract:
    """Every person in the return for ``census`` (or only those with the given case references)."""
    year, start, end = period_of(census)
    return Extract(census, year, start, end, list(persons(conn, census, references=references)))


def persons(conn: Connection, census: date, *, references: list[str] | None = None,
            batch: int = BATCH) -> Iterator[PersonReturn]:
    """The persons of the return for ``census`` in child order, read ``batch`` children at a time."""
    year, start, end = period_of(census)
    codes.items_for(year)  # refuses a year without code lists
    wanted = {r.strip().upper() for r in references} if references is not None else None
    builder = _Builder(census, year, start, end)
    after = 0
    while True:
        ids = [r["child_id"] for r in _rows(conn, CHILDREN_SQL, {"census": census, "after": after, "size": batch})]
        if not ids:
            return
        after = ids[-1]
        yield from _batch(conn, builder, {"census": census, "start": start, "end": end, "lo": ids[0],
                                          "hi": ids[-1]}, wanted)


def _batch(conn: Connection, builder: _Builder, params: dict[str, Any],
           wanted: set[str] | None) -> Iterator[PersonReturn]:
    cases = _rows(conn, CASES_SQL, params)
    if wanted is not None:
        cases = [c for c in cases if c["reference"] in wanted]
        if not cases:
            return
    first: dict[int, dict[str, tuple[date, date]]] = defaultdict(dict)
    for r in _rows(conn, FIRST_LAST_SQL, {**params, "kinds": list(KINDS)}):
        first[r["case_id"]][r["kind"]] = (_day(r["first_on"]), _day(r["last_on"]))
    payloads: dict[int, list[tuple[str, date, dict]]] = defaultdict(list)
    for r in _rows(conn, PAYLOAD_SQL, {**params, "kinds": list(PAYLOAD_KINDS)}):
        payloads[r["case_id"]].append((r["kind"], _day(r["on"]), _payload(r["payload"])))
    week20 = {r["case_id"]: r for r in _rows(conn, WEEK20_SQL, params)}
    phase: dict[int, dict] = {}
    for r in _rows(conn, PHASE_SQL, params):
        phase[r["case_id"]] = {"due": _as_date(r["due"]), "met_on": _as_date(r["met_on"])}  # the latest due
    placements: dict[int, list[dict]] = defaultdict(list)
    for r in _rows(conn, PLACEMENTS_SQL, params):
        r["entry_date"], r["leaving_date"] = _as_date(r["entry_date"]), _as_date(r["leaving_date"])
        placements[r["case_id"]].append(r)
    needs: dict[int, list[dict]] = defaultdict(list)
    for r in _rows(conn, NEEDS_SQL, params):
        needs[r["case_id"]].append(r)
    plan_items = {r["case_id"]: r for r in _rows(conn, PLAN_ITEMS_SQL, params)}
    person: PersonReturn | None = None
    for c in cases:
        built = builder.case(c, _Facts(first.get(c["id"], {}), payloads.get(c["id"], []), week20.get(c["id"]),
                                       phase.get(c["id"]), placements.get(c["id"], []), needs.get(c["id"], []),
                                       plan_items.get(c["id"])))
        if built is None:
            continue
        if person is None or person.child_id != c["child_id"]:
            if person is not None:
                yield person
            person = PersonReturn(c["child_id"], builder.person(c), [])
        person.requests.append(built)
    if person is not None:
        yield person


@dataclass
class _Facts:
    """What the batch queries found for one case."""

    events: dict
    payloads: list
    week20: dict | None
    phase: dict | None
    placements: list
    needs: list
    plan_items: dict | None


def _on(kind: str, day: date) -> str:
    return f"{kind} on {day.isoformat()}"


def la_number(value: Any) -> str | None:
    """``value`` when it is a 3-digit LA number (CBDS N00216), else None."""
    text_ = str(value or "").strip()
    return text_ if len(text_) == 3 and text_.isdigit() else None


def dispute_flags(payloads: list[tuple[str, date, dict]]) -> dict[str, int]:
    """Mediation meetings held and appeals lodged, by what the decision disputed was about: the
    decision to assess (Request*), not to issue a plan (Assessment*), or anything else (Other*)."""
    flags = dict.fromkeys(("RequestMediation", "RequestTribunal", "AssessmentMediation", "AssessmentTribunal",
                           "OtherMediation", "OtherTribunal"), 0)
    about = None
    for kind, _, payload in payloads:
        if kind == "appealable_decision":
            about = payload.get("about")
        elif kind in ("mediation_concluded", "appeal_lodged"):
            part = {"refusal_to_assess": "Request", "no_plan": "Assessment"}.get(about or "", "Other")
            flags[part + ("Mediation" if kind == "mediation_concluded" else "Tribunal")] = 1
    return flags


class _Builder:
    def __init__(self, census: date, year: int, start: date, end: date):
        self.census, self.year, self.start, self.end = census, year, start, end
        self.items = codes.items_for(year)

    def person(self, c: dict) -> dict[str, Item]:
        child = "the child record"
        return {"Surname": Item(c["family_name"], child), "Forename": Item(c["given_name"], child),
                "PersonBirthDate": Item(_as_date(c["dob"]), child), "Sex": Item(c["sex"], child),
                "Ethnicity": Item(c["ethnicity"], child), "PostCode": Item(c["postcode"], child),
                "UPN": Item(c["upn"], child), "UniqueLearnerNumber": Item(c["uln"], child),
                "UPNunknown": Item(c["upn_unknown"], "ehcp sen2 upn-unknown" if c["upn_unknown"] else child)}

    def case(self, c: dict, f: _Facts) -> CaseReturn | None:
        ev = f.events

        def first(kind: str) -> date | None:
            return ev[kind][0] if kind in ev else None

        received = _day(c["received"])
        agreed, refused, withdrawn = first("assessment_agreed"), first("assessment_refused"), first("case_withdrawn")
        issued, not_issued = first("final_plan_issued"), first("plan_not_issued")
        taken_in = first("plan_transferred_in")
        ceased_on = first("plan_ceased") or first("plan_transferred_out")
        start_date = issued or taken_in
        active = (start_date is not None and start_date <= self.census
                  and (ceased_on is None or ceased_on >= self.census))
        finals = (refused, issued, not_issued, withdrawn, ceased_on, taken_in)
        in_period = self.start <= received <= self.end
        touched = any(d is not None and self.start <= d <= self.end
                      for d in (agreed, refused, withdrawn, issued, not_issued, ceased_on))
        still_open = not any(d is not None and d < self.start for d in finals)
        if not (in_period or active or touched or (received < self.start and still_open)):
            return None
        out = CaseReturn(c["id"], c["reference"])
        flags = dispute_flags(f.payloads)
        self._request(out, c, received, agreed, refused, issued, withdrawn, taken_in, flags)
        out.request.update(self._exported(out, f))
        if agreed or issued or not_issued or taken_in:
            out.assessment = self._assessment(issued, not_issued, withdrawn, taken_in, f.week20, flags)
        if start_date is not None and out.assessment and out.assessment["AssessmentOutcome"].value in ("Y", "H"):
            out.plan = self._plan(start_date, issued, ceased_on, f)
            as_of = ceased_on if ceased_on and ceased_on < self.census else self.census
            out.plan_details = [_placement(p, with_dates=False) for p in f.placements if _covers(p, as_of)] or \
                [_placement(p, with_dates=False) for p in f.placements[-1:]]
            self._plan_defaults(out)
        out.all_placements = [_placement(p) for p in f.placements]
        if active:
            out.active = self._active(out, f)
            out.placements = [_placement(p) for p in f.placements
                              if p["leaving_date"] is None or p["leaving_date"] >= self.start]
            out.needs = [{"SENtype": n["sen_type"], "SENtypeRank": n["sen_type_rank"]} for n in f.needs]
        return out

    def _request(self, out: CaseReturn, c: dict, received: date, agreed: date | None, refused: date | None,
                 issued: date | None, withdrawn: date | None, taken_in: date | None, flags: dict[str, int]) -> None:
        out.request["ReceivedDate"] = Item(received, f"request_received on {received} (the case's received date)")
        source = codes.REQUEST_SOURCE_OF.get(c["source"], "5")
        if "RequestSource" in self.items:
            out.request["RequestSource"] = Item(source, f"case source {c['source']!r} -> {source}")
        decision = min((d, k) for d, k in ((agreed, "assessment_agreed"), (refused, "assessment_refused")) if d) \
            if (agreed or refused) else None
        if taken_in is not None:
            outcome, day, why = "H", None, _on("plan_transferred_in", taken_in) + ": historical (transfer in)"
        elif decision is not None:
            day, kind = decision
            outcome = "Y" if kind == "assessment_agreed" else "N"
            why = _on(kind, day)
            if day < self.start:
                outcome, why, day = "H", why + ", before the collection period", None
        elif issued is not None:
            outcome, day, why = "Y", issued, _on("final_plan_issued", issued) + " (no decision event recorded)"
        elif withdrawn is not None:
            outcome, day, why = "W", None, _on("case_withdrawn", withdrawn) + " before a decision"
        else:
            outcome, day, why = "A", None, f"no decision to assess on or before the census {self.census}"
        dob = _as_date(c["dob"])
        if outcome != "H" and dob is not None:
            adult = received >= _birthday(dob, 19)
            out.request["RYA"] = Item(1 if adult else 0, f"aged {'19 or over' if adult else 'under 19'} on {received}")
        out.request["RequestOutcomeDate"] = Item(day, why)
        out.request["RequestOutcome"] = Item(outcome, why)
        if outcome in ("Y", "N"):
            for name in ("RequestMediation", "RequestTribunal"):
                out.request[name] = Item(flags[name], "mediation_concluded / appeal_lodged after an appealable "
                                                      "decision about refusal_to_assess")

    def _exported(self, out: CaseReturn, f: _Facts) -> dict[str, Item]:
        gone = [p for p in f.payloads if p[0] == "plan_transferred_out"]
        if not gone:
            return {}
        recorded = (f.plan_items or {}).get("exported_la")
        named = gone[-1][2].get("to_la")
        number = la_number(recorded) or la_number(named)
        if number is None:
            out.unexported["Exported"] = named or ""
            return {}
        return {"Exported": Item(number, _on("plan_transferred_out", gone[-1][1]) + f" to LA {number}")}

    def _assessment(self, issued: date | None, not_issued: date | None, withdrawn: date | None,
                    taken_in: date | None, w20: dict | None, flags: dict[str, int]) -> dict[str, Item]:
        if taken_in is not None:
            outcome, day, why = "H", None, _on("plan_transferred_in", taken_in) + ": historical (transfer in)"
        elif issued is not None:
            outcome, day, why = "Y", issued, _on("final_plan_issued", issued)
            if issued < self.start:
                outcome, day, why = "H", None, why + ", before the collection period"
        elif not_issued is not None:
            outcome, day, why = "N", not_issued, _on("plan_not_issued", not_issued)
        elif withdrawn is not None:
            outcome, day, why = "W", None, _on("case_withdrawn", withdrawn) + " before the decision to issue"
        else:
            outcome, day, why = "A", None, f"no plan issued or refused on or before the census {self.census}"
        exc = bool(w20 and (w20["state"] == "disapplied" or w20["exception"]))
        w_why = (f"final_plan deadline {w20['state']}, exception {w20['exception'] or '-'}" if w20
                 else "no final_plan deadline")
        items = {"AssessmentOutcome": Item(outcome, why), "AssessmentOutcomeDate": Item(day, why)}
        for name in ("AssessmentMediation", "AssessmentTribunal", "OtherMediation", "OtherTribunal"):
            items[name] = Item(flags[name], "mediation_concluded / appeal_lodged after an appealable decision")
        items["Week20"] = Item(1 if exc else 0, w_why)
        return items

    def _plan(self, start_date: date, issued: date | None, ceased_on: date | None, f: _Facts) -> dict[str, Item]:
        plan = {"StartDate": Item(start_date, _on("final_plan_issued" if issued else "plan_transferred_in",
                                                  start_date) + " (the first plan)")}
        recorded = f.plan_items or {}
        why = "ehcp sen2 plan"
        for name, column, convert in (("PlanRes", "residential", str), ("PlanWBP", "work_based", str),
                                      ("PB", "personal_budget", _flag), ("OA", "organised_arrangements", _flag),
                                      ("DP", "direct_payment", str)):
            if recorded.get(column) is not None:
                plan[name] = Item(convert(recorded[column]), why)
        if ceased_on is not None:
            out_ev = [p for p in f.payloads if p[0] == "plan_transferred_out"]
            notices = [p for p in f.payloads if p[0] == "cease_notice_sent"]
            if out_ev:
                reason, why = "5", _on("plan_transferred_out", out_ev[0][1]) + f" to {out_ev[0][2].get('to_la') or '?'}"
            elif notices:
                name = notices[-1][2].get("reason", "other")
                reason = codes.CEASE_REASON_OF.get(name, "9")
                why = _on("cease_notice_sent", notices[-1][1]) + f" reason {name}"
            else:
                reason, why = None, "no cease_notice_sent with a reason"
            plan["CeaseDate"] = Item(ceased_on, _on("plan_ceased", ceased_on) if not out_ev else why)
            plan["CeaseReason"] = Item(reason, why)
        return plan

    def _plan_defaults(self, out: CaseReturn) -> None:
        """PlanRes / PlanWBP not recorded for the plan: those of its main (rank 1) setting, if any."""
        main = next((d for d in out.plan_details if d["PlacementRank"] == 1), None)
        for name, key in (("PlanRes", "Res"), ("PlanWBP", "WBP")):
            if out.plan is not None and name not in out.plan and main and main.get(key):
                out.plan[name] = Item(main[key], f"the main placement's {key}")

    def _active(self, out: CaseReturn, f: _Facts) -> dict[str, Item]:
        ev, payloads = f.events, f.payloads
        items: dict[str, Item] = {}
        taken = [p for p in payloads if p[0] == "plan_transferred_in" and self.start <= p[1] <= self.end]
        if taken:
            named = taken[-1][2].get("from_la")
            number = la_number((f.plan_items or {}).get("transfer_la")) or la_number(named)
            if number is not None:
                items["TransferLA"] = Item(number, _on("plan_transferred_in", taken[-1][1]) + f" from LA {number}")
            else:
                out.unexported["TransferLA"] = named or ""
        meeting = ev.get("review_meeting_held", (None, None))[1]
        decisions = [p for p in payloads if p[0] == "review_decided" and (meeting is None or p[1] >= meeting)]
        if "ReviewMeeting" in self.items and meeting is not None:
            items["ReviewMeeting"] = Item(meeting, _on("review_meeting_held", meeting) + " (latest)")
        if meeting is not None and decisions:
            _, day, payload = decisions[-1]
            why = _on("review_decided", day) + f" outcome {payload.get('outcome', 'maintain')}"
            if "ReviewOutcome" in self.items:
                items["ReviewOutcome"] = Item(codes.REVIEW_OUTCOME_OF.get(payload.get("outcome", "maintain")), why)
            items["LastReview"] = Item(day, why)
        draft = ev.get("amendment_notice_sent", (None, None))[1]
        if "ReviewDraft" in self.items and draft is not None and meeting is not None and draft >= meeting:
            items["ReviewDraft"] = Item(draft, _on("amendment_notice_sent", draft) + " (latest)")
        if "PhaseTransfer" in self.items and f.phase is not None:
            items["PhaseTransferDueDate"] = Item(f.phase["due"], "phase_transfer deadline due in the collection period")
            met = f.phase["met_on"]
            if met is not None and met <= self.census:
                items["PhaseTransferFinalDate"] = Item(met, "phase_transfer deadline met (amended plan issued)")
        return items


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February: the birthday is 1 March in a common year
        return date(dob.year + years, 3, 1)


def _flag(value: Any) -> int:
    return 1 if value else 0


def _covers(p: dict, day: date) -> bool:
    return p["entry_date"] <= day and (p["leaving_date"] is None or p["leaving_date"] >= day)


def _placement(p: dict, *, with_dates: bool = True) -> dict[str, Any]:
    """A placement as its SEN2 items (the element names of the 2024+ schemas); ``_setting`` and
    ``_raw`` are for checks and explain only."""
    row: dict[str, Any] = {}
    if p["urn"]:
        row["URN"] = p["urn"]
    elif p["ukprn"]:
        row["UKPRN"] = p["ukprn"]
    elif p["sen_setting"]:
        row["SENSetting"] = p["sen_setting"]
        if p["sen_setting_other"]:
            row["SENSettingOther"] = p["sen_setting_other"]
    row["PlacementRank"] = p["placement_rank"]
    if with_dates:
        row["EntryDate"] = p["entry_date"]
        row["LeavingDate"] = p["leaving_date"]
    row["SENunitIndicator"] = 1 if p["sen_unit"] else 0
    row["ResourcedProvisionIndicator"] = 1 if p["resourced_provision"] else 0
    row["Res"] = p["residential"]
    row["WBP"] = p["work_based"]
    row["_setting"] = p["setting"]
    row["_raw"] = {k: p[k] for k in ("urn", "ukprn", "sen_setting")}
    return row

"""The SEN2 person-level extract: every item of the return for one census, derived from the event log
with a handful of set-based SQL queries (no per-case queries), each value with the events behind it.

Rules (sen2.md sections 1.3, 2 and 6; decisions on its [gap]s are listed in ehcp.sen2.xml):
* Collection year Y = the census year; the collection period is 1 Jan to 31 Dec of Y-1. Only events on
  or before the census date are read; the state "as at census" decides A (not yet decided) outcomes.
* ReceivedDate = the case's received date. RequestOutcome: the first decision (``assessment_agreed``
  Y, ``assessment_refused`` N) - a later reversal keeps the original (sen2.md 2.2); none: W if
  withdrawn, else A; a decision before the period, or a plan transferred in, is H.
* Assessment when the LA agreed to assess, issued or refused a plan, or took a plan in: Y dated the
  first ``final_plan_issued``; N dated ``plan_not_issued``; W withdrawn; A pending (no date); H issued
  before the period or transferred in. Week20 = 1 when the ``final_plan`` deadline names an exception
  or is disapplied (the rule the timeliness report uses).
* NamedPlan StartDate = the first plan issue (or transfer-in) date; CeaseDate = ``plan_ceased`` or
  ``plan_transferred_out``; CeaseReason from the latest ``cease_notice_sent`` reason (5 for a transfer).
* Active at census: StartDate <= census and no CeaseDate, or CeaseDate >= census (sen2.md 2.4).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Date, bindparam, text

from ehcp.sen2 import codes

KINDS = ("assessment_agreed", "assessment_refused", "case_withdrawn", "final_plan_issued", "plan_not_issued",
         "plan_ceased", "plan_transferred_out", "plan_transferred_in", "review_meeting_held", "review_decided",
         "amendment_notice_sent", "cease_notice_sent")
PAYLOAD_KINDS = ("cease_notice_sent", "review_decided", "plan_transferred_in", "plan_transferred_out")

CASES_SQL = """
SELECT c.id, c.reference, c.received, c.source, c.child_id, ch.given_name, ch.family_name, ch.dob, ch.upn,
       ch.uln, ch.upn_unknown
FROM cases c JOIN children ch ON ch.id = c.child_id WHERE c.received <= :census ORDER BY c.child_id, c.id
"""
FIRST_LAST_SQL = """
SELECT e.case_id, e.kind, MIN(e."on") AS first_on, MAX(e."on") AS last_on FROM case_events e
WHERE e."on" <= :census AND e.kind IN :kinds GROUP BY e.case_id, e.kind
"""
PAYLOAD_SQL = """
SELECT e.case_id, e.kind, e."on", e.payload FROM case_events e
WHERE e."on" <= :census AND e.kind IN :kinds ORDER BY e.case_id, e."on", e.id
"""
WEEK20_SQL = """
SELECT d.case_id, d.state, d.exception FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE d.key = 'final_plan' AND c.received <= :census
"""
PLACEMENTS_SQL = """
SELECT p.case_id, p.urn, p.ukprn, p.sen_setting, p.sen_setting_other, p.placement_rank, p.entry_date,
       p.leaving_date, p.sen_unit, p.resourced_provision, p.residential, s.name AS setting
FROM placements p LEFT JOIN settings s ON s.id = p.setting_id
WHERE p.entry_date <= :census ORDER BY p.case_id, p.placement_rank, p.entry_date, p.id
"""
NEEDS_SQL = """
SELECT n.case_id, n.sen_type, n.sen_type_rank FROM sen_needs n JOIN cases c ON c.id = n.case_id
WHERE c.received <= :census ORDER BY n.case_id, n.sen_type_rank
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


def _payload(value: Any) -> dict:
    if isinstance(value, str):
        import json

        return json.loads(value or "{}")
    return value or {}


def _rows(conn: Connection, sql: str, census: date, **params: Any) -> list[dict]:
    query = text(sql)
    if ":census" in sql:
        query = query.bindparams(bindparam("census", type_=Date))
    if "kinds" in params:
        query = query.bindparams(bindparam("kinds", expanding=True))
    return [dict(r) for r in conn.execute(query, {"census": census, **params}).mappings()]


def extract(conn: Connection, census: date, *, references: list[str] | None = None) -> Extract:
    """Every person in the return for ``census`` (or only those with the given case references)."""
    year, start, end = period_of(census)
    codes.items_for(year)  # refuses a year without code lists
    cases = _rows(conn, CASES_SQL, census)
    if references is not None:
        wanted = {r.strip().upper() for r in references}
        cases = [c for c in cases if c["reference"] in wanted]
    first: dict[int, dict[str, tuple[date, date]]] = defaultdict(dict)
    for r in _rows(conn, FIRST_LAST_SQL, census, kinds=list(KINDS)):
        first[r["case_id"]][r["kind"]] = (_as_date(r["first_on"]), _as_date(r["last_on"]))
    payloads: dict[int, list[tuple[str, date, dict]]] = defaultdict(list)
    for r in _rows(conn, PAYLOAD_SQL, census, kinds=list(PAYLOAD_KINDS)):
        payloads[r["case_id"]].append((r["kind"], _as_date(r["on"]), _payload(r["payload"])))
    week20 = {r["case_id"]: r for r in _rows(conn, WEEK20_SQL, census)}
    placements: dict[int, list[dict]] = defaultdict(list)
    for r in _rows(conn, PLACEMENTS_SQL, census):
        r["entry_date"], r["leaving_date"] = _as_date(r["entry_date"]), _as_date(r["leaving_date"])
        placements[r["case_id"]].append(r)
    needs: dict[int, list[dict]] = defaultdict(list)
    for r in _rows(conn, NEEDS_SQL, census):
        needs[r["case_id"]].append(r)
    builder = _Builder(census, year, start, end)
    persons: dict[int, PersonReturn] = {}
    for c in cases:
        built = builder.case(c, first.get(c["id"], {}), payloads.get(c["id"], []), week20.get(c["id"]),
                             placements.get(c["id"], []), needs.get(c["id"], []))
        if built is None:
            continue
        person = persons.get(c["child_id"])
        if person is None:
            person = persons[c["child_id"]] = PersonReturn(c["child_id"], builder.person(c), [])
        person.requests.append(built)
    return Extract(census, year, start, end, list(persons.values()))


def _on(kind: str, day: date) -> str:
    return f"{kind} on {day.isoformat()}"


class _Builder:
    def __init__(self, census: date, year: int, start: date, end: date):
        self.census, self.year, self.start, self.end = census, year, start, end
        self.items = codes.items_for(year)

    def person(self, c: dict) -> dict[str, Item]:
        child = "the child record"
        return {"Surname": Item(c["family_name"], child), "Forename": Item(c["given_name"], child),
                "PersonBirthDate": Item(_as_date(c["dob"]), child), "UPN": Item(c["upn"], child),
                "UniqueLearnerNumber": Item(c["uln"], child),
                "UPNunknown": Item(c["upn_unknown"], "ehcp sen2 upn-unknown" if c["upn_unknown"] else child)}

    def case(self, c: dict, ev: dict, payloads: list, w20: dict | None, placements: list, needs: list) -> CaseReturn | None:
        def first(kind: str) -> date | None:
            return ev[kind][0] if kind in ev else None

        def last(kind: str) -> date | None:
            return ev[kind][1] if kind in ev else None

        received = _as_date(c["received"])
        agreed, refused, withdrawn = first("assessment_agreed"), first("assessment_refused"), first("case_withdrawn")
        issued, not_issued, taken_in = first("final_plan_issued"), first("plan_not_issued"), first("plan_transferred_in")
        ceased_on = first("plan_ceased") or first("plan_transferred_out")
        start_date = issued or taken_in
        active = start_date is not None and start_date <= self.census and (ceased_on is None or ceased_on >= self.census)
        finals = (refused, issued, not_issued, withdrawn, ceased_on, taken_in)
        in_period = self.start <= received <= self.end
        touched = any(d is not None and self.start <= d <= self.end
                      for d in (agreed, refused, withdrawn, issued, not_issued, ceased_on))
        still_open = not any(d is not None and d < self.start for d in finals)
        if not (in_period or active or touched or (received < self.start and still_open)):
            return None
        out = CaseReturn(c["id"], c["reference"])
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
        out.request["RequestOutcomeDate"] = Item(day, why)
        out.request["RequestOutcome"] = Item(outcome, why)
        if agreed or issued or not_issued or taken_in:
            out.assessment = self._assessment(issued, not_issued, withdrawn, taken_in, w20)
        if start_date is not None and out.assessment and out.assessment["AssessmentOutcome"].value in ("Y", "H"):
            out.plan = self._plan(start_date, issued, ceased_on, ev, payloads)
            as_of = ceased_on if ceased_on and ceased_on < self.census else self.census
            out.plan_details = [_placement(p, with_dates=False) for p in placements if _covers(p, as_of)] or \
                [_placement(p, with_dates=False) for p in placements[-1:]]
        out.all_placements = [_placement(p) for p in placements]
        if active:
            out.active = self._active(ev, payloads)
            out.placements = [_placement(p, res="PlacementRES" in self.items) for p in placements
                              if p["leaving_date"] is None or p["leaving_date"] >= self.start]
            out.needs = [{"SENtype": n["sen_type"], "SENtypeRank": n["sen_type_rank"]} for n in needs]
        return out

    def _assessment(self, issued, not_issued, withdrawn, taken_in, w20) -> dict[str, Item]:  # noqa: ANN001
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
        return {"AssessmentOutcome": Item(outcome, why), "AssessmentOutcomeDate": Item(day, why),
                "Week20": Item(1 if exc else 0, w_why)}

    def _plan(self, start_date, issued, ceased_on, ev, payloads) -> dict[str, Item]:  # noqa: ANN001
        plan = {"StartDate": Item(start_date, _on("final_plan_issued" if issued else "plan_transferred_in",
                                                  start_date) + " (the first plan)")}
        if ceased_on is not None:
            out_ev = [p for p in payloads if p[0] == "plan_transferred_out"]
            notices = [p for p in payloads if p[0] == "cease_notice_sent"]
            if out_ev:
                reason, why = "5", _on("plan_transferred_out", out_ev[0][1]) + f" to {out_ev[0][2].get('to_la') or '?'}"
            elif notices:
                name = notices[-1][2].get("reason", "other")
                reason, why = codes.CEASE_REASON_OF.get(name, "9"), _on("cease_notice_sent", notices[-1][1]) + f" reason {name}"
            else:
                reason, why = None, "no cease_notice_sent with a reason"
            plan["CeaseDate"] = Item(ceased_on, _on("plan_ceased", ceased_on) if not out_ev else why)
            plan["CeaseReason"] = Item(reason, why)
        return plan

    def _active(self, ev, payloads) -> dict[str, Item]:  # noqa: ANN001
        items: dict[str, Item] = {}
        taken = [p for p in payloads if p[0] == "plan_transferred_in" and self.start <= p[1] <= self.end]
        if taken:
            items["TransferLA"] = Item(taken[-1][2].get("from_la"), _on("plan_transferred_in", taken[-1][1]))
        meeting = ev.get("review_meeting_held", (None, None))[1]
        decisions = [p for p in payloads if p[0] == "review_decided" and (meeting is None or p[1] >= meeting)]
        if "ReviewMeeting" in self.items and meeting is not None:
            items["ReviewMeeting"] = Item(meeting, _on("review_meeting_held", meeting) + " (latest)")
        if meeting is not None and decisions:
            kind, day, payload = decisions[-1]
            why = _on("review_decided", day) + f" outcome {payload.get('outcome', 'maintain')}"
            if "ReviewOutcome" in self.items:
                items["ReviewOutcome"] = Item(codes.REVIEW_OUTCOME_OF.get(payload.get("outcome", "maintain")), why)
            items["LastReview"] = Item(day, why)
        draft = ev.get("amendment_notice_sent", (None, None))[1]
        if "ReviewDraft" in self.items and draft is not None and meeting is not None and draft >= meeting:
            items["ReviewDraft"] = Item(draft, _on("amendment_notice_sent", draft) + " (latest)")
        return items


def _covers(p: dict, day: date) -> bool:
    return p["entry_date"] <= day and (p["leaving_date"] is None or p["leaving_date"] >= day)


def _placement(p: dict, *, with_dates: bool = True, res: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if p["urn"]:
        row["URN"] = p["urn"]
    elif p["ukprn"]:
        row["UKPRN"] = p["ukprn"]
    elif p["sen_setting"]:
        row["SENsetting"] = p["sen_setting"]
        if p["sen_setting_other"]:
            row["SENSettingOther"] = p["sen_setting_other"]
    row["PlacementRank"] = p["placement_rank"]
    if with_dates:
        row["EntryDate"] = p["entry_date"]
        row["LeavingDate"] = p["leaving_date"]
    row["SENunitIndicator"] = 1 if p["sen_unit"] else 0
    row["ResourcedProvisionIndicator"] = 1 if p["resourced_provision"] else 0
    if res and p["residential"]:
        row["RES"] = p["residential"]
    row["_setting"] = p["setting"]
    row["_raw"] = {k: p[k] for k in ("urn", "ukprn", "sen_setting")}
    return row

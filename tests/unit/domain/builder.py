"""A small builder for case histories in tests: ``received("2025-01-06").agreed("2025-02-01")...``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calendars import england_and_wales
from ehcp.domain import Deadline, compute_deadlines
from ehcp.domain import events as ev
from ehcp.rules import DEFAULT_POLICY, Policy

CAL = england_and_wales()


def d(text: str | date) -> date:
    return text if isinstance(text, date) else date.fromisoformat(text)


def _opt(text: str | date | None) -> date | None:
    return None if text is None else d(text)


@dataclass(frozen=True)
class CaseBuilder:
    """An immutable list of events; each method returns a longer copy."""

    events: tuple[ev.Event, ...] = ()

    def add(self, event: ev.Event) -> CaseBuilder:
        return CaseBuilder((*self.events, event))

    def request(self, on: str, source: str = "parent") -> CaseBuilder:
        return self.add(ev.RequestReceived(d(on), source))

    def agreed(self, on: str) -> CaseBuilder:
        return self.add(ev.AssessmentAgreed(d(on)))

    def refused(self, on: str) -> CaseBuilder:
        return self.add(ev.AssessmentRefused(d(on)))

    def advice(self, on: str, kind: str, request_id: int | None = None, received_by_body: str | None = None,
               channel: str = "email") -> CaseBuilder:
        return self.add(ev.AdviceRequested(d(on), kind, request_id, _opt(received_by_body), channel))

    def advice_received(self, on: str, kind: str, request_id: int | None = None) -> CaseBuilder:
        return self.add(ev.AdviceReceived(d(on), kind, request_id))

    def draft(self, on: str, channel: str = "email", served_on: str | None = None) -> CaseBuilder:
        return self.add(ev.DraftPlanSent(d(on), channel, _opt(served_on)))

    def waived(self, on: str) -> CaseBuilder:
        return self.add(ev.RepresentationsWaived(d(on)))

    def consulted(self, on: str, school: str | None = None) -> CaseBuilder:
        return self.add(ev.SchoolConsulted(d(on), school))

    def responded(self, on: str, school: str | None = None) -> CaseBuilder:
        return self.add(ev.SchoolResponded(d(on), school))

    def final(self, on: str) -> CaseBuilder:
        return self.add(ev.FinalPlanIssued(d(on)))

    def no_plan(self, on: str) -> CaseBuilder:
        return self.add(ev.PlanNotIssued(d(on)))

    def meeting(self, on: str) -> CaseBuilder:
        return self.add(ev.ReviewMeetingHeld(d(on)))

    def decided(self, on: str, outcome: str = "maintain") -> CaseBuilder:
        return self.add(ev.ReviewDecided(d(on), outcome))

    def notice(self, on: str, channel: str = "email", served_on: str | None = None) -> CaseBuilder:
        return self.add(ev.AmendmentNoticeSent(d(on), channel, _opt(served_on)))

    def amended(self, on: str) -> CaseBuilder:
        return self.add(ev.AmendedPlanIssued(d(on)))

    def ceased(self, on: str) -> CaseBuilder:
        return self.add(ev.PlanCeased(d(on)))

    def withdrawn(self, on: str) -> CaseBuilder:
        return self.add(ev.CaseWithdrawn(d(on)))

    def exception(self, on: str, reason: str, until: str | None = None, kind: str | None = None) -> CaseBuilder:
        return self.add(ev.ExceptionRecorded(d(on), reason, _opt(until), kind))

    def __iter__(self):
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


def received(on: str, source: str = "parent") -> CaseBuilder:
    """A case whose request was received on ``on``."""
    return CaseBuilder().request(on, source)


def clocks(events, today: str | date = "2030-01-01", policy: Policy = DEFAULT_POLICY) -> dict[str, Deadline]:
    """The computed deadlines of ``events`` by key, as seen on ``today``."""
    return {dl.key: dl for dl in compute_deadlines(list(events), calendar=CAL, today=d(today), policy=policy)}

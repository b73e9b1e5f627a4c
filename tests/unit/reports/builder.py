"""Report test data written straight into the store with SQLAlchemy Core (independent of the domain
engine): cases, children, events, derived deadlines, advice requests, partners, users, reminders.

Shared by tests/integration/test_report*.py and tests/e2e/test_dashboard*.py. Dates are given
explicitly so every expected figure can be worked out by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlalchemy import insert

from ehcp.store.db import engine_for
from ehcp.store.models import AdviceRequest, Case, CaseEvent, Child, Deadline, Partner, Reminder, Team, User

NOW = datetime(2025, 1, 1, tzinfo=UTC)
RULES = {"assessment_decision": "R-ASSESS-DECISION", "no_plan_notice": "R-NO-PLAN-NOTICE",
         "final_plan": "R-FINAL-PLAN", "school_consultation": "R-SCHOOL-CONSULT",
         "annual_review": "R-REVIEW-DUE", "review_decision": "R-REVIEW-DECISION"}


def days(start: date, n: int) -> date:
    return start + timedelta(days=n)


class Data:
    """Insert helpers; each returns the new row's id."""

    def __init__(self, url: str):
        self.engine = engine_for(url)
        self._refs = count(1)

    def _insert(self, table, **values) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(table).values(**values)).inserted_primary_key[0]

    def team(self, name: str) -> int:
        return self._insert(Team.__table__, name=name)

    def user(self, login: str, team: int | None = None) -> int:
        return self._insert(User.__table__, login=login, name=login.title(), team_id=team, role="caseworker",
                            active=True)

    def partner(self, name: str, kinds: str | None = None) -> int:
        return self._insert(Partner.__table__, name=name, advice_kinds=kinds, email=f"{len(name)}@example.org")

    def case(self, received: date, stage: str = "request", caseworker: int | None = None,
             events: tuple[tuple[str, date], ...] = ()) -> int:
        n = next(self._refs)
        child = self._insert(Child.__table__, given_name="Test", family_name=f"Child{n}", dob=date(2015, 1, 1))
        case_id = self._insert(Case.__table__, reference=f"EHC-{received.year}-{child:05d}", child_id=child,
                               stage=stage, received=received, source="parent", caseworker_id=caseworker,
                               opened_at=NOW, updated_at=NOW, updated_by="test", version=1)
        self.event(case_id, "request_received", received)
        for kind, on in events:
            self.event(case_id, kind, on)
        return case_id

    def event(self, case_id: int, kind: str, on: date, **payload: object) -> int:
        return self._insert(CaseEvent.__table__, case_id=case_id, kind=kind, on=on, recorded_at=NOW,
                            actor="test", payload=payload)

    def deadline(self, case_id: int, key: str, due: date, state: str = "pending", met_on: date | None = None,
                 exception: str | None = None, advisory: bool = False, advice_request_id: int | None = None) -> int:
        rule = RULES.get(key, "R-ADVICE-RESPOND" if key.startswith("advice.") else "R-TEST")
        return self._insert(Deadline.__table__, case_id=case_id, key=key, rule=rule, due=due,
                            practical_last_working_day=due, state=state, met_on=met_on,
                            citation=f"citation for {rule}", exception=exception, advisory=advisory,
                            advice_request_id=advice_request_id)

    def advice(self, case_id: int, kind: str, partner: int | None, requested_on: date,
               body_on: date | None = None, received_on: date | None = None) -> int:
        return self._insert(AdviceRequest.__table__, case_id=case_id, kind=kind, partner_id=partner,
                            requested_on=requested_on, received_by_body_on=body_on or requested_on,
                            channel="email", received_on=received_on)

    def reminder(self, advice_id: int, rung: str, status: str = "sent") -> int:
        return self._insert(Reminder.__table__, subject_type="advice", subject_id=advice_id, rung=rung,
                            as_of=date(2025, 1, 1), recipient="x@example.org",
                            message_key=f"advice:{advice_id}:{rung}", status=status, attempts=1, created_at=NOW)

    def plan(self, received: date, after_days: int, *, state: str | None = None, exception: str | None = None,
             caseworker: int | None = None) -> int:
        """A new plan issued ``after_days`` after the request, with its settled final_plan deadline."""
        issued = days(received, after_days)
        case_id = self.case(received, "final", caseworker, events=(("final_plan_issued", issued),))
        state = state or ("met" if after_days <= 140 else "missed")
        self.deadline(case_id, "final_plan", days(received, 140), state, met_on=issued, exception=exception)
        return case_id


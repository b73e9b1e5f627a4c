"""The chase's kinds of night build their digests from plain rows: tested here with a fake ledger,
no database. (Both databases: tests/integration/test_chase*.py.)"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from calendars import england_and_wales
from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.config import ChaseConfig
from ehcp.chase.deadlines import DEADLINE_DIGEST
from ehcp.chase.night import KINDS, kind_named

AS_OF = date(2025, 5, 28)
CHILD = {"gi": "A", "fi": "E", "dob": "2016-05-04", "upn": None, "year_group": None}


def advice_row(ledger_id: int, recipient: str, rung: str, due: str, *, still_open: bool = True, **extra):
    return SimpleNamespace(ledger_id=ledger_id, recipient=recipient, rung=rung, kind="psychological",
                           requested_on="2025-04-14", still_open=still_open, due=due,
                           reference=f"EHC-2025-{ledger_id:05d}", caseworker_id=1, partner="EP Service",
                           caseworker_email="casey@la.example", queued_on=AS_OF,
                           contact_name="Dr Pat Partner", partner_email="ep@nhs.example", **{**CHILD, **extra})


class FakeLedger:
    """Only the reads the digests make; every row handed over as plain attributes."""

    def __init__(self, advice=(), claimed=(), own=(), teams=None, team_rows=()) -> None:
        self.advice, self._claimed, self.own, self.teams, self.team_rows = advice, claimed, own, teams or {}, team_rows

    def claimed_advice(self, token: str):
        return iter(self.advice)

    def open_advice_for(self, token, escalated_by):
        lists = {}
        for r in self.advice:
            if r.still_open:
                lists.setdefault(r.partner_email, []).append(r)
        return lists

    def last_digest_nights(self, token, before):
        return {"ep@nhs.example": date(2025, 5, 1)}

    def working_calendar(self):
        return england_and_wales()

    def managers_by_user(self) -> dict[int, list[str]]:
        return {1: ["morgan@la.example"]}

    def claimed(self, subject_types, token):
        return list(self._claimed)

    def own_deadlines(self, as_of, horizon, caseworker_ids):
        return [d for d in self.own if d.caseworker_id in caseworker_ids]

    def teams_of(self, user_ids):
        return {u: self.teams.get(u) for u in user_ids}

    def team_overdue(self, as_of, team_ids):
        return [d for d in self.team_rows if d.team_id in team_ids]

    def portal_returns(self, as_of, lookback_days, caseworker_ids=None):
        return {}


def test_the_advice_chase_sends_one_digest_per_contact_and_skips_rows_no_longer_open():
    ledger = FakeLedger(advice=[
        advice_row(1, "ep@nhs.example", "overdue", "2025-05-26"),
        advice_row(2, "ep@nhs.example", "due_today", "2025-05-28"),
        advice_row(3, "ep@nhs.example", "due_today", "2025-05-28", still_open=False),  # advice arrived
        advice_row(4, "paeds@nhs.example", "due_today", "2025-05-28", still_open=False),
    ])
    digests, skipped = ADVICE_CHASE.digests(ledger, "token", AS_OF, ChaseConfig())
    assert skipped == [3, 4]
    [digest] = digests
    assert digest.message.to == "ep@nhs.example" and digest.message.cc == ()
    assert digest.message.subject == "EHC needs assessment advice: 2 requests outstanding, 1 overdue"
    assert digest.ledger_ids == (1, 2)  # the highest rung first
    assert digest.counts == (("EP Service", "due_today", 1), ("EP Service", "overdue", 1))
    body = digest.message.body
    assert body.startswith("Dear Dr Pat Partner,") and "A.E." in body and "overdue 2 days" in body
    assert "EHC-2025-00003" not in body
    assert "Overdue (1)" in body and "Due within 5 working days (1)" in body


def test_the_deadline_digest_lists_a_caseworkers_own_and_a_managers_teams_deadlines():
    deadline = dict(reference="EHC-2025-00001", key="final_plan", advisory=False, **CHILD)
    ledger = FakeLedger(
        claimed=[SimpleNamespace(id=10, recipient="casey@la.example", subject_type="caseworker", subject_id=1),
                 SimpleNamespace(id=11, recipient="morgan@la.example", subject_type="manager", subject_id=2),
                 SimpleNamespace(id=12, recipient="idle@la.example", subject_type="caseworker", subject_id=3)],
        own=[SimpleNamespace(caseworker_id=1, due=date(2025, 5, 26), **deadline)],
        teams={2: 7},
        team_rows=[SimpleNamespace(team_id=7, login="casey.worker", reference="EHC-2025-00001", key="final_plan",
                                   due=date(2025, 5, 26), advisory=False)])
    digests, skipped = DEADLINE_DIGEST.digests(ledger, "token", AS_OF, ChaseConfig())
    assert skipped == [12]  # nothing left to tell them
    by_to = {d.message.to: d for d in digests}
    assert by_to["casey@la.example"].message.subject == "EHC deadlines: 1 overdue, 0 due soon"
    assert by_to["morgan@la.example"].message.subject == "EHC deadlines: team: 1 overdue"
    assert by_to["morgan@la.example"].counts == (("managers", "team", 1),)
    assert "Your team's overdue deadlines (1)" in by_to["morgan@la.example"].message.body


def test_every_kind_is_run_by_name_and_an_unknown_name_is_refused():
    assert [kind_named(name).name for name in KINDS] == ["advice", "caseworker"]
    with pytest.raises(ValueError, match="unknown flow kind 'weekly'; kinds are advice, caseworker"):
        kind_named("weekly")


def test_the_chase_package_imports_no_sqlalchemy():
    """Its SQL lives in ehcp/store/ledger.py."""
    package = Path(__file__).resolve().parents[2] / "ehcp" / "chase"
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(m.split(".")[0] == "sqlalchemy" for m in modules), path.name

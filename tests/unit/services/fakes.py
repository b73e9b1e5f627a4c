"""In-memory repositories and unit of work for service tests (cosmicpython's FakeRepository and
FakeUnitOfWork): the services run unchanged, with no database.

The rows are the store's own model classes, created without a session."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from ehcp.config import Settings
from ehcp.domain import Event, ordered
from ehcp.services.context import ServiceContext
from ehcp.store.models import AdviceRequest, Case, Child, Partner, Team, User


class _Ids:
    def __init__(self) -> None:
        self._next = itertools.count(1)

    def give(self, row: object) -> None:
        if getattr(row, "id", None) is None:
            row.id = next(self._next)  # type: ignore[attr-defined]


class FakeCases:
    def __init__(self) -> None:
        self.rows: list[Case] = []
        self.children: list[Child] = []
        self._case_ids, self._child_ids = _Ids(), _Ids()
        self.locked: list[str] = []

    def get(self, reference: str, *, lock: bool = False) -> Case | None:
        if lock:
            self.locked.append(reference)
        return next((c for c in self.rows if c.reference == reference), None)

    def near(self, reference: str) -> list[str]:
        return []

    def add(self, case: Case) -> Case:
        self._case_ids.give(case)
        case.version = case.version or 1
        case.child = next(c for c in self.children if c.id == case.child_id)
        self.rows.append(case)
        return case

    def save(self, case: Case) -> None:
        case.version += 1  # the ORM's version_id_col bumps the version on every write

    def next_reference(self, year: int) -> str:
        numbers = [int(c.reference.rsplit("-", 1)[1]) for c in self.rows if c.reference.startswith(f"EHC-{year}-")]
        return f"EHC-{year}-{max(numbers, default=0) + 1:05d}"

    def children_like(self, dob: date, upn: str | None) -> list[Child]:
        return [c for c in self.children if c.dob == dob or (upn and c.upn == upn)]

    def references_for_child(self, child_id: int) -> list[str]:
        return [c.reference for c in self.rows if c.child_id == child_id]

    def add_child(self, child: Child) -> Child:
        if child not in self.children:
            self._child_ids.give(child)
            self.children.append(child)
        return child

    def child(self, case: Case) -> Child:
        return case.child

    def all(self) -> list[Case]:
        return list(self.rows)

    def in_stages(self, stages: Iterable[str]) -> list[Case]:
        wanted = set(stages)
        return [c for c in self.rows if c.stage in wanted]

    def of_caseworker(self, user_id: int, *, stages: Iterable[str] | None = None) -> list[Case]:
        wanted = None if stages is None else set(stages)
        return sorted((c for c in self.rows if c.caseworker_id == user_id and (wanted is None or c.stage in wanted)),
                      key=lambda c: c.reference)

    def flush(self) -> None:
        pass


@dataclass
class StoredEvent:
    case_id: int
    event: Event
    at: datetime
    actor: str
    reason: str | None


class FakeEvents:
    def __init__(self) -> None:
        self.rows: list[StoredEvent] = []

    def history(self, case_id: int) -> list[Event]:
        return sorted((r.event for r in self.rows if r.case_id == case_id), key=lambda e: e.on)

    def append(self, case_id: int, event: Event, *, at: datetime, actor: str, reason: str | None) -> None:
        self.rows.append(StoredEvent(case_id, event, at, actor, reason))

    def logged(self, case_id: int) -> list[tuple[int, Event]]:
        return [(i, r.event) for i, r in enumerate(self.rows, start=1) if r.case_id == case_id]

    def kinds(self, case_id: int) -> list[str]:
        return [e.kind for e in ordered(self.history(case_id))]


class FakeDeadlines:
    def __init__(self) -> None:
        self.rows: dict[int, dict[str, tuple]] = {}

    def sync(self, case_id: int, computed: Sequence, advice_ids: Mapping[str, int],
             policy_hash: str | None = None) -> list[str]:
        before = self.rows.get(case_id, {})
        after = {d.key: (d, advice_ids.get(d.key)) for d in computed}
        self.rows[case_id] = after
        return [k for k in after if before.get(k) != after[k]] + [k for k in before if k not in after]

    def keys(self, case_id: int) -> set[str]:
        return set(self.rows.get(case_id, {}))


class FakeUsers:
    def __init__(self) -> None:
        self.rows: list[User] = []
        self.teams: list[Team] = []
        self._ids = _Ids()

    def get(self, login: str) -> User | None:
        return next((u for u in self.rows if u.login == login), None)

    def count(self) -> int:
        return len(self.rows)

    def add(self, user: User) -> User:
        self._ids.give(user)
        user.active = True if user.active is None else user.active
        self.rows.append(user)
        return user

    def team(self, name: str) -> Team:
        found = next((t for t in self.teams if t.name == name), None)
        if found is None:
            found = Team(name=name, id=len(self.teams) + 1)
            self.teams.append(found)
        return found

    def team_id(self, name: str) -> int | None:
        return next((t.id for t in self.teams if t.name == name), None)

    def team_name(self, team_id: int | None) -> str | None:
        return next((t.name for t in self.teams if t.id == team_id), None)

    def flush(self) -> None:
        pass


class FakeFlags:
    def __init__(self) -> None:
        # a test database (as 'ehcp db flag-test --on'): these tests set today with EHCP_TODAY
        self.values: dict[str, str] = {"test_database": "on"}

    def value(self, name: str) -> str | None:
        return self.values.get(name)

    def exists(self, name: str) -> bool:
        return name in self.values

    def set(self, name: str, value: str, *, at: datetime, by: str) -> None:
        self.values[name] = value

    def with_prefix(self, prefix: str) -> dict[str, SimpleNamespace]:
        return {k: SimpleNamespace(value=v) for k, v in self.values.items() if k.startswith(prefix)}


class FakePartners:
    def __init__(self, names: Iterable[str] = ()) -> None:
        self.rows = [Partner(id=i, name=name) for i, name in enumerate(names, start=1)]

    def get(self, name: str) -> Partner | None:
        return next((p for p in self.rows if p.name == name), None)

    def names(self) -> list[str]:
        return [p.name for p in self.rows]

    def all(self) -> list[Partner]:
        return sorted(self.rows, key=lambda p: p.name)

    def add(self, partner: Partner) -> Partner:
        partner.id = len(self.rows) + 1
        self.rows.append(partner)
        return partner

    def flush(self) -> None:
        pass


class FakeAdviceRequests:
    def __init__(self) -> None:
        self.rows: list[AdviceRequest] = []
        self.partner_names: dict[int | None, str] = {}  # filled by FakeUnitOfWork from its partners

    def add(self, request: AdviceRequest) -> AdviceRequest:
        request.id = len(self.rows) + 1
        self.rows.append(request)
        return request

    def get(self, request_id: int) -> AdviceRequest | None:
        return next((r for r in self.rows if r.id == request_id), None)

    def open_requests(self, case_id: int, kind: str) -> list[tuple[AdviceRequest, str | None]]:
        return [(r, self.partner_names.get(r.partner_id)) for r in self.rows
                if r.case_id == case_id and r.kind == kind and r.received_on is None and r.cancelled_on is None]

    def same_request(self, case_id: int, kind: str, partner_id: int | None, on: date) -> AdviceRequest | None:
        return next((r for r in self.rows if (r.case_id, r.kind, r.partner_id, r.requested_on)
                     == (case_id, kind, partner_id, on) and r.cancelled_on is None), None)

    def outstanding(self, case_id: int) -> list[tuple[str, date, str | None]]:
        return [(r.kind, r.requested_on, None) for r in self.rows if r.case_id == case_id and r.received_on is None]


class FakeCalendars:
    def __init__(self, closures: Iterable[tuple[date, date]] = ()) -> None:
        self.holidays: dict[date, str] = {}
        self.default_closures = list(closures)

    def extra_holidays(self) -> dict[date, str]:
        return dict(self.holidays)

    def closure_containing(self, day: date, setting_id: int | None) -> object | None:
        for start, reopens in self.default_closures:
            if start <= day < reopens:
                return _Closure(start, reopens)
        return None


@dataclass(frozen=True)
class _Closure:
    start: date
    reopens: date


class FakeNotes:
    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str]] = []

    def add(self, case_id: int, *, at: datetime, actor: str, text: str) -> None:
        self.rows.append((case_id, actor, text))


@dataclass
class AuditEntry:
    actor: str
    action: str
    case_id: int | None
    detail: dict
    reason: str | None


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def append(self, *, actor: str, action: str, case_id: int | None = None, detail: dict | None = None,
               reason: str | None = None, events: object = None) -> None:
        self.entries.append(AuditEntry(actor, action, case_id, dict(detail or {}), reason))

    def actions(self) -> list[str]:
        return [e.action for e in self.entries]


class FakeUnitOfWork:
    """The repositories above, kept between commands; ``commits`` counts committed transactions.

    Not transactional: a refused command must raise before it writes (the pipeline validates
    before it appends), which the tests check by reading the repositories afterwards."""

    def __init__(self, partners: Iterable[str] = (), closures: Iterable[tuple[date, date]] = ()) -> None:
        self.cases = FakeCases()
        self.events = FakeEvents()
        self.deadlines = FakeDeadlines()
        self.users = FakeUsers()
        self.flags = FakeFlags()
        self.partners = FakePartners(partners)
        self.advice = FakeAdviceRequests()
        self.advice.partner_names = {p.id: p.name for p in self.partners.rows}
        self.calendars = FakeCalendars(closures)
        self.notes = FakeNotes()
        self.audit = FakeAudit()
        self.commits = 0
        self.opened: list[bool] = []

    def __call__(self, *, write: bool = True) -> FakeUnitOfWork:
        self.opened.append(write)
        return self

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def flush(self) -> None:
        pass

    def commit(self) -> None:
        self.commits += 1


@dataclass
class FakeContext(ServiceContext):
    """A ServiceContext whose ``uow()`` is the fake unit of work; today and the actor are fixed."""

    fake: FakeUnitOfWork = field(default_factory=FakeUnitOfWork)

    def uow(self, *, write: bool = True) -> FakeUnitOfWork:  # type: ignore[override]
        return self.fake(write=write)


def context(today: date, *, user: str = "casey", fake: FakeUnitOfWork | None = None, **settings: object) -> FakeContext:
    cfg = Settings(database_url="sqlite://", user=user, outbox=None, today_override=today, **settings)  # type: ignore[arg-type]
    return FakeContext(cfg, fake or FakeUnitOfWork())


__all__ = ["FakeContext", "FakeUnitOfWork", "context"]

"""The shape of a statutory time limit: `Rule` (one version of one clock) and `RuleSet` (all of them).

A rule is data, never code: what starts the clock, how long it runs, which counting convention of
statutory-timescales.md section 0 measures it, whom it binds, which exceptions disapply it, and the
dates the version was in force (section 0, "Rule versions"; section 10).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

# Counting conventions (statutory-timescales.md section 0); `calendars.conventions` computes them.
C_WEEKS = "C-WEEKS"  # "within N weeks of [event]": event + 7N days
C_DAYS_AFTER = "C-DAYS-AFTER"  # "within N days of [event]": event + N days
C_DAYS_BEGINNING = "C-DAYS-BEGINNING"  # "N days beginning with": last day = event + N - 1
C_MONTHS_AFTER = "C-MONTHS-AFTER"  # "within N months after": corresponding date, clamped
C_MONTHS_BEGINNING = "C-MONTHS-BEGINNING"  # "period of N months beginning with": s.44(1)
C_AT_LEAST_BEFORE = "C-AT-LEAST-BEFORE"  # "at least two weeks' notice": act by event - period
C_WD_AFTER = "C-WD-AFTER"  # "within N working days of [event]"
C_WD_BEGINNING = "C-WD-BEGINNING"  # "N working days beginning with the day on which"
C_BEFORE_DATE = "C-BEFORE-DATE"  # "before 15 February": the day before a fixed date (reg 18(1))
C_IMMEDIATE = "C-IMMEDIATE"  # "immediately": effective on the trigger date (reg 44(2)(a))
# An act under the Tribunal Rules "within N working days": August and 25 Dec - 1 Jan not counted (HESC r.12(3)(b), (4))
C_TRIBUNAL_WD = "C-TRIBUNAL-WD"
C_ACADEMIC_YEAR_END = "C-ACADEMIC-YEAR-END"  # "until the end of the academic year during which": the next 31 July
CONVENTIONS = frozenset({C_WEEKS, C_DAYS_AFTER, C_DAYS_BEGINNING, C_MONTHS_AFTER,
                         C_MONTHS_BEGINNING, C_AT_LEAST_BEFORE, C_WD_AFTER, C_WD_BEGINNING,
                         C_BEFORE_DATE, C_IMMEDIATE, C_TRIBUNAL_WD, C_ACADEMIC_YEAR_END})

UNITS = frozenset({"days", "weeks", "months", "working_days"})

# Who must act (or, for a window, whose window it is): statutory-timescales.md "Binds" rows.
BINDS = frozenset({"local_authority", "advice_giver", "school", "parent", "tribunal",
                   "mediation_adviser"})

# Exception reason codes: the contract's four (reg 5(4), 8(2), 10(4), 13(3)) plus SI 2020/471.
SCHOOL_CLOSURE = "school_closure"  # reg 5(4)(a)-(b), 10(4)(a)-(b), 27(3)(a)-(b)
PERSONAL_CIRCUMSTANCES = "personal_circumstances"  # reg 5(4)(c), 8(2)(a), 10(4)(c)
ABSENCE_FROM_AREA = "absence_from_area"  # reg 5(4)(d), 8(2)(b), 10(4)(d)
MISSED_APPOINTMENT = "missed_appointment"  # reg 8(2)(c) only (Q1)
CORONAVIRUS = "coronavirus"  # SI 2020/471, 1 May - 25 Sep 2020 inclusive
EXCEPTION_REASONS = (SCHOOL_CLOSURE, PERSONAL_CIRCUMSTANCES, ABSENCE_FROM_AREA,
                     MISSED_APPOINTMENT, CORONAVIRUS)

SEND_REGS_IN_FORCE = date(2014, 9, 1)  # SEND Regulations 2014 (SI 2014/1530) reg 1


class UnknownRule(KeyError):
    """No rule has this key or rule id."""

    def __str__(self) -> str:
        return f"no rule with key or id {self.args[0]!r}"


class NoRuleInForce(LookupError):
    """The rule exists, but no version of it was in force on the date asked about."""


@dataclass(frozen=True)
class Rule:
    """One version of one statutory clock (statutory-timescales.md section 11)."""

    key: str  # deadline key of contract.md, e.g. "final_plan"; "advice" covers advice.<kind>
    rule_id: str  # e.g. "R-FINAL-PLAN"
    citation: str  # e.g. "SEND Regulations 2014 reg 13(2)"
    convention: str  # one of CONVENTIONS
    length: int
    unit: str  # one of UNITS
    trigger: str  # the event that starts the clock, in words
    binds: str  # one of BINDS
    advisory: bool = False  # Code of Practice guidance ("should"), never a breach of law
    exceptions: frozenset[str] = frozenset()  # reason codes that disapply this version
    effective_from: date = SEND_REGS_IN_FORCE
    effective_to: date | None = None  # last day in force, inclusive; None = still in force
    version: str = "send-2014"
    window: bool = False  # a minimum period the LA must allow (due = its last day), not a duty
    longstop_weeks: int | None = None  # a second limit, C-WEEKS from `longstop_trigger`
    longstop_trigger: str | None = None
    absence_min_days: int | None = None  # overrides Policy.absence_min_days (reg 44: 2 weeks)
    fixed_date: tuple[int, int] | None = None  # C-BEFORE-DATE: (month, day) in the trigger's year
    note: str = ""  # confidence remarks carried from the rulebook ("verify", Q numbers)

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ValueError(f"{self.rule_id}: unknown convention {self.convention!r}")
        if self.unit not in UNITS:
            raise ValueError(f"{self.rule_id}: unknown unit {self.unit!r}")
        if self.binds not in BINDS:
            raise ValueError(f"{self.rule_id}: unknown party {self.binds!r}")
        unknown = set(self.exceptions) - set(EXCEPTION_REASONS)
        if unknown:
            raise ValueError(f"{self.rule_id}: unknown exception reasons {sorted(unknown)}")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"{self.rule_id}: effective_to is before effective_from")
        if (self.convention == C_BEFORE_DATE) != (self.fixed_date is not None):
            raise ValueError(f"{self.rule_id}: C-BEFORE-DATE rules, and only they, name a fixed date")

    def in_force(self, on: date) -> bool:
        """True if this version was in force on ``on`` (both ends inclusive)."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def overlaps(self, start: date, end: date) -> bool:
        """True if this version was in force on any day of ``start .. end``."""
        return self.effective_from <= end and (self.effective_to is None or start <= self.effective_to)

    def describe(self) -> str:
        """One line: id, key, length, convention, citation and the period in force."""
        to = self.effective_to.isoformat() if self.effective_to else "open"
        extra = " advisory" if self.advisory else ""
        return (f"{self.rule_id:<22} {self.key:<26} {self.length} {self.unit:<12} {self.convention:<18}"
                f" {self.effective_from.isoformat()}..{to} [{self.version}]{extra} {self.citation}")


def temporary_version(rule: Rule, start: date, end: date, **changes: Any) -> tuple[Rule, ...]:
    """Split ``rule`` so that ``changes`` apply only from ``start`` to ``end`` inclusive.

    Used for temporary amendments such as SI 2020/471 (section 10). A rule not in force at any time
    in that period is returned unchanged.
    """
    if not rule.overlaps(start, end):
        return (rule,)
    pieces: list[Rule] = []
    if rule.effective_from < start:
        pieces.append(replace(rule, effective_to=start - timedelta(days=1)))
    pieces.append(replace(rule, effective_from=max(start, rule.effective_from),
                          effective_to=_earlier(end, rule.effective_to), **changes))
    if rule.effective_to is None or rule.effective_to > end:
        pieces.append(replace(rule, effective_from=end + timedelta(days=1)))
    return tuple(pieces)


def _earlier(a: date, b: date | None) -> date:
    return a if b is None else min(a, b)


def base_keys(key: str) -> list[str]:
    """Keys to look up for a deadline key: ``advice.medical.2`` -> advice.medical.2, advice.medical, advice."""
    parts = key.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


@dataclass(frozen=True)
class RuleSet:
    """All versions of all clocks; `rule(key_or_id, on)` picks the version in force on a date."""

    rules: tuple[Rule, ...]
    name: str = "send-2014"
    _index: dict[str, tuple[Rule, ...]] = field(default_factory=dict, init=False, repr=False,
                                               compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Rule]] = {}
        for rule in self.rules:
            index.setdefault(rule.key, []).append(rule)
            if rule.rule_id != rule.key:
                index.setdefault(rule.rule_id, []).append(rule)
        for name, versions in index.items():
            _check_no_overlap(name, versions)
        frozen = {name: tuple(sorted(v, key=lambda r: r.effective_from)) for name, v in index.items()}
        object.__setattr__(self, "_index", frozen)

    def versions(self, key_or_id: str) -> tuple[Rule, ...]:
        """Every version of the rule, oldest first; raises UnknownRule."""
        for name in base_keys(key_or_id):
            if name in self._index:
                return self._index[name]
        raise UnknownRule(key_or_id)

    def rule(self, key_or_id: str, on: date) -> Rule:
        """The version in force on ``on``; raises UnknownRule or NoRuleInForce."""
        for rule in self.versions(key_or_id):
            if rule.in_force(on):
                return rule
        raise NoRuleInForce(f"no version of {key_or_id!r} was in force on {on.isoformat()}")

    rules_for = rule  # the name used in docs/internal-api.md

    def keys(self) -> tuple[str, ...]:
        """Distinct deadline keys, in catalogue order."""
        return tuple(dict.fromkeys(rule.key for rule in self.rules))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def describe(self) -> str:
        """The catalogue as text, one version a line."""
        return "\n".join(rule.describe() for rule in self.rules)


def _check_no_overlap(name: str, versions: list[Rule]) -> None:
    ordered = sorted(versions, key=lambda r: r.effective_from)
    for earlier, later in pairwise(ordered):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise ValueError(f"versions of {name!r} overlap: {earlier.version} and {later.version}")

"""Policy: every reading the rulebook leaves open, as a named choice with its documented default.

Each field answers one of the Open questions of statutory-timescales.md (Q1-Q23) or names a
constant of the rulebook. Q20 (provisional bank holidays) belongs to the `calendars` data and Q24
(no "Lancashire 2023" case) needs no choice. Field metadata carries the question, the allowed
choices and a one-line help text, so the CLI can print them (`policy_help()`) and
`Policy.from_mapping` can read them from `ehcp.toml`. Every field is applied by ehcp.domain except
those in NOT_YET_APPLIED.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property
from typing import Any

from ehcp.rules.model import CORONAVIRUS, MISSED_APPOINTMENT, Rule


def _choice(default: Any, question: str, text: str, choices: tuple = ()) -> Any:
    return field(default=default, metadata={"question": question, "help": text, "choices": choices})


@dataclass(frozen=True)
class Policy:
    """Named readings of the open questions; DEFAULT_POLICY holds the rulebook's defaults."""

    # Q1: reg 10(4) limbs. ("a","b","c","d") as every source quotes; add "e" to let a missed
    # appointment also disapply the 16-week no-plan notice (never the 20-week limit, reg 13(3)).
    reg10_4_limbs: tuple[str, ...] = _choice(
        ("a", "b", "c", "d"), "Q1", "reg 10(4) limbs in force; 'e' = missed appointment also "
        "disapplies the 16-week notice")
    # Q2: working-day definition (calendars implements HESC r.1(3): Sat, Sun, Christmas Day,
    # Good Friday and E&W bank holidays are not working days).
    working_day: str = _choice("hesc_r1_3", "Q2", "definition of a working day", ("hesc_r1_3",))
    # Q3: deemed service of posted documents.
    deemed_service: str = _choice(
        "practice_direction_1985", "Q3", "deemed service by post: 1985 Practice Direction "
        "(2nd/4th working day) or CPR 6.26", ("practice_direction_1985", "cpr_6_26"))
    # Q4: SEN2 "within 20 weeks": issued <= received + 140 days (statutory) or + 139.
    sen2_day_count: int = _choice(140, "Q4", "SEN2 20-week test: last day = received + N days",
                                  (140, 139))
    # Q5: phase transfer deadline: the day before 15 Feb / 31 Mar (regulation) or the day itself.
    phase_transfer_date: str = _choice("regulation", "Q5", "reg 18 'before 15 February' (regulation) "
                                       "or Code 9.179 'by 15 February' (code)", ("regulation", "code"))
    # Q6: which date restarts the 12-month review period and completes the review.
    review_restart: str = _choice("decision", "Q6", "review completed by the reg 20(10) decision "
                                  "notice (decision) or the meeting (meeting)", ("decision", "meeting"))
    # Q7: "period of 12 months beginning with D": (D - 1 day) + 12 months, or D + 12 months - 1.
    months_beginning: str = _choice("legal", "Q7", "C-MONTHS-BEGINNING formula for month-end and "
                                    "leap-day starts", ("legal", "conservative"))
    # Q8: "2 months after": corresponding date, or corresponding date minus one day.
    months_after: str = _choice("corresponding", "Q8", "C-MONTHS-AFTER formula",
                                ("corresponding", "corresponding_minus_one"))
    # Q9: a 15-day representation window ending on a non-working day: stands, or runs on to the
    # next working day (local practice).
    window_end_non_working_day: str = _choice(
        "stands", "Q9", "15-day windows ending on a non-working day", ("stands", "next_working_day"))
    # Q10: Year 11 to the same school's sixth form counted as a phase transfer (local practice).
    sixth_form_is_phase_transfer: bool = _choice(False, "Q10", "apply reg 18 (31 March) to Year 11 "
                                                 "staying in a school sixth form", (False, True))
    # Q11: reg 44 "remit for reconsideration" period (not confirmed for the 2014 Regulations).
    order_remit_weeks: int | None = _choice(None, "Q11", "weeks to reconsider after a remitted "
                                            "decision; None = no clock")
    # Q12: health-only mediation arranged within 30 calendar days (IPSEA) or 30 working days.
    mediation_days: str = _choice("calendar", "Q12", "30 days to arrange mediation",
                                  ("calendar", "working"))
    # Q13: which rule version governs a clock: in force on the deadline date (default), on the
    # trigger date, or any version in force while the clock ran ("in_progress": exceptions unite).
    covid_selection: str = _choice("deadline_date", "Q13", "rule version selection",
                                   ("deadline_date", "trigger_date", "in_progress"))
    # Q14: a reg 5(4) exception also disapplies the reg 4(1) 6-week limit on a refusal.
    reg5_exceptions_cover_reg4: bool = _choice(True, "Q14", "reg 5(4) exceptions disapply the "
                                               "reg 4(1) limit too", (True, False))
    # Q15: under-5 reviews (Code 9.178): advisory window in months after issue.
    under5_review_months: tuple[int, int] = _choice((3, 6), "Q15", "advisory under-5 review window")
    # Q16: reg 22(4) decision not to amend: presumed 8 weeks of the notice.
    amend_not_weeks: int = _choice(8, "Q16", "weeks for a reg 22(4) decision not to amend")
    # Q17: request (or advice request) received on a non-working day: the actual date (law) or
    # the next working day (local policy).
    weekend_receipt: str = _choice("actual", "Q17", "receipt on a non-working day",
                                   ("actual", "next_working_day"))
    # Q18: reg 15(2) "at least 15 working days": awareness day counted (inclusive) or clear days.
    la_transfer_notice: str = _choice("inclusive", "Q18", "reg 15(2) notice count",
                                      ("inclusive", "clear"))
    # Q19: Tribunal Christmas/August rules apply to LA duties under reg 44-45 (our reading: no).
    tribunal_holidays_for_la_duties: bool = _choice(False, "Q19", "HESC r.12(3) for reg 44 duties",
                                                    (False, True))
    # Q21: SI 2015/359 substituted reg 45 from this date (verify).
    si_2015_359_from: date = _choice(date(2015, 3, 23), "Q21", "reg 45 substitution date")
    # Q22: HESC r.12(3) rewritten by the Tribunal Procedure (Amendment) Rules 2020 (verify).
    hesc_r12_2020_from: date = _choice(date(2020, 7, 21), "Q22", "HESC r.12(3) amendment date")
    # Q23: reg 25(1) days to decide on a re-assessment request.
    reassessment_decision_days: int = _choice(15, "Q23", "reg 25(1) decision period in days")
    # Local practice, not an open question: the national curriculum years whose pupils move to a new
    # phase the next September (reg 2(1) "transfer between phases"): nursery (-1) to school, Year 6
    # to secondary, Year 11 to post-16. Three-tier areas add e.g. 4 (to middle) and 8 (to upper).
    phase_transfer_ncys: tuple[int, ...] = _choice((-1, 6, 11), "-", "NCYs that transfer to a new "
                                                   "phase the next September by default")
    # Not open questions: named constants of the rulebook.
    due_soon_days: int = _choice(7, "-", "a pending clock is due soon this many days ahead")
    absence_min_days: int = _choice(28, "-", "reg 5(4)(d), 8(2)(b), 10(4)(d): continuous absence "
                                    "of not less than 4 weeks")
    closure_min_days: int = _choice(28, "-", "reg 5(4)(a), 10(4)(a): closure of not less than 4 weeks")

    def __post_init__(self) -> None:
        for spec in fields(self):
            choices = spec.metadata.get("choices")
            if choices and getattr(self, spec.name) not in choices:
                raise ValueError(f"policy {spec.name}={getattr(self, spec.name)!r}: "
                                 f"choose one of {', '.join(map(str, choices))}")
        unknown = set(self.reg10_4_limbs) - {"a", "b", "c", "d", "e"}
        if unknown:
            raise ValueError(f"policy reg10_4_limbs: unknown limbs {sorted(unknown)}; choose from a, b, c, d, e")
        window: tuple[int, ...] = self.under5_review_months  # from settings: any length until checked
        if len(window) != 2 or not 0 < window[0] <= window[1]:
            raise ValueError(f"policy under5_review_months={list(self.under5_review_months)}: choose two whole "
                             "numbers of months, the first at least 1 and not above the second")
        for name in ("amend_not_weeks", "reassessment_decision_days", "due_soon_days", "absence_min_days",
                     "closure_min_days", "order_remit_weeks"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"policy {name}={value}: choose a whole number of at least 1")

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Policy:
        """A policy from plain values (``ehcp.toml``); ISO strings for dates, lists for tuples.

        Raises ValueError with one line naming the key and its allowed values."""
        known = {spec.name: spec for spec in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))}; "
                             f"settings are {', '.join(known)}")
        coerced = {k: coerce_value(k, v) for k, v in values.items()}
        try:
            return cls(**coerced)
        except ValueError as exc:
            raise ValueError(str(exc)) from None

    def to_mapping(self) -> dict[str, Any]:
        """Every field as a plain JSON value (ISO dates, lists for tuples)."""
        return {spec.name: plain_value(getattr(self, spec.name)) for spec in fields(self)}

    def differs_from_default(self) -> dict[str, Any]:
        """The fields set to something other than the default, as plain values."""
        return {k: v for k, v in self.to_mapping().items() if v != DEFAULT_MAPPING[k]}

    @cached_property
    def digest(self) -> str:
        """A short hash of every reading (stored with the deadlines this policy produced)."""
        return _digest(self)

    def exceptions_for(self, rule: Rule) -> frozenset[str]:
        """The exception reasons that can disapply ``rule`` under this policy (Q1, Q14)."""
        reasons = rule.exceptions
        if rule.rule_id == "R-NO-PLAN-NOTICE" and "e" in self.reg10_4_limbs:
            reasons = reasons | {MISSED_APPOINTMENT}
        if rule.rule_id == "R-ASSESS-DECISION" and not self.reg5_exceptions_cover_reg4:
            reasons = reasons & {CORONAVIRUS}
        return reasons


NOT_YET_APPLIED = ("working_day",)  # one definition so far (HESC r.1(3)); nothing to choose


def plain_value(value: Any) -> Any:
    """A policy value as JSON: ISO strings for dates, lists for tuples."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [plain_value(v) for v in value]
    return value


def allowed_values(name: str) -> str:
    """The values ``name`` accepts, in words (for errors and ``ehcp policy show``)."""
    spec = _spec(name)
    choices = spec.metadata.get("choices") or ()
    if choices:
        return ", ".join(_text(c) for c in choices)
    default = spec.default
    if isinstance(default, date):
        return "an ISO date (YYYY-MM-DD)"
    if name == "reg10_4_limbs":
        return "a list of limbs from a, b, c, d, e"
    if isinstance(default, tuple):
        return f"a list of {len(default)} whole numbers" if name == "under5_review_months" else \
            "a list of whole numbers"
    return "none, or a whole number" if default is None else "a whole number"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


def _spec(name: str) -> Any:
    for spec in fields(Policy):
        if spec.name == name:
            return spec
    raise ValueError(f"unknown policy setting {name!r}; settings are {', '.join(f.name for f in fields(Policy))}")


def coerce_value(name: str, value: Any) -> Any:
    """``value`` (from ehcp.toml, JSON or the command line) as the type of policy field ``name``;
    raises ValueError naming the key and its allowed values."""
    default = _spec(name).default
    try:
        return _coerce(default, value)
    except (TypeError, ValueError):
        raise ValueError(f"policy {name}={value!r}: choose {allowed_values(name)}") from None


def _coerce(default: Any, value: Any) -> Any:
    text = value.strip() if isinstance(value, str) else None
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if text is not None and text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise ValueError(value)
    if isinstance(default, date):
        return date.fromisoformat(text) if text is not None else _typed(value, date)
    if isinstance(default, tuple):
        items = [v.strip() for v in text.strip("[]").split(",") if v.strip()] if text is not None else value
        if not isinstance(items, list | tuple):
            raise ValueError(value)
        return tuple(_coerce(default[0] if default else "", item) for item in items)
    if default is None or isinstance(default, int):
        if text is not None and text.lower() in ("none", "null", ""):
            if default is None:
                return None
            raise ValueError(value)
        if isinstance(value, bool):
            raise ValueError(value)
        return int(text.strip('"')) if text is not None else _typed(value, int)
    if isinstance(default, str):
        return text.strip('"').strip("'") if text is not None else _typed(value, str)
    return value


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise TypeError(value)
    return value


def _digest(policy: Policy) -> str:
    import hashlib  # noqa: PLC0415 - only when deadlines are stored
    import json  # noqa: PLC0415 - only when deadlines are stored

    text = json.dumps(policy.to_mapping(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def policy_help() -> list[tuple[str, str, str, str]]:
    """(field, question, default, help) for every policy field, for --help and the docs."""
    return [(spec.name, spec.metadata["question"], repr(spec.default), spec.metadata["help"])
            for spec in fields(Policy)]


DEFAULT_POLICY = Policy()
DEFAULT_MAPPING = DEFAULT_POLICY.to_mapping()

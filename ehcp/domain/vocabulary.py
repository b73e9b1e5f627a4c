"""The case vocabulary, spelt once: stages, channels, advice kinds, request sources, exception
reasons and review outcomes, as StrEnums whose values are the words stored and printed.

Standard library only and free of the rest of the domain, so that the read path, the reports and
the nightly flows can import it without paying for the calendars (``python -X importtime -c
"import ehcp.domain.vocabulary"``). The tuples beside each enum are its values in order, for
``in`` tests and for listing them in messages.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Stage(StrEnum):
    """The stage a case is in (CFA 2014 Part 3); the value is the name on the command line and in the store."""

    REQUEST = "request"  # request for an EHC needs assessment received (s.36(1))
    ASSESSMENT = "assessment"  # LA decided to assess (s.36(8))
    NOT_ASSESSED = "not_assessed"  # LA decided not to assess (s.36(5), reg 4(1))
    DRAFT = "draft"  # draft plan sent (s.38, reg 13(1))
    FINAL = "final"  # final plan issued and maintained (s.37, reg 13(2))
    NO_PLAN = "no_plan"  # decided not to issue a plan after assessment (s.36(9), reg 10)
    REVIEW = "review"  # annual review meeting held, decision pending (s.44, reg 20-21)
    CEASED = "ceased"  # LA ceased to maintain the plan (s.45, reg 31)
    WITHDRAWN = "withdrawn"  # request withdrawn or case closed by the family


INITIAL_STAGE = Stage.REQUEST
CLOSED_STAGES: frozenset[Stage] = frozenset({Stage.NOT_ASSESSED, Stage.NO_PLAN, Stage.CEASED, Stage.WITHDRAWN})
OPEN_STAGES: frozenset[Stage] = frozenset(set(Stage) - CLOSED_STAGES)
# The closed stages' stored names in Stage order, for SQL (`stage NOT IN (...)`).
CLOSED_STAGE_NAMES: tuple[str, ...] = tuple(stage.value for stage in Stage if stage in CLOSED_STAGES)
PLAN_STAGES: frozenset[Stage] = frozenset({Stage.FINAL, Stage.REVIEW})  # a plan is maintained
# The kind of ``ehcp.domain.machine.voiding.EventVoided``, for the read path (``case timeline``), which
# must not import the stage machine (it loads the calendars: ~100 ms of every read command's start-up).
VOIDED_EVENT_KIND = "event_voided"


class Channel(StrEnum):
    """How a document was sent; decides deemed service (Interpretation Act s.7; calendars.post)."""

    EMAIL = "email"
    HAND = "hand"
    PORTAL = "portal"
    FIRST_CLASS_POST = "first_class_post"
    SECOND_CLASS_POST = "second_class_post"


class AdviceKind(StrEnum):
    """The advice an EHC needs assessment seeks (reg 6(1)(a)-(h))."""

    PARENT = "parent"
    EDUCATIONAL = "educational"
    MEDICAL = "medical"
    PSYCHOLOGICAL = "psychological"
    SOCIAL_CARE = "social_care"
    OTHER = "other"


class RequestSource(StrEnum):
    """Who asked for the assessment (CFA 2014 s.36(1), reg 3)."""

    PARENT = "parent"
    YOUNG_PERSON = "young_person"
    SCHOOL = "school"
    OTHER = "other"


class ExceptionReason(StrEnum):
    """Circumstances that may disapply a time limit (reg 5(4), 8(2), 10(4), 13(3); SI 2020/471).

    The rule catalogue (ehcp.rules.model) names the same reasons per rule version.
    """

    SCHOOL_CLOSURE = "school_closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    ABSENCE_FROM_AREA = "absence_from_area"
    MISSED_APPOINTMENT = "missed_appointment"
    CORONAVIRUS = "coronavirus"


class ReviewOutcome(StrEnum):
    """What the LA decides after an annual review (reg 20(10)): keep, amend or cease."""

    MAINTAIN = "maintain"
    AMEND = "amend"
    CEASE = "cease"


CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
ADVICE_KINDS: tuple[str, ...] = tuple(k.value for k in AdviceKind)
REQUEST_SOURCES: tuple[str, ...] = tuple(s.value for s in RequestSource)
EXCEPTION_REASONS: tuple[str, ...] = tuple(r.value for r in ExceptionReason)
REVIEW_OUTCOMES: tuple[str, ...] = tuple(o.value for o in ReviewOutcome)


# Logins and team names: letters, digits, '.', '-' and '_' (at most 63, PostgreSQL's name length);
# they become PostgreSQL role names, file names and spreadsheet cells, so nothing else is allowed.
NAME_CHARACTERS = "letters, digits, '.', '-' and '_'"
_NAME = re.compile(r"[A-Za-z0-9._-]{1,63}")


def valid_name(text: str) -> bool:
    """Whether ``text`` may be a login or a team name (see :data:`NAME_CHARACTERS`)."""
    return bool(_NAME.fullmatch(text))

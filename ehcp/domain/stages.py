"""Stages of an EHC case (contract.md "Vocabulary"): where the case stands in CFA 2014 Part 3."""

from __future__ import annotations

from enum import Enum


class Stage(str, Enum):
    """The stage a case is in; the value is the name used on the command line and in the store."""

    REQUEST = "request"  # request for an EHC needs assessment received (s.36(1))
    ASSESSMENT = "assessment"  # LA decided to assess (s.36(8))
    NOT_ASSESSED = "not_assessed"  # LA decided not to assess (s.36(5), reg 4(1))
    DRAFT = "draft"  # draft plan sent (s.38, reg 13(1))
    FINAL = "final"  # final plan issued and maintained (s.37, reg 13(2))
    NO_PLAN = "no_plan"  # decided not to issue a plan after assessment (s.36(9), reg 10)
    REVIEW = "review"  # annual review meeting held, decision pending (s.44, reg 20-21)
    CEASED = "ceased"  # LA ceased to maintain the plan (s.45, reg 31)
    WITHDRAWN = "withdrawn"  # request withdrawn or case closed by the family

    def __str__(self) -> str:
        return self.value


INITIAL_STAGE = Stage.REQUEST
CLOSED_STAGES = frozenset({Stage.NOT_ASSESSED, Stage.NO_PLAN, Stage.CEASED, Stage.WITHDRAWN})
OPEN_STAGES = frozenset(set(Stage) - CLOSED_STAGES)

"""The statutory rule set as data: each clock with its trigger, length, counting convention,
citation, exceptions and the dates it was in force (statutory-timescales.md sections 0 and 11)."""

from ehcp.rules.catalogue import COVID_FROM, COVID_TO, DEFAULT_RULES, DEVON_FROM, build_catalogue
from ehcp.rules.model import (
    ABSENCE_FROM_AREA,
    CONVENTIONS,
    CORONAVIRUS,
    EXCEPTION_REASONS,
    MISSED_APPOINTMENT,
    PERSONAL_CIRCUMSTANCES,
    SCHOOL_CLOSURE,
    NoRuleInForce,
    Rule,
    RuleSet,
    UnknownRule,
)
from ehcp.rules.policy import DEFAULT_POLICY, Policy, policy_help

__all__ = [
    "ABSENCE_FROM_AREA",
    "CONVENTIONS",
    "CORONAVIRUS",
    "COVID_FROM",
    "COVID_TO",
    "DEFAULT_POLICY",
    "DEFAULT_RULES",
    "DEVON_FROM",
    "EXCEPTION_REASONS",
    "MISSED_APPOINTMENT",
    "PERSONAL_CIRCUMSTANCES",
    "SCHOOL_CLOSURE",
    "NoRuleInForce",
    "Policy",
    "Rule",
    "RuleSet",
    "UnknownRule",
    "build_catalogue",
    "policy_help",
]

"""What a table shows for a column and a value: human labels (``ehcp.domain.labels``), never Python
values or internal keys. JSON and CSV keep the keys; only the screen (and workbooks) use these."""

from __future__ import annotations

import re
from typing import Any

from ehcp.domain import labels

STORED_WORD = re.compile(r"[a-z]+(_[a-z]+)+")  # a stored word such as refusal_to_assess
DEADLINE_COLUMNS = frozenset({"key", "next_deadline", "deadline"})
WORD_COLUMNS = frozenset({"stage", "status", "from_stage", "to_stage", "kind", "advice_kind", "source",
                          "channel", "rung", "outcome"})
HEADERS = {"key": "deadline", "next_due": "due", "practical_last_working_day": "last working day",
           "received_by_body_on": "body received request", "received_on": "received"}


def column_label(column: str) -> str:
    return HEADERS.get(column, labels.words(column))


def cell_label(column: str, value: Any) -> Any:
    """The label for a cell's value where the column holds a key; else the value unchanged."""
    if isinstance(value, bool):
        return labels.flag(value)
    if not isinstance(value, str):
        return value
    if column in DEADLINE_COLUMNS:
        return labels.deadline(value)
    if column == "group":
        return labels.rule(value)
    if column in WORD_COLUMNS:
        return labels.words(value)
    return value


def detail_value(key: str, value: Any) -> Any:
    """A value of an event's detail (timeline): labels, and stored words such as ``refusal_to_assess``."""
    value = cell_label(key, value)
    return labels.words(value) if isinstance(value, str) and STORED_WORD.fullmatch(value) else value


# Event details a person has no use for: store ids (the partner is shown instead of a request id).
HIDDEN_DETAIL = frozenset({"request_id", "case_id", "id"})


def detail_label(key: str) -> str:
    return HEADERS.get(key, labels.words(key))


def event_label(what: str) -> str:
    """A timeline entry: ``advice_requested`` -> ``advice requested``; ``deadline advice.medical met``
    -> ``deadline met: medical advice``."""
    parts = what.split(" ")
    if len(parts) == 3 and parts[0] == "deadline":
        return f"deadline {parts[2]}: {labels.deadline(parts[1])}"
    return labels.words(what)

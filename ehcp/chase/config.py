"""Configuration of the nightly chasing: the escalation ladder (and when a rung is reached), what
identifies a child, schedules.

Defaults are the dataclass defaults; an ``ehcp.toml`` (``EHCP_CONFIG``, else ``./ehcp.toml``) may
override them in a ``[chase]`` table, and a few environment variables override that::

    [chase]
    child_fields = ["initials", "dob"]          # also "upn", "year_group"; never names or notes
    ladder = [ { name = "courtesy",   offset_days = -7 },
               { name = "due_today",  offset_days = 0 },
               { name = "overdue",    offset_days = 1 },
               { name = "escalation", offset_days = 8, escalate = true, repeat_days = 14,
                 copy_manager = true } ]
    working_days_only = true                    # weekends and bank holidays send nothing
    due_soon_working_days = 5                   # the digest's "due within N working days" group
    overdue_cadence_days = 7                    # a contact with anything overdue hears weekly at least
    chase_cron = "30 0 * * *"                   # EHCP_CHASE_CRON
    digest_cron = "30 0 * * *"                  # EHCP_DIGEST_CRON
    timezone = "Europe/London"
    notify_templates = { default = "<GOV.UK Notify template id>" }   # EHCP_NOTIFY_TEMPLATE_ID
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ehcp.web.links import LinkMaker


@dataclass(frozen=True)
class Rung:
    """A step of the escalation ladder, reached ``offset_days`` after the due date (negative: before)."""

    name: str
    offset_days: int
    escalate: bool = False  # to the partner's escalation contact, copying the front line and the caseworker
    title: str = ""
    repeat_days: int = 0  # the top rung only: reached again every this many days until answered
    copy_manager: bool | None = None  # copy the caseworker's manager (default: on escalating rungs)

    @property
    def copies_manager(self) -> bool:
        return self.escalate if self.copy_manager is None else self.copy_manager

    @property
    def heading(self) -> str:
        return self.title or self.name.replace("_", " ").capitalize()


DEFAULT_LADDER: tuple[Rung, ...] = (
    Rung("courtesy", -7, title="Due within 7 days"),
    Rung("due_today", 0, title="Due today"),
    Rung("overdue", 1, title="Overdue"),
    Rung("escalation", 8, escalate=True, title="Escalated: overdue by more than a week", repeat_days=14),
)
REPEAT_HORIZON_DAYS = 366  # a repeating rung is expanded this far past its first offset
REPEAT_MARK = "#"

CHILD_FIELDS = ("initials", "dob", "upn", "year_group")


@dataclass(frozen=True)
class ChaseConfig:
    ladder: tuple[Rung, ...] = DEFAULT_LADDER
    child_fields: tuple[str, ...] = ("initials", "dob")
    digest_days: int = 7           # caseworker digest: deadlines due within this many days
    insert_chunk: int = 1000       # ledger rows per INSERT
    batch_size: int = 25           # digests per delivery batch (one Prefect task each)
    lease_minutes: int = 30        # a claim older than this belongs to a crashed worker
    max_attempts: int = 9          # failed deliveries are retried on later runs until this many
    working_days_only: bool = True  # nights that are not working days send nothing (the next one carries them)
    due_soon_working_days: int = 5  # advice digest: "due within N working days"
    overdue_cadence_days: int = 7   # a contact with anything overdue gets a digest at least this often
    chase_cron: str = "30 0 * * *"
    digest_cron: str = "30 0 * * *"
    timezone: str = "Europe/London"
    notify_templates: dict[str, str] = field(default_factory=dict)
    # signs the advice-return links partner digests carry; set per run from the settings (with_links)
    links: LinkMaker | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_ladder(self.ladder)
        bad = [f for f in self.child_fields if f not in CHILD_FIELDS]
        if bad:
            raise ValueError(f"unknown child field(s) {', '.join(bad)}; allowed: {', '.join(CHILD_FIELDS)} "
                             "(names and notes are never sent)")


def check_ladder(ladder: tuple[Rung, ...]) -> None:
    """Refuse an empty ladder, duplicate names or offsets that do not strictly increase."""
    if not ladder:
        raise ValueError("the escalation ladder needs at least one rung")
    names = [r.name for r in ladder]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate rung names in the ladder: {names}")
    if any(not n or len(n) > 30 or ":" in n for n in names):
        raise ValueError("rung names must be 1-30 characters without ':'")
    if any(REPEAT_MARK in n for n in names):
        raise ValueError(f"rung names must not contain {REPEAT_MARK!r} (it marks a repeat)")
    offsets = [r.offset_days for r in ladder]
    if any(b <= a for a, b in pairwise(offsets)):
        raise ValueError(f"rung offsets must strictly increase, got {offsets}")
    if any(r.repeat_days < 0 for r in ladder) or any(r.repeat_days for r in ladder[:-1]):
        raise ValueError("only the top rung of the ladder may repeat (repeat_days > 0)")


def expand_ladder(ladder: tuple[Rung, ...]) -> tuple[Rung, ...]:
    """The ladder with its top rung's repeats as rungs of their own (``escalation#2`` 14 days after
    ``escalation``, and so on for a year), so the ledger's unique (subject, rung) key sends each
    repeat exactly once, and a night skipped sends only the highest repeat reached."""
    top = ladder[-1]
    if not top.repeat_days:
        return ladder
    repeats = [replace(top, name=f"{top.name}{REPEAT_MARK}{k}", offset_days=top.offset_days + (k - 1) * top.repeat_days,
                       title=f"{top.heading} (reminder {k})")
               for k in range(2, REPEAT_HORIZON_DAYS // top.repeat_days + 2)]
    return (*ladder, *repeats)


CADENCE = "weekly"  # the rung of a contact's cadence row ('weekly-<date>'): nothing changed, still overdue


def rung_label(rung: str) -> str:
    """A ledger rung as reports group it: 'digest:<date>' -> 'digest', 'weekly-<date>' -> 'weekly'."""
    label = rung.split(":")[0]
    return CADENCE if label.startswith(f"{CADENCE}-") else label


def base_rung(name: str) -> str:
    """``escalation#3`` -> ``escalation``."""
    return name.split(REPEAT_MARK, 1)[0]


def rung_thresholds(ladder: tuple[Rung, ...], as_of: date) -> list[tuple[int, Rung, date]]:
    """(index, rung, the latest due date that has reached it on ``as_of``), highest rung first: rung
    i is reached once ``due <= as_of - offset_i`` (offsets strictly increase). The planner's SQL is
    built from these, so this is the rule it applies."""
    return [(i, rung, as_of - timedelta(days=rung.offset_days)) for i, rung in reversed(list(enumerate(ladder)))]


def rung_reached(ladder: tuple[Rung, ...], due: date, as_of: date) -> int:
    """Index of the highest rung reached on ``as_of`` by a clock due on ``due`` (-1 if none yet)."""
    return next((i for i, _, last in rung_thresholds(ladder, as_of) if due <= last), -1)


def _toml_table(env: dict[str, str]) -> dict:
    path = Path(env.get("EHCP_CONFIG", "ehcp.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return data.get("chase") or data.get("ehcp", {}).get("chase") or {}


def load_chase_config(env: dict[str, str] | None = None) -> ChaseConfig:
    """Defaults, then the ``[chase]`` table of ``ehcp.toml``, then environment overrides."""
    env = dict(os.environ if env is None else env)
    table = _toml_table(env)
    known = {f.name for f in fields(ChaseConfig)}
    unknown = set(table) - known
    if unknown:
        raise ValueError(f"unknown [chase] setting(s) in ehcp.toml: {', '.join(sorted(unknown))}")
    values: dict = dict(table)
    if "ladder" in values:
        values["ladder"] = tuple(Rung(**rung) for rung in values["ladder"])
    if "child_fields" in values:
        values["child_fields"] = tuple(values["child_fields"])
    config = ChaseConfig(**values)
    overrides: dict = {}
    if env.get("EHCP_CHASE_CRON"):
        overrides["chase_cron"] = env["EHCP_CHASE_CRON"]
    if env.get("EHCP_DIGEST_CRON"):
        overrides["digest_cron"] = env["EHCP_DIGEST_CRON"]
    if env.get("EHCP_CHASE_CHILD_FIELDS"):
        overrides["child_fields"] = tuple(f.strip() for f in env["EHCP_CHASE_CHILD_FIELDS"].split(",") if f.strip())
    if env.get("EHCP_NOTIFY_TEMPLATE_ID"):
        overrides["notify_templates"] = {**config.notify_templates, "default": env["EHCP_NOTIFY_TEMPLATE_ID"]}
    return replace(config, **overrides) if overrides else config

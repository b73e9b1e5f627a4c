"""What differs between kinds of night, as one interface: a ``NightKind`` strategy.

``ehcp.chase.night`` runs any kind the same way: plan (queue tonight's ledger rows), claim the
queued rows, build one ``Digest`` per recipient, deliver, record. A kind supplies only what
differs - which rows it queues and for whom, how a recipient's rows read as one message, and its
names in audit records, logs and artifacts. The two kinds are ``ehcp.chase.advice.ADVICE_CHASE``
(partners' overdue advice) and ``ehcp.chase.deadlines.DEADLINE_DIGEST`` (caseworkers and managers).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from ehcp.chase.config import ChaseConfig
from ehcp.notify.message import Message
from ehcp.store.ledger import Ledger


@dataclass
class NightPlan:
    """What one planning step queued: counts per (partner or audience, rung), no personal data."""

    kind: str
    as_of: date
    examined: int = 0
    unchanged: int = 0  # their rung (or a higher one) was already queued on an earlier run
    queued: Counter[tuple[str, str]] = field(default_factory=Counter)  # (group, rung) -> reminders queued now
    no_contact: Counter[str] = field(default_factory=Counter)  # group -> requests (people) with no e-mail address
    waiting: int = 0  # rows queued on earlier nights, still undelivered: this run retries them

    @property
    def total_queued(self) -> int:
        return sum(self.queued.values())

    def rows(self) -> list[dict[str, Any]]:
        return [{"group": g, "rung": r, "queued": n} for (g, r), n in sorted(self.queued.items())]

    def summary(self) -> dict[str, Any]:
        by_rung: Counter[str] = Counter()
        for (_, rung), n in self.queued.items():
            by_rung[rung] += n
        return {"kind": self.kind, "as_of": self.as_of.isoformat(), "examined": self.examined,
                "queued": self.total_queued, "by_rung": dict(sorted(by_rung.items())),
                "unchanged": self.unchanged, "no_contact": sum(self.no_contact.values()),
                "no_contact_by_group": dict(sorted(self.no_contact.items())), "retrying": self.waiting}


@dataclass(frozen=True)
class Digest:
    """One message and the ledger rows it delivers; ``counts`` = (group, rung, reminders)."""

    message: Message
    ledger_ids: tuple[int, ...]
    counts: tuple[tuple[str, str, int], ...]


class NightKind(Protocol):
    """One kind of nightly chase."""

    @property
    def name(self) -> str:
        """'advice' | 'caseworker': the command's, the audit's and the summary's word for it."""

    @property
    def subject_types(self) -> tuple[str, ...]:
        """The ledger rows this kind queues, claims and delivers."""

    @property
    def planned_action(self) -> str:
        """The audit action of its planning step."""

    @property
    def title(self) -> str:
        """'Chase advice': the heading of the CLI's table and of the artifact."""

    @property
    def audience(self) -> str:
        """The heading of the artifact's group column ('Partner', 'Audience')."""

    @property
    def artifact_key(self) -> str:
        """The Prefect artifact's key (a dry run's adds '-dry-run')."""

    def plan(self, ledger: Ledger, as_of: date, config: ChaseConfig) -> NightPlan:
        """Queue tonight's rows in the ledger (the caller's transaction); never queues a row twice."""
        ...

    def digests(self, ledger: Ledger, token: str, as_of: date,
                config: ChaseConfig) -> tuple[list[Digest], list[int]]:
        """One digest per recipient of the rows claimed by ``token``, and the ids of claimed rows
        that no longer need a message (to be marked 'skipped')."""
        ...

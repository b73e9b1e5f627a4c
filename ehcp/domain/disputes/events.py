"""Events of disagreement: appealable decisions, mediation (CFA 2014 s.52-55; regs 32-42), appeals
(HESC Rules r.20) and tribunal orders and unopposed appeals (regs 44-45)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ehcp.domain.machine.event import Event

# What a notice of decision with appeal rights is about (s.51(2)); placement-only appeals need no
# mediation certificate (s.55(1)-(2)).
DECISIONS = ("refusal_to_assess", "no_plan", "contents", "placement", "contents_and_placement",
             "no_amendment", "reassessment_refused", "cease")
NO_MEDIATION_NEEDED = frozenset({"placement"})
APPEAL_OUTCOMES = ("withdrawn", "struck_out", "dismissed")
# Tribunal orders (reg 44) and the clock limbs each one starts (statutory-timescales.md 8.3).
ORDER_LIMBS = {
    "assess": ("assess", "assessed_final"),
    "make_and_maintain": ("draft_plan", "final_plan"),
    "amend": ("amend",),
    "placement": ("placement",),
    "cease": ("cease",),
    "continue": ("continue",),
    "continue_amend": ("continue", "amend"),
    "remit": ("remit",),
}
# Unopposed appeals (reg 45) by what was appealed, and their limbs (statutory-timescales.md 8.4).
UNOPPOSED_LIMBS = {
    "assess": ("assess", "assessed_final"),
    "refusal_to_issue": ("draft_plan", "final_plan"),
    "contents": ("amend",),
    "placement": ("placement",),
    "contents_and_placement": ("amend",),
    "cease": ("continue",),
    "cease_amend": ("continue", "amend"),
}
LIMBS = ("assess", "no_plan", "assessed_final", "draft_plan", "final_plan", "amend", "placement", "cease",
         "continue", "remit", "agreement")


@dataclass(frozen=True)
class AppealableDecision(Event):
    """Written notice of a decision the family may appeal was sent on ``on`` (s.51; reg 32)."""

    kind: ClassVar[str] = "appealable_decision"
    same_day: ClassVar[int] = 320
    about: str = "contents"


@dataclass(frozen=True)
class MediationAdviserContacted(Event):
    """The parent or young person contacted the mediation adviser (reg 33)."""

    kind: ClassVar[str] = "mediation_adviser_contacted"
    same_day: ClassVar[int] = 330
    wants_mediation: bool = False


@dataclass(frozen=True)
class MediationRequested(Event):
    """The LA was told the parent or young person wishes to mediate (regs 35-37); ``health``: the
    mediation issues include health care provision, so each commissioning body must be told (regs 35-36)."""

    kind: ClassVar[str] = "mediation_requested"
    same_day: ClassVar[int] = 340
    health: bool = False


@dataclass(frozen=True)
class MediationIcbNotified(Event):
    """The LA told the commissioning body(ies) of the health care issues to be mediated (regs 35-36)."""

    kind: ClassVar[str] = "mediation_icb_notified"
    same_day: ClassVar[int] = 350


@dataclass(frozen=True)
class MediationUnavailable(Event):
    """The LA told the adviser it cannot arrange mediation within 30 days (regs 37-39)."""

    kind: ClassVar[str] = "mediation_unavailable"
    same_day: ClassVar[int] = 360


@dataclass(frozen=True)
class MediationConcluded(Event):
    """Mediation ended; ``agreement`` names the order it is treated as (reg 42), "other", or None."""

    kind: ClassVar[str] = "mediation_concluded"
    same_day: ClassVar[int] = 370
    agreement: str | None = None


@dataclass(frozen=True)
class MediationCertificateIssued(Event):
    """The mediation adviser issued the certificate (regs 34, 39); it can extend the appeal time."""

    kind: ClassVar[str] = "mediation_certificate_issued"
    same_day: ClassVar[int] = 380


@dataclass(frozen=True)
class AppealLodged(Event):
    """The Tribunal received the notice of appeal (HESC r.20); the plan is maintained meanwhile (s.45)."""

    kind: ClassVar[str] = "appeal_lodged"
    same_day: ClassVar[int] = 390


@dataclass(frozen=True)
class AppealConcluded(Event):
    """The appeal ended without an order the LA must carry out (withdrawn, struck out, dismissed)."""

    kind: ClassVar[str] = "appeal_concluded"
    same_day: ClassVar[int] = 420
    outcome: str = "withdrawn"


@dataclass(frozen=True)
class TribunalOrdered(Event):
    """The Tribunal made an order dated ``on`` (reg 44); ``order`` is one of ORDER_LIMBS."""

    kind: ClassVar[str] = "tribunal_ordered"
    same_day: ClassVar[int] = 410
    order: str = "amend"


@dataclass(frozen=True)
class AppealUnopposed(Event):
    """The LA told the Tribunal on ``on`` it will not oppose the appeal (reg 45); ``appeal`` is what
    was appealed (UNOPPOSED_LIMBS)."""

    kind: ClassVar[str] = "appeal_unopposed"
    same_day: ClassVar[int] = 400
    appeal: str = "contents"


@dataclass(frozen=True)
class OrderComplied(Event):
    """The LA did what an order, unopposed appeal or mediation agreement required (one limb)."""

    kind: ClassVar[str] = "order_complied"
    same_day: ClassVar[int] = 430
    limb: str = "amend"


EVENTS: tuple[type[Event], ...] = (
    AppealableDecision, MediationAdviserContacted, MediationRequested, MediationIcbNotified,
    MediationUnavailable, MediationConcluded, MediationCertificateIssued, AppealLodged, AppealConcluded,
    TribunalOrdered, AppealUnopposed, OrderComplied,
)

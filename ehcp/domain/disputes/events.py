"""Events of disagreement: appealable decisions, mediation (CFA 2014 s.52-55; regs 32-42), appeals
(HESC Rules r.20) and tribunal orders and unopposed appeals (regs 44-45)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

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
# Orders and unopposed appeals that reopen a case closed as not assessed or no plan, and the stage the case
# then stands in: the LA must now assess (reg 44(2)(b), 45(3)) or prepare the draft plan it must issue within
# 5 weeks (reg 44(2)(c), 45(6)); in ehcp's stages both are "assessment" (no draft sent yet).
REOPENING = {
    "not_assessed": frozenset({"assess"}),
    "no_plan": frozenset({"make_and_maintain", "refusal_to_issue"}),
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
class AgreementItem:
    """One item of a mediation agreement recorded in writing (reg 42(1)).

    ``what`` is an order kind (ORDER_LIMBS) for a matter the family could appeal, carried out within the
    reg 44 limits as if ordered (reg 42(2)), or "other" for anything else the LA or commissioning body
    agreed to do, within 2 weeks (reg 42(3)); ``by`` is a different date the parties agreed in writing
    (reg 42(5)); ``text`` says what was agreed (free text, kept short).
    """

    what: str
    by: date | None = None
    text: str | None = None

    @property
    def appealable(self) -> bool:
        """A matter the family could have appealed to the Tribunal (reg 42(2)), not "other" (reg 42(3))."""
        return self.what != AGREEMENT_OTHER

    def to_payload(self) -> dict[str, Any]:
        return {"what": self.what, "by": self.by.isoformat() if self.by else None, "text": self.text,
                "appealable": self.appealable}

    @classmethod
    def from_payload(cls, value: object) -> AgreementItem:
        """An item as stored (a dict), or already built."""
        if isinstance(value, AgreementItem):
            return value
        data = dict(value) if isinstance(value, dict) else {"what": str(value)}
        by = data.get("by")
        return cls(str(data.get("what")), date.fromisoformat(by) if isinstance(by, str) else by, data.get("text"))


AGREEMENT_OTHER = "other"


@dataclass(frozen=True)
class MediationConcluded(Event):
    """Mediation ended; ``agreement`` names the order a one-item agreement is treated as (reg 42), "other",
    or None; ``items`` the items of an agreement with several (each AgreementItem, its own clock)."""

    kind: ClassVar[str] = "mediation_concluded"
    same_day: ClassVar[int] = 370
    agreement: str | None = None
    # several items are recorded with 'ehcp mediation concluded --item'; a CSV import reads ``agreement`` only
    items: tuple[AgreementItem, ...] = field(default=(), metadata={"import": False})

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(AgreementItem.from_payload(i) for i in self.items or ()))

    def agreed(self) -> tuple[AgreementItem, ...]:
        """Every item agreed: ``items``, or the one ``agreement`` of the single-item form."""
        if self.items:
            return self.items
        return (AgreementItem(self.agreement),) if self.agreement is not None else ()

    def to_payload(self) -> dict[str, Any]:
        return {"agreement": self.agreement, "items": [i.to_payload() for i in self.items]}


@dataclass(frozen=True)
class MediationCertificateIssued(Event):
    """The mediation adviser issued the certificate (regs 34, 39); it can extend the appeal time."""

    kind: ClassVar[str] = "mediation_certificate_issued"
    same_day: ClassVar[int] = 380


@dataclass(frozen=True)
class AppealLodged(Event):
    """The Tribunal received the notice of appeal (HESC r.20); the plan is maintained meanwhile (s.45).

    ``la_received``: the day the LA received the copy of the notice from the Tribunal, which starts its
    response period (HESC r.21(1)); unknown, the day the appeal was lodged (the earliest it can be).
    ``response_by``: a date the Tribunal directed for the response (r.12(3)(b), (4): then no counting).
    """

    kind: ClassVar[str] = "appeal_lodged"
    same_day: ClassVar[int] = 390
    la_received: date | None = None
    response_by: date | None = None


@dataclass(frozen=True)
class AppealResponseSent(Event):
    """The LA sent its response to the appeal to the Tribunal (HESC r.21(1), (5))."""

    kind: ClassVar[str] = "appeal_response_sent"
    same_day: ClassVar[int] = 395


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
class ReopenedByOrder(Event):
    """A case closed as not assessed or no plan reopened on ``on`` because the Tribunal ordered (reg 44),
    or the LA no longer opposed (reg 45), an assessment or a plan; ``order`` is the order or appeal kind."""

    kind: ClassVar[str] = "reopened_by_order"
    same_day: ClassVar[int] = 415
    order: str = "assess"


@dataclass(frozen=True)
class OrderComplied(Event):
    """The LA did what an order, unopposed appeal or mediation agreement required (one limb)."""

    kind: ClassVar[str] = "order_complied"
    same_day: ClassVar[int] = 430
    limb: str = "amend"


EVENTS: tuple[type[Event], ...] = (
    AppealableDecision, MediationAdviserContacted, MediationRequested, MediationIcbNotified,
    MediationUnavailable, MediationConcluded, MediationCertificateIssued, AppealLodged, AppealResponseSent,
    AppealConcluded, TribunalOrdered, ReopenedByOrder, AppealUnopposed, OrderComplied,
)

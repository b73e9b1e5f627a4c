"""Partner organisations that give advice (EP service, health, social care, schools...)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ehcp.domain.vocabulary import ADVICE_KINDS
from ehcp.services.context import ServiceContext
from ehcp.services.errors import NotFound, Refused
from ehcp.store.models import Partner
from ehcp.store.uow import UnitOfWork

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PartnerView:
    name: str
    advice_kinds: str | None
    contact_name: str | None
    email: str | None
    escalation_email: str | None
    active: bool = True


def check_email(value: str | None, what: str) -> str | None:
    if value is not None and not _EMAIL.match(value):
        raise Refused(f"{what} {value!r} is not an e-mail address")
    return value


def check_kinds(kinds: list[str]) -> list[str]:
    for kind in kinds:
        check_advice_kind(kind)
    return kinds


def check_advice_kind(kind: str) -> str:
    if kind not in ADVICE_KINDS:
        raise Refused(f"unknown advice kind {kind!r}; kinds are {', '.join(ADVICE_KINDS)}")
    return kind


def find_partner(uow: UnitOfWork, name: str) -> Partner:
    partner = uow.partners.get(name)
    if partner is None:
        names = uow.partners.names()
        near = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else "; add it with 'ehcp partner add'"
        raise NotFound(f"unknown partner {name!r}{hint}")
    return partner


def _view(p: Partner) -> PartnerView:
    return PartnerView(p.name, p.advice_kinds, p.contact_name, p.email, p.escalation_email, p.active is not False)


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
        raise Refused("partner name must be 1-200 printable characters")
    return name


def add_partner(ctx: ServiceContext, name: str, *, email: str | None = None,
                escalation_email: str | None = None, kinds: list[str] | None = None,
                contact_name: str | None = None) -> PartnerView:
    name = check_name(name)
    check_email(email, "--email")
    check_email(escalation_email, "--escalation-email")
    check_kinds(kinds or [])
    with ctx.uow() as uow:
        if uow.partners.get(name) is not None:
            raise Refused(f"partner {name!r} already exists")
        partner = uow.partners.add(Partner(name=name, email=email, escalation_email=escalation_email,
                                           advice_kinds=",".join(kinds) if kinds else None,
                                           contact_name=contact_name))
        uow.audit.append(actor=ctx.actor, action="partner_added", detail={"partner": name, "kinds": kinds or []})
        uow.commit()
        return _view(partner)


def list_partners(ctx: ServiceContext) -> list[PartnerView]:
    with ctx.uow(write=False) as uow:
        return [_view(p) for p in uow.partners.all()]


def show_partner(ctx: ServiceContext, name: str) -> PartnerView:
    with ctx.uow(write=False) as uow:
        return _view(find_partner(uow, name))


def usable_partner(uow: UnitOfWork, name: str) -> Partner:
    """The partner called ``name`` for a new advice request: refused if deactivated."""
    partner = find_partner(uow, name)
    if partner.active is False:
        raise Refused(f"partner {partner.name!r} is deactivated: ask another partner, or reactivate it "
                      f"with 'ehcp partner reactivate'")
    return partner


CLEARED = ("none", "")


def edit_partner(ctx: ServiceContext, name: str, *, new_name: str | None = None, email: str | None = None,
                 escalation_email: str | None = None, kinds: list[str] | None = None,
                 contact_name: str | None = None, reason: str | None = None) -> list[dict]:
    """``ehcp partner edit``: correct a partner's name, contacts or advice kinds; returns the changes
    as ``{"field", "before", "after"}`` (audited). "none" clears an e-mail, contact or the kinds.
    Its advice requests follow it (they point at the partner, not its name)."""
    if all(v is None for v in (new_name, email, escalation_email, kinds, contact_name)):
        raise Refused("nothing to change: give --name, --email, --escalation-email, --kind or --contact")

    def cleared(value: str | None) -> str | None:
        return None if value is None or value.strip().lower() in CLEARED else value.strip()

    wanted: dict[str, str | None] = {}
    if new_name is not None:
        wanted["name"] = check_name(new_name)
    if email is not None:
        wanted["email"] = check_email(cleared(email), "--email")
    if escalation_email is not None:
        wanted["escalation_email"] = check_email(cleared(escalation_email), "--escalation-email")
    if kinds is not None:
        listed = [k for k in kinds if k.strip().lower() not in CLEARED]
        wanted["advice_kinds"] = ",".join(check_kinds(listed)) or None
    if contact_name is not None:
        wanted["contact_name"] = cleared(contact_name)
    with ctx.uow() as uow:
        partner = find_partner(uow, name)
        diff = [{"field": k, "before": getattr(partner, k), "after": v} for k, v in wanted.items()
                if getattr(partner, k) != v]
        if not diff:
            raise Refused(f"partner {partner.name!r}: nothing to change (the record already says so)")
        if "name" in wanted and wanted["name"] != partner.name and uow.partners.get(str(wanted["name"])):
            raise Refused(f"partner {wanted['name']!r} already exists")
        for key, value in wanted.items():
            setattr(partner, key, value)
        uow.partners.flush()
        uow.audit.append(actor=ctx.actor, action="partner_edited", reason=reason,
                         detail={"partner": partner.name, "changes": diff})
        uow.commit()
    return diff


def set_partner_active(ctx: ServiceContext, name: str, *, active: bool, reason: str) -> PartnerView:
    """``ehcp partner deactivate`` / ``reactivate``, audited with the reason. A deactivated partner
    cannot be asked for new advice and is no longer chased; its requests, answered or still
    outstanding, stay on the cases (listed for the caseworker, their deadlines kept)."""
    if not reason or not reason.strip():
        raise Refused("say why (--reason)")
    with ctx.uow() as uow:
        partner = find_partner(uow, name)
        if (partner.active is not False) == active:
            raise Refused(f"partner {partner.name!r} is already {'active' if active else 'deactivated'}")
        partner.active = active
        uow.partners.flush()
        uow.audit.append(actor=ctx.actor, action="partner_reactivated" if active else "partner_deactivated",
                         reason=reason.strip(), detail={"partner": partner.name})
        uow.commit()
        return _view(partner)

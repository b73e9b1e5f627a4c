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
    return PartnerView(p.name, p.advice_kinds, p.contact_name, p.email, p.escalation_email)


def add_partner(ctx: ServiceContext, name: str, *, email: str | None = None,
                escalation_email: str | None = None, kinds: list[str] | None = None,
                contact_name: str | None = None) -> PartnerView:
    name = " ".join(name.split())
    if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
        raise Refused("partner name must be 1-200 printable characters")
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

"""``ehcp mediation|appeal|tribunal ...``: mediation (CFA 2014 s.52-55; regs 32-42), appeals (HESC
Rules r.20, r.12) and tribunal orders and unopposed appeals (regs 44-45)."""

from __future__ import annotations

from typing import Optional

import typer

from cli.common import SHOW_FORMAT_OPTION, context, parse_date, refusals
from cli.lifecycle_render import show
from cli.output import Format

mediation_app = typer.Typer(help="Mediation: adviser contact, certificates, 30-day arrangement, telling the "
                                 "commissioning bodies of health issues, agreements (SEND Regulations 2014 "
                                 "regs 32-42).", no_args_is_help=True)
appeal_app = typer.Typer(help="Appealable decisions and appeals to the First-tier Tribunal (SEND) (HESC Rules "
                              "2008 r.20, r.12).", no_args_is_help=True)
tribunal_app = typer.Typer(help="Tribunal orders (reg 44) and unopposed appeals (reg 45).", no_args_is_help=True)

REF = typer.Argument(..., help="Case reference, e.g. EHC-2025-00042.")
ON = typer.Option(..., "--on", help="Date it happened, YYYY-MM-DD.")
DECISIONS = ("refusal_to_assess, no_plan, contents, placement, contents_and_placement, no_amendment, "
             "reassessment_refused or cease")
ORDERS = "assess, make_and_maintain, amend, placement, cease, continue, continue_amend or remit"
APPEALS = "assess, refusal_to_issue, contents, placement, contents_and_placement, cease or cease_amend"
LIMBS = ("assess, no_plan, assessed_final, draft_plan, final_plan, amend, placement, cease, continue, remit "
         "or agreement")


def _day(value: str, what: str = "--on"):  # noqa: ANN202
    return parse_date(value, what)


@appeal_app.command("decision")
@refusals
def decision(reference: str = REF, sent: str = typer.Option(..., "--sent", help="Date the decision notice was sent."),
             about: str = typer.Option(..., "--about", help=f"What it decided: {DECISIONS}."),
             fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record an appealable decision: the appeal and mediation-contact windows start.

    Appeal deadline: 2 months (HESC r.20), rolled on by r.12 and the Christmas/August rule;
    mediation adviser contact: 2 months (reg 33). Decisions to cease, not to amend and not to
    re-assess open this window by themselves.

    Example: ehcp appeal decision EHC-2025-00042 --sent 2025-10-24 --about contents
    """
    from ehcp.services.lifecycle_disputes import record_decision

    show(record_decision(context(), reference, sent=_day(sent, "--sent"), about=about), fmt,
         f"appealable decision ({about}) recorded")


@appeal_app.command("lodged")
@refusals
def lodged(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the Tribunal received the appeal."),
           fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the appeal: a plan under a decision to cease is kept until it is determined (s.45).

    Example: ehcp appeal lodged EHC-2025-00042 --on 2026-01-20
    """
    from ehcp.services.lifecycle_disputes import appeal_lodged

    show(appeal_lodged(context(), reference, on=_day(on)), fmt, "appeal lodged")


@appeal_app.command("concluded")
@refusals
def concluded(reference: str = REF, on: str = ON,
              outcome: str = typer.Option("withdrawn", "--outcome", help="withdrawn, struck_out or dismissed."),
              fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record an appeal ending without an order to carry out (withdrawn, struck out, dismissed).

    Example: ehcp appeal concluded EHC-2025-00042 --on 2026-03-01 --outcome withdrawn
    """
    from ehcp.services.lifecycle_disputes import appeal_concluded

    show(appeal_concluded(context(), reference, on=_day(on), outcome=outcome), fmt, f"appeal {outcome}")


@mediation_app.command("contacted")
@refusals
def contacted(reference: str = REF, on: str = ON,
              wants: bool = typer.Option(..., "--wants-mediation/--no-mediation",
                                         help="Whether the family wishes to mediate."),
              fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the family contacting the mediation adviser (within 2 months, reg 33).

    Declining mediation: the certificate is due within 3 working days (reg 34; G39).

    Example: ehcp mediation contacted EHC-2025-00042 --on 2025-12-23 --no-mediation
    """
    from ehcp.services.lifecycle_disputes import adviser_contacted

    show(adviser_contacted(context(), reference, on=_day(on), wants_mediation=wants), fmt, "mediation adviser contacted")


@mediation_app.command("requested")
@refusals
def requested(reference: str = typer.Argument(...), on: str = typer.Option(..., "--on", help="Date the LA was told."),
              health: bool = typer.Option(False, "--health", help="The mediation issues include health care "
                                          "provision: tell each commissioning body within 3 working days."),
              fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record that the LA was told the family wishes to mediate: within 30 days (G43; Policy Q12).

    With --health the LA must also tell each commissioning body (ICB) within 3 working days (regs 35-36).

    Example: ehcp mediation requested EHC-2025-00042 --on 2026-01-12 --health
    """
    from ehcp.services.lifecycle_disputes import mediation_requested

    show(mediation_requested(context(), reference, on=_day(on), health=health), fmt, "mediation requested")


@mediation_app.command("icb-notified")
@refusals
def icb_notified(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the LA told the commissioning "
                                                                                "body(ies)."),
                 fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record telling the commissioning body(ies) of the health care issues to mediate (regs 35-36).

    Settles mediation_icb_notice (3 working days from being told the issues).

    Example: ehcp mediation icb-notified EHC-2025-00042 --on 2026-01-14
    """
    from ehcp.services.lifecycle_disputes import mediation_icb_notified

    show(mediation_icb_notified(context(), reference, on=_day(on)), fmt, "commissioning bodies told")


@mediation_app.command("unavailable")
@refusals
def unavailable(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record telling the adviser mediation cannot be arranged in 30 days: certificate in 3 working days.

    Example: ehcp mediation unavailable EHC-2025-00042 --on 2026-02-05
    """
    from ehcp.services.lifecycle_disputes import mediation_unavailable

    show(mediation_unavailable(context(), reference, on=_day(on)), fmt, "mediation cannot be arranged")


@mediation_app.command("concluded")
@refusals
def mediation_concluded(reference: str = REF, on: str = ON,
                        agreement: Optional[str] = typer.Option(None, "--agreement", help=f"An agreement treated as "
                                                                f"an order ({ORDERS}), or other (2 weeks)."),
                        fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the end of mediation: certificate within 3 working days (G43).

    An agreement is carried out as if it were a tribunal order of that kind (reg 42).

    Example: ehcp mediation concluded EHC-2025-00042 --on 2026-02-10 --agreement amend
    """
    from ehcp.services.lifecycle_disputes import mediation_concluded as run

    show(run(context(), reference, on=_day(on), agreement=agreement), fmt, "mediation concluded")


@mediation_app.command("certificate")
@refusals
def certificate(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the certificate was issued."),
                fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the mediation certificate: the appeal may be brought until a month after it, if later.

    Example: ehcp mediation certificate EHC-2025-00042 --on 2025-12-30
    """
    from ehcp.services.lifecycle_disputes import certificate_issued

    show(certificate_issued(context(), reference, on=_day(on)), fmt, "mediation certificate issued")


@tribunal_app.command("order")
@refusals
def order(reference: str = REF, on: str = typer.Option(..., "--on", help="Date of the order."),
          kind: str = typer.Option(..., "--kind", help=f"The order: {ORDERS}."),
          fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record a tribunal order: the reg 44 clocks of each of its limbs start from its date (G46, G49).

    Example: ehcp tribunal order EHC-2025-00042 --on 2026-07-13 --kind make_and_maintain
    """
    from ehcp.services.lifecycle_disputes import tribunal_order

    show(tribunal_order(context(), reference, on=_day(on), order=kind), fmt, f"tribunal order: {kind}")


@tribunal_app.command("unopposed")
@refusals
def unopposed(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the LA told the Tribunal."),
              appeal: str = typer.Option(..., "--appeal", help=f"What was appealed: {APPEALS}."),
              fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record that the LA told the Tribunal it will not oppose the appeal (reg 45).

    Clocks run from that date; before SI 2015/359 (Policy Q21) the reg 45 as made applies.

    Example: ehcp tribunal unopposed EHC-2025-00042 --on 2026-04-20 --appeal contents
    """
    from ehcp.services.lifecycle_disputes import appeal_unopposed

    show(appeal_unopposed(context(), reference, on=_day(on), appeal=appeal), fmt, f"appeal unopposed: {appeal}")


@tribunal_app.command("complied")
@refusals
def complied(reference: str = REF, on: str = ON,
             limb: str = typer.Option(..., "--limb", help=f"What was done: {LIMBS}."),
             fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record doing what an order, unopposed appeal or mediation agreement required.

    An amended plan ('review amended-plan') settles amend and placement limbs by itself.

    Example: ehcp tribunal complied EHC-2025-00042 --on 2026-08-10 --limb draft_plan
    """
    from ehcp.services.lifecycle_disputes import order_complied

    show(order_complied(context(), reference, on=_day(on), limb=limb), fmt, f"complied: {limb}")

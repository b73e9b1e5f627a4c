"""``ehcp advice ...`` and ``ehcp partner ...``: advice requests and the partners who give advice.

Services are imported inside the commands: they load the ORM (about a second), which no other
command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, parse_date, refusals, settings
from cli.output import (
    FORMAT_OPTION,
    SHOW_FORMAT_OPTION,
    Format,
    emit,
    emit_json,
    emit_recorded,
    info,
    output_options,
    rag_style,
)
from ehcp.domain.deadlines import DUE_SOON, OPEN

advice_app = typer.Typer(help="Advice requested from partners (reg 6) and received (reg 8: 6 weeks).",
                         no_args_is_help=True)
partner_app = typer.Typer(help="Partner organisations that give advice.", no_args_is_help=True)

KIND_HELP = "parent, educational, medical, psychological, social_care or other"


@advice_app.command("request")
@refusals
def request(
    reference: str = typer.Argument(...),
    kind: str = typer.Option(..., "--kind", help=f"Advice kind: {KIND_HELP}."),
    partner: str | None = typer.Option(None, "--partner",
                                       help="Partner organisation asked (not needed for parent advice)."),
    on: str = typer.Option(..., "--on", help="Date the request was sent."),
    received_by_body: str | None = typer.Option(
        None, "--received-by-body", help="Date the body received it, if known (else deemed from --channel)."),
    channel: str = typer.Option("email", "--channel",
                                help="email, hand, portal, first_class_post or second_class_post."),
) -> None:
    """Record an advice request; the body's 6 weeks run from its receipt (reg 8(1)).

    Example: ehcp advice request EHC-2025-00042 --kind psychological --partner "EP Service" --on 2025-04-14
    """
    from ehcp.services.advice import ask_for_advice

    asked = ask_for_advice(context(), reference, kind=kind, partner=partner, on=parse_date(on, "--on"),
                           received_by_body=parse_date(received_by_body, "--received-by-body"), channel=channel)
    info(f"{reference.upper()}: {kind} advice requested{' from ' + partner if partner else ''}")
    for warning in asked.warnings:
        info(f"warning: {warning}")


@advice_app.command("received")
@refusals
def received(
    reference: str = typer.Argument(...),
    kind: str = typer.Option(..., "--kind", help=f"Advice kind: {KIND_HELP}."),
    on: str = typer.Option(..., "--on", help="Date the advice was received."),
    partner: str | None = typer.Option(
        None, "--partner", help="The partner who sent it (when several requests of the kind are open)."),
    request_id: int | None = typer.Option(
        None, "--request-id", help="The request it answers (when several are open)."),
) -> None:
    """Record that requested advice has arrived.

    When more than one request of the kind is open it names them and asks for --partner or --request-id.
    """
    from ehcp.services.advice import receive_advice

    receive_advice(context(), reference, kind=kind, on=parse_date(on, "--on"), partner=partner,
                   request_id=request_id)
    info(f"{reference.upper()}: {kind} advice received")


@advice_app.command("cancel")
@refusals
def cancel(
    reference: str = typer.Argument(...),
    kind: str = typer.Argument(..., help=f"Advice kind: {KIND_HELP}."),
    reason: str = typer.Option(..., "--reason", help="Why the request was made in error (kept in the audit trail)."),
    partner: str | None = typer.Option(
        None, "--partner", help="The partner asked (when several requests of the kind are open)."),
    request_id: int | None = typer.Option(
        None, "--request-id", help="The request to cancel (when several are open)."),
    on: str | None = typer.Option(None, "--on", help="Date of the cancellation (default: today)."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Cancel an advice request made in error: its 6-week deadline no longer applies and it is not chased.

    The request stays in the case's history; the cancellation and its reason are audited.

    Example: ehcp advice cancel EHC-2025-00042 medical --partner "Community Paediatrics" --reason "asked twice"
    """
    from ehcp.services.advice import cancel_advice

    ctx = context()
    result = cancel_advice(ctx, reference, kind=kind, reason=reason, on=parse_date(on, "--on"),
                           partner=partner, request_id=request_id)
    emit_recorded(result, fmt, f"{kind} advice request cancelled", due_soon_days=ctx.settings.due_soon_days)


@advice_app.command("revoke-links")
@refusals
def revoke_links(
    reference: str = typer.Argument(...),
    kind: str | None = typer.Option(None, "--kind", help=f"Only requests of this kind: {KIND_HELP}."),
) -> None:
    """Withdraw the advice-return links already sent for a case's requests (e.g. sent to a wrong address).

    A withdrawn link shows the partner a 'withdrawn' page and records nothing; the next digest carries a
    fresh link. Audited.
    """
    from ehcp.services.advice_portal import revoke_links as revoke

    count = revoke(context(), reference, kind=kind)
    info(f"{reference.upper()}: advice links withdrawn for {count} request{'s' if count != 1 else ''}")


@advice_app.command("list")
@refusals
@output_options()
def list_(
    overdue: bool = typer.Option(False, "--overdue", help="Only requests past their 6-week date."),
    partner: str | None = typer.Option(None, "--partner", help="Only this partner."),
    reference: str | None = typer.Option(None, "--case", help="Only this case."),
    outstanding: bool = typer.Option(False, "--outstanding", help="Only requests not yet answered."),
    received_via: str | None = typer.Option(None, "--received-via",
                                            help="Only advice received this way: portal (its advice link)."),
    fmt: Format = Format.table,
) -> None:
    """List advice requests with their due dates and status."""
    from ehcp.services.advice_views import list_advice

    cfg = settings()
    rows = list_advice(cfg, overdue=overdue, partner=partner, reference=reference, outstanding=outstanding,
                       received_via=received_via)
    emit(rows, ["reference", "kind", "partner", "requested_on", "received_by_body_on", "due", "received_on",
                "status", "days_overdue"], fmt, key="advice", title=f"Advice requests ({len(rows)})",
         # coloured when overdue or settled only: a list of mostly open requests stays plain
         row_style=lambda r: rag_style(r["status"] if r["status"] not in (OPEN, DUE_SOON) else None))


@partner_app.command("add")
@refusals
def add(
    name: str = typer.Argument(..., help="Organisation name, e.g. 'Educational Psychology Service'."),
    email: str | None = typer.Option(None, "--email", help="Contact e-mail for advice requests and chasers."),
    escalation_email: str | None = typer.Option(None, "--escalation-email",
                                                help="Service manager or designated officer for escalations."),
    kind: list[str] | None = typer.Option(None, "--kind", help=f"Advice kind(s) it gives: {KIND_HELP}."),
    contact: str | None = typer.Option(None, "--contact", help="Contact person's name."),
) -> None:
    """Add a partner organisation."""
    from ehcp.services.partners import add_partner

    partner = add_partner(context(), name, email=email, escalation_email=escalation_email,
                          kinds=list(kind or []), contact_name=contact)
    info(f"partner added: {partner.name}")


@partner_app.command("edit")
@refusals
def edit(
    name: str = typer.Argument(..., help="The partner's name as it is now."),
    new_name: str | None = typer.Option(None, "--name", help="A new name (its advice requests follow it)."),
    email: str | None = typer.Option(None, "--email", help="Contact e-mail ('none' to clear)."),
    escalation_email: str | None = typer.Option(None, "--escalation-email",
                                                help="Escalation e-mail ('none' to clear)."),
    kind: list[str] | None = typer.Option(None, "--kind", help=f"Advice kind(s) it gives, replacing the list: "
                                                               f"{KIND_HELP} ('none' to clear)."),
    contact: str | None = typer.Option(None, "--contact", help="Contact person's name ('none' to clear)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Correct a partner's name, contacts or advice kinds; prints each field before and after (audited)."""
    from ehcp.services.partners import edit_partner

    changes = edit_partner(context(), name, new_name=new_name, email=email, escalation_email=escalation_email,
                           kinds=list(kind) if kind else None, contact_name=contact, reason=reason)
    info(f"partner edited: {new_name or name}")
    if fmt is Format.table:  # words on screen; JSON and CSV keep the keys
        from ehcp.domain.labels import words

        changes = [{**c, "field": words(c["field"])} for c in changes]
    emit(changes, ["field", "before", "after"], fmt, key="changes", extra={"partner": new_name or name},
         title=f"Partner {new_name or name}")


@partner_app.command("deactivate")
@refusals
def deactivate(
    name: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why, e.g. 'service recommissioned' (audit trail)."),
) -> None:
    """A partner that no longer gives advice: it cannot be asked for new advice and is no longer chased.

    Its history stays: requests it answered, and requests still outstanding, which stay on the case's
    list and deadlines for the caseworker to settle (advice received, or cancel and ask someone else).
    """
    from ehcp.services.partners import set_partner_active

    partner = set_partner_active(context(), name, active=False, reason=reason)
    info(f"partner deactivated: {partner.name}")


@partner_app.command("reactivate")
@refusals
def reactivate(
    name: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Let a deactivated partner be asked for advice (and chased) again."""
    from ehcp.services.partners import set_partner_active

    partner = set_partner_active(context(), name, active=True, reason=reason)
    info(f"partner reactivated: {partner.name}")


@partner_app.command("list")
@refusals
@output_options()
def partners(fmt: Format = Format.table) -> None:
    """List partner organisations."""
    from ehcp.services.partners import list_partners

    rows = [p.__dict__ for p in list_partners(context())]
    emit(rows, ["name", "advice_kinds", "contact_name", "email", "escalation_email", "active"], fmt, key="partners",
         title="Partners")


@partner_app.command("show")
@refusals
@output_options(listing=False)
def show(name: str = typer.Argument(...), fmt: Format = Format.table) -> None:
    """Show one partner organisation."""
    from ehcp.services.partners import show_partner

    partner = show_partner(context(), name).__dict__
    if fmt is Format.json:
        emit_json(partner)
    else:
        for key, value in partner.items():
            typer.echo(f"{key.replace('_', ' ')}: {value or '-'}")

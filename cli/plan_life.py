"""``ehcp reassess|cease|transfer ...``: re-assessment (regs 24-27), ceasing (s.45, reg 31) and
transfers between local authorities (reg 15)."""

from __future__ import annotations

from typing import Optional

import typer

from cli.common import SHOW_FORMAT_OPTION, context, parse_date, refusals
from cli.lifecycle_render import show
from cli.output import Format
from ehcp.domain.vocabulary import CHANNELS as CHANNEL_NAMES

reassess_app = typer.Typer(help="Re-assessment of a plan (CFA 2014 s.44(2); SEND Regulations 2014 regs 24-27).",
                           no_args_is_help=True)
cease_app = typer.Typer(help="Ceasing to maintain a plan (CFA 2014 s.45; SEND Regulations 2014 reg 31).",
                        no_args_is_help=True)
transfer_app = typer.Typer(help="Plans moving between local authorities (SEND Regulations 2014 reg 15).",
                           no_args_is_help=True)

REF = typer.Argument(..., help="Case reference, e.g. EHC-2025-00042.")
ON = typer.Option(..., "--on", help="Date it happened, YYYY-MM-DD.")
CHANNELS = f"{', '.join(CHANNEL_NAMES[:-1])} or {CHANNEL_NAMES[-1]}"


@reassess_app.command("request")
@refusals
def reassess_request(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the request was received."),
                     source: str = typer.Option("parent", "--source", help="parent, young_person, school or "
                                                "commissioning_body."),
                     fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record a request for a re-assessment: the decision is due in 15 days (reg 25(1); G35).

    Example: ehcp reassess request EHC-2025-00042 --on 2026-01-12
    """
    from ehcp.services.lifecycle_reassess import request_reassessment

    show(request_reassessment(context(), reference, on=parse_date(on, "--on"), source=source), fmt,
         "re-assessment requested")


@reassess_app.command("decide")
@refusals
def reassess_decide(
    reference: str = REF,
    agree: bool = typer.Option(..., "--agree/--refuse", help="Whether the LA will re-assess."),
    on: str = typer.Option(..., "--on", help="Date the decision was notified."),
    ground: str = typer.Option("not_necessary", "--ground", help="With --refuse: not_necessary, or within_6_months "
                               "(assessed in the 6 months before the request, reg 24)."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Notify whether the LA will re-assess (within 15 days of the request, reg 25(1)).

    Agreeing starts the 14 weeks for the plan (reg 27(2)); refusing opens the appeal window.
    --agree with no request: a re-assessment of the LA's own motion.

    Example: ehcp reassess decide EHC-2025-00042 --agree --on 2026-01-27
    """
    from ehcp.services.lifecycle_reassess import decide_reassessment

    result = decide_reassessment(context(), reference, agree=agree, on=parse_date(on, "--on"), ground=ground)
    show(result, fmt, "will re-assess" if agree else "re-assessment refused")


@reassess_app.command("draft")
@refusals
def reassess_draft(reference: str = REF, on: str = ON,
                   channel: str = typer.Option("email", "--channel", help=f"{CHANNELS}."),
                   served_on: Optional[str] = typer.Option(None, "--served-on", help="Proven date of service."),
                   fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the draft plan after re-assessment: 15 days for representations (reg 13(1) via 27(2)).

    Example: ehcp reassess draft EHC-2025-00042 --on 2026-04-01
    """
    from ehcp.services.lifecycle_reassess import send_reassessment_draft

    show(send_reassessment_draft(context(), reference, on=parse_date(on, "--on"), channel=channel,
                                 served_on=parse_date(served_on, "--served-on")), fmt, "draft after re-assessment sent")


@reassess_app.command("plan")
@refusals
def reassess_plan(reference: str = REF, on: str = ON,
                  no_change: bool = typer.Option(False, "--no-change", help="The LA decided not to change the plan "
                                                 "(appealable)."),
                  fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the final plan after re-assessment (within 14 weeks of the decision, reg 27(2)).

    Example: ehcp reassess plan EHC-2025-00042 --on 2026-04-20
    """
    from ehcp.services.lifecycle_reassess import conclude_reassessment

    outcome = "no_change" if no_change else "plan_issued"
    show(conclude_reassessment(context(), reference, on=parse_date(on, "--on"), outcome=outcome), fmt,
         f"re-assessment concluded: {outcome.replace('_', ' ')}")


@cease_app.command("consult")
@refusals
def cease_consult(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record informing and consulting the family and the setting about ceasing (reg 31(1)).

    Example: ehcp cease consult EHC-2025-00042 --on 2026-01-05
    """
    from ehcp.services.lifecycle_cease import consult_on_ceasing

    show(consult_on_ceasing(context(), reference, on=parse_date(on, "--on")), fmt, "consulted about ceasing")


@cease_app.command("notice")
@refusals
def cease_notice(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the decision was sent."),
                 reason: str = typer.Option("other", "--reason", help="SEN2 reason: max_age, needs_met, "
                                            "higher_education, employment, no_longer_engaging, "
                                            "moved_outside_england, deceased or other."),
                 fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Notify the decision to cease (s.45) and print the first day the plan may cease.

    That is the day after the appeal deadline (HESC r.20, r.12, with the Christmas and August rule).

    Example: ehcp cease notice EHC-2025-00042 --on 2026-02-02 --reason needs_met
    """
    from ehcp.services.lifecycle_cease import notify_cease

    show(notify_cease(context(), reference, on=parse_date(on, "--on"), reason=reason), fmt, "decision to cease sent")


@cease_app.command("plan")
@refusals
def cease_plan(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the plan ceased."),
               reason: Optional[str] = typer.Option(None, "--reason", help="deceased: the plan ends at once."),
               fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record that the plan ceased; the case closes.

    Refused before the appeal period ends or while an appeal is pending (s.45).

    Example: ehcp cease plan EHC-2025-00042 --on 2026-04-03
    """
    from ehcp.services.lifecycle_cease import cease_plan as run

    show(run(context(), reference, on=parse_date(on, "--on"), reason=reason), fmt, "plan ceased")


@transfer_app.command("in")
@refusals
def transfer_in(
    child: str = typer.Option(..., "--child", help="The child's or young person's name."),
    dob: str = typer.Option(..., "--dob", help="Date of birth, YYYY-MM-DD."),
    on: str = typer.Option(..., "--on", help="Date the plan transferred (the day of the move, reg 15(2))."),
    from_la: Optional[str] = typer.Option(None, "--from-la", help="The authority it came from."),
    plan_made: Optional[str] = typer.Option(None, "--plan-made", help="Date the plan was first made."),
    last_review: Optional[str] = typer.Option(None, "--last-review", help="Date the old LA last reviewed it."),
    year_group: Optional[int] = typer.Option(None, "--year-group", help="National curriculum year (NCY)."),
    upn: Optional[str] = typer.Option(None, "--upn", help="Unique pupil number."),
    force: bool = typer.Option(False, "--force", help="Open a case even if this child already has one."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Open a case for a plan transferring in from another authority.

    Inform the family within 6 weeks (reg 15(4)); review by the later of 12 months from the last
    review and 3 months from the transfer (reg 15(5); G37). Prints the new reference last.

    Example: ehcp transfer in --child "Sam Sample" --dob 2014-05-01 --on 2026-03-02 --last-review 2025-10-10
    """
    from ehcp.services.cases import ChildDetails, split_name
    from ehcp.services.lifecycle_transfer import transfer_in as run

    given, family = split_name(child)
    details = ChildDetails(given, family, parse_date(dob, "--dob"), upn=upn, year_group=year_group)
    result = run(context(), details, on=parse_date(on, "--on"), from_la=from_la,
                 plan_made=parse_date(plan_made, "--plan-made"), last_reviewed=parse_date(last_review, "--last-review"),
                 force=force)
    show(result, fmt, "plan transferred in")
    if fmt is not Format.json:
        typer.echo(result.reference)


@transfer_app.command("informed")
@refusals
def transfer_informed(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record telling the family the plan transferred and when it will be reviewed (reg 15(4)).

    Example: ehcp transfer informed EHC-2026-00007 --on 2026-03-20
    """
    from ehcp.services.lifecycle_transfer import record_transfer_informed

    show(record_transfer_informed(context(), reference, on=parse_date(on, "--on")), fmt, "family informed")


@transfer_app.command("moving")
@refusals
def transfer_moving(reference: str = REF,
                    aware: str = typer.Option(..., "--aware", help="Date this LA became aware of the move."),
                    move: str = typer.Option(..., "--move", help="Date of the move."),
                    to_la: Optional[str] = typer.Option(None, "--to-la", help="The authority it moves to."),
                    fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record that the child is moving to another authority's area.

    The plan transfers on the day of the move if this LA knew at least 15 working days before
    (Policy Q18), else within 15 working days beginning with the day it knew (reg 15(2)).

    Example: ehcp transfer moving EHC-2025-00042 --aware 2026-02-02 --move 2026-03-02 --to-la Somerset
    """
    from ehcp.services.lifecycle_transfer import notify_move

    result = notify_move(context(), reference, aware=parse_date(aware, "--aware"), move_date=parse_date(move, "--move"),
                         to_la=to_la)
    show(result, fmt, f"moving out on {move}")


@transfer_app.command("out")
@refusals
def transfer_out(reference: str = REF, on: str = typer.Option(..., "--on", help="Date the plan was transferred."),
                 to_la: Optional[str] = typer.Option(None, "--to-la", help="The authority it went to."),
                 fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the plan's transfer to the new authority; the case closes (SEN2 cease reason 5).

    Example: ehcp transfer out EHC-2025-00042 --on 2026-03-02 --to-la Somerset
    """
    from ehcp.services.lifecycle_transfer import transfer_out as run

    show(run(context(), reference, on=parse_date(on, "--on"), to_la=to_la), fmt, "plan transferred out")

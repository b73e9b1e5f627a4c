"""``ehcp review ...``: annual reviews, amendments and phase transfers (CFA 2014 s.44; regs 18-22)."""

from __future__ import annotations

from typing import Optional

import typer

from cli.common import FORMAT_OPTION, SHOW_FORMAT_OPTION, context, parse_date, refusals
from cli.lifecycle_render import show
from cli.output import Format, emit
from ehcp.domain.vocabulary import CHANNELS as CHANNEL_NAMES

app = typer.Typer(help="Annual reviews, amendments and phase transfers (CFA 2014 s.44; SEND Regulations 2014 "
                       "regs 18-22).", no_args_is_help=True)

REF = typer.Argument(..., help="Case reference, e.g. EHC-2025-00042.")
ON = typer.Option(..., "--on", help="Date it happened, YYYY-MM-DD.")
CHANNELS = f"{', '.join(CHANNEL_NAMES[:-1])} or {CHANNEL_NAMES[-1]}"
TRANSFERS = ("early_years_to_school, infant_to_junior, primary_to_middle, primary_to_secondary, middle_to_secondary, "
             "secondary_to_post16, post16_to_post16, sixth_form_same_school or none")


SCREEN = ("reference", "child", "ncy", "deadline", "latest_meeting", "latest_notice", "status")


def _on(value: str, what: str = "--on"):  # noqa: ANN202
    return parse_date(value, what)


@app.command("schedule")
@refusals
def schedule(
    reference: str = REF,
    meeting: str = typer.Option(..., "--meeting", help="Date of the review meeting, YYYY-MM-DD."),
    on: Optional[str] = typer.Option(None, "--on", help="Date it was arranged (default: today)."),
    invited: Optional[str] = typer.Option(None, "--invited", help="Date the invitations were sent, if they have been."),
    channel: str = typer.Option("email", "--channel", help=f"How invitations go: {CHANNELS}."),
    served_on: Optional[str] = typer.Option(None, "--served-on", help="Proven date invitations were received."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Arrange a review meeting: invitations and advice at least two weeks before (reg 20(3)-(4)).

    Prints the dates the meeting implies: invitations and advice by meeting - 14 days, the latest
    posting date if --channel is a post (first class: deemed served on the 2nd working day), the
    report (2 weeks) and decision (4 weeks) dates, the Devon long-stop (12 weeks), and whether the
    child is in year 9 or above (preparation for adulthood, reg 20(6)).

    Example: ehcp review schedule EHC-2025-00042 --meeting 2025-11-04 --channel first_class_post
    """
    from ehcp.services.reviews import schedule_review

    result = schedule_review(context(), reference, meeting=_on(meeting, "--meeting"),
                             on=parse_date(on, "--on"), invited_on=parse_date(invited, "--invited"),
                             channel=channel, served_on=parse_date(served_on, "--served-on"))
    show(result, fmt, f"review meeting arranged for {meeting}")


@app.command("invited")
@refusals
def invited(reference: str = REF, on: str = ON,
            channel: str = typer.Option("email", "--channel", help=f"{CHANNELS}."),
            served_on: Optional[str] = typer.Option(None, "--served-on", help="Proven date of receipt."),
            fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record that the review invitations were sent (given when served; reg 20(3)).

    Example: ehcp review invited EHC-2025-00042 --on 2025-10-17 --channel first_class_post
    """
    from ehcp.services.reviews import record_invitations

    result = record_invitations(context(), reference, on=_on(on), channel=channel,
                                served_on=parse_date(served_on, "--served-on"))
    show(result, fmt, "review invitations recorded")


@app.command("circulated")
@refusals
def circulated(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record that the advice for the review was circulated (two weeks before; reg 20(4)).

    Example: ehcp review circulated EHC-2025-00042 --on 2025-10-20
    """
    from ehcp.services.reviews import record_advice_circulated

    show(record_advice_circulated(context(), reference, on=_on(on)), fmt, "review advice circulated")


@app.command("held")
@refusals
def held(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the review meeting held (the same as 'case advance --to review').

    Starts the report (2 weeks, reg 20(7)) and decision (4 weeks, reg 20(10)) dates.

    Example: ehcp review held EHC-2025-00042 --on 2025-11-04
    """
    from ehcp.services.reviews import hold_review

    show(hold_review(context(), reference, on=_on(on)), fmt, f"review meeting held on {on}")


@app.command("report")
@refusals
def report(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record that the review report was sent (within 2 weeks of the meeting; reg 20(7)).

    Example: ehcp review report EHC-2025-00042 --on 2025-11-14
    """
    from ehcp.services.reviews import record_report

    show(record_report(context(), reference, on=_on(on)), fmt, "review report sent")


@app.command("decision")
@refusals
def decision(
    reference: str = REF,
    maintain: bool = typer.Option(False, "--maintain", help="Keep the plan as it is."),
    amend: bool = typer.Option(False, "--amend", help="Amend it (send the amendment notice with the decision)."),
    cease: bool = typer.Option(False, "--cease", help="Cease it (the s.45 decision, with appeal rights)."),
    on: str = ON,
    reason: str = typer.Option("other", "--reason", help="With --cease: why (SEN2 reason: max_age, needs_met, "
                               "higher_education, employment, no_longer_engaging, moved_outside_england, other)."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Record the review decision, notified within 4 weeks of the meeting (reg 20(10)).

    Completes the review: the next 12 months run from the decision (Policy Q6). --amend: the
    proposed amendments must go with it (R (L) v Devon): 'review amend-notice' the same day records
    both. --cease: the plan is kept until the appeal period ends (s.45; see 'cease').

    Example: ehcp review decision EHC-2025-00042 --maintain --on 2025-11-25
    """
    from ehcp.services.reviews import decide_review

    chosen = [name for name, flag in (("maintain", maintain), ("amend", amend), ("cease", cease)) if flag]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --maintain, --amend or --cease")
    result = decide_review(context(), reference, outcome=chosen[0], on=_on(on), cease_reason=reason)
    show(result, fmt, f"review decision: {chosen[0]}")


@app.command("amend-notice")
@refusals
def amend_notice(
    reference: str = REF, on: str = ON,
    channel: str = typer.Option("email", "--channel", help=f"How it was sent: {CHANNELS}."),
    served_on: Optional[str] = typer.Option(None, "--served-on", help="Proven date of service, if known."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Send the plan with the proposed amendments (reg 22(2)).

    15 days for representations beginning with service (deemed if posted); final amended plan
    within 8 weeks of sending and, after a review, 12 weeks of the meeting (Devon). A notice more
    than 4 weeks after the meeting is flagged as a breach.

    Example: ehcp review amend-notice EHC-2025-00042 --on 2025-11-21
    """
    from ehcp.services.reviews import send_amendment_notice

    result = send_amendment_notice(context(), reference, on=_on(on), channel=channel,
                                   served_on=parse_date(served_on, "--served-on"))
    show(result, fmt, "amendment notice sent")


@app.command("amended-plan")
@refusals
def amended_plan(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record the final amended plan (reg 22(3)); refused inside the 15 days unless waived.

    Example: ehcp review amended-plan EHC-2025-00042 --on 2026-01-12
    """
    from ehcp.services.reviews import issue_amended_plan

    show(issue_amended_plan(context(), reference, on=_on(on)), fmt, "amended plan issued")


@app.command("no-amend")
@refusals
def no_amend(reference: str = REF, on: str = ON, fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Record a decision not to amend after representations (reg 22(4)).

    Due within 8 weeks of the notice (Policy Q16); opens the appeal window.

    Example: ehcp review no-amend EHC-2025-00042 --on 2025-12-19
    """
    from ehcp.services.reviews import decide_not_to_amend

    show(decide_not_to_amend(context(), reference, on=_on(on)), fmt, "decided not to amend")


@app.command("phase-transfer")
@refusals
def phase_transfer(
    reference: str = REF,
    kind: str = typer.Option(..., "--kind", help=f"The next move: {TRANSFERS}."),
    date_: Optional[str] = typer.Option(None, "--date", help="Date of the move (default: the next 1 September)."),
    on: Optional[str] = typer.Option(None, "--on", help="Date noted (default: today)."),
    fmt: Format = SHOW_FORMAT_OPTION,
) -> None:
    """Note the child's next move when the year group does not say it (reg 18).

    A middle school, a post-16 move at another time (at least 5 months before, reg 18(2)), or
    staying in the school's sixth form (not a phase transfer unless Policy Q10 says so).

    Example: ehcp review phase-transfer EHC-2025-00042 --kind sixth_form_same_school
    """
    from ehcp.services.reviews import note_phase_transfer

    result = note_phase_transfer(context(), reference, transfer=kind, on=parse_date(on, "--on"),
                                 transfer_date=parse_date(date_, "--date"))
    show(result, fmt, f"next move noted: {kind}")


@app.command("season")
@refusals
def season(
    year: Optional[int] = typer.Option(None, "--year", help="Calendar year of the transfer (default: next September)."),
    late: bool = typer.Option(False, "--late", help="Only plans already late."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The phase-transfer cohort of a year, working back from each reg 18 date; who is late.

    For each plan: the reg 18 date (before 15 February, or 31 March to post-16; Policy Q5), the
    latest amendment notice (8 weeks before) and review meeting (4 weeks before that), what has
    been done, and its status.

    The cohort: maintained plans whose child's year group (Child.year_group, else from the date of
    birth) moves on that September (Policy.phase_transfer_ncys: -1, 6, 11), or noted otherwise.
    The table shows the dates and status; csv and json add the transfer, the meeting, notice and
    amended plan dates, and late (true/false).

    Example: ehcp review season --year 2027 --format csv
    """
    from ehcp.services.review_season import COLUMNS, review_season

    result = review_season(context(), year)
    rows = [r for r in result.rows if r["late"] or not late]
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.counts.items())
    columns = list(COLUMNS) if fmt is not Format.table else list(SCREEN)
    emit(rows, columns, fmt, key="cohort", title=f"Review season {result.year} (as of {result.as_of}): {counts}",
         extra={"year": result.year, "as_of": result.as_of, "counts": result.counts},
         row_style=lambda r: "bold red" if r["late"] else ("yellow" if r["status"].startswith("at risk") else None))


@app.command("sync-children")
@refusals
def sync_children(fmt: Format = SHOW_FORMAT_OPTION) -> None:
    """Note each open case's child record (date of birth, year group) in its log where it differs.

    The under-5, year 9 and phase-transfer clocks read the child from the case's log; run this
    once after upgrading, and after year groups change in bulk (each September), so that those
    clocks are rows of the deadlines table and reach the caseworker digest.

    Example: ehcp review sync-children
    """
    from ehcp.services.child_notes import sync_children as run

    result = run(context())
    if fmt is Format.json:
        from cli.output import emit_json

        emit_json({"cases": result.cases, "noted": result.noted})
    else:
        typer.echo(f"{len(result.noted)} of {result.cases} open cases noted: {', '.join(result.noted) or '-'}")

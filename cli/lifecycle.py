"""The lifecycle commands, generated from one table: a new event kind is one row of ``COMMANDS``.

Each row is one command of the shape "record what happened to a case, then show what it changed":
its group and name, the service that records it, its parameters (name, type, Typer declaration, the
service keyword it becomes, the flag named when its date is not YYYY-MM-DD), the summary printed on
stderr and the help text. ``build`` turns the rows into the Typer groups of ``GROUPS``; ``cli.main``
registers them. A group's hand-written commands (``cli.cases``, ``cli.review``) stand before or after
its rows, as ``HAND_WRITTEN`` says.

Services are named "module.function" under ``ehcp.services`` and imported when the command runs:
importing them loads the ORM (about a second), which would break the start-up budget of every other
command (``bench/bench_cli.py``); ``tests/e2e/test_cli_lifecycle.py`` resolves every name.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import typer
from typer.models import ParameterInfo

from cli import cases, review
from cli.common import context, parse_date, refusals
from cli.output import SHOW_FORMAT_OPTION, Format, emit_move, emit_recorded
from ehcp.domain.vocabulary import CHANNELS as CHANNEL_NAMES

Values = dict[str, Any]


@dataclass(frozen=True)
class Param:
    """One command-line parameter. ``name`` is the Python name (usage lines show arguments by it);
    ``to`` the service keyword (default: the same name); ``date`` the flag a bad date is reported as,
    if the value is a YYYY-MM-DD date."""

    name: str
    type: Any  # a Python type as Typer reads it (str, str | None, bool, ...)
    decl: ParameterInfo
    to: str | None = None
    date: str | None = None

    def as_parameter(self) -> inspect.Parameter:
        return inspect.Parameter(self.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=self.decl,
                                 annotation=self.type)


@dataclass(frozen=True)
class Command:
    """One lifecycle command. ``done`` is the stderr summary: a format string over the parameters'
    values as typed, or a function of them. ``prepare`` turns the values into what the service takes
    where a rule is needed (one of three flags, a child's details); it runs before anything is read."""

    group: str
    name: str
    service: str
    params: tuple[Param, ...]
    done: str | Callable[[Values], str]
    help: str
    prepare: Callable[[Values], Values] | None = None
    prints_reference: bool = False  # a new case's reference, last on stdout (not with --format json)
    move: bool = False  # a stage move (``case ...``): no --format, one line on stderr


def move(name: str, params: tuple[Param, ...], help: str, prepare: Callable[[Values], Values]) -> Command:
    """A ``case`` stage move: ``cases.advance_case`` with the stage ``prepare`` sets."""
    return Command("case", name, "cases.advance_case", params, "", help, prepare=prepare, move=True)


def option(name: str, *decls: str, default: Any = ..., help: str | None, type: Any = str,
           to: str | None = None, date: bool = False) -> Param:
    """A ``typer.Option`` parameter; ``date=True`` parses it as YYYY-MM-DD, naming its first flag."""
    return Param(name, type, typer.Option(default, *decls, help=help), to=to, date=decls[0] if date else None)


def on(help: str = "Date it happened, YYYY-MM-DD.") -> Param:
    return option("on", "--on", help=help, date=True)


REF = Param("reference", str, typer.Argument(..., help="Case reference, e.g. EHC-2025-00042."))
CASE = Param("reference", str, typer.Argument(...))  # the same, without help (as these commands always had)
ON = on()
REASON = option("reason", "--reason", default=None, type=str | None, help=None)
CHANNELS = f"{', '.join(CHANNEL_NAMES[:-1])} or {CHANNEL_NAMES[-1]}"
DECISIONS = ("refusal_to_assess, no_plan, contents, placement, contents_and_placement, no_amendment, "
             "reassessment_refused or cease")
ORDERS = "assess, make_and_maintain, amend, placement, cease, continue, continue_amend or remit"
APPEALS = "assess, refusal_to_issue, contents, placement, contents_and_placement, cease or cease_amend"
LIMBS = ("assess, no_plan, assessed_final, draft_plan, final_plan, amend, placement, cease, continue, remit "
         "or agreement")
TRANSFERS = ("early_years_to_school, infant_to_junior, primary_to_middle, primary_to_secondary, middle_to_secondary, "
             "secondary_to_post16, post16_to_post16, sixth_form_same_school or none")


def channel(help: str = f"{CHANNELS}.") -> Param:
    return option("channel", "--channel", default="email", help=help)


def served_on(help: str) -> Param:
    return option("served_on", "--served-on", default=None, type=str | None, help=help, date=True)


def to_stage(stage: str) -> Callable[[Values], Values]:
    def prepare(values: Values) -> Values:
        return {**values, "to": stage}

    return prepare


def assessment_decision(values: Values) -> Values:
    assess = values.pop("assess")
    return {**values, "to": "assessment" if assess else "not_assessed"}


def draft_details(values: Values) -> Values:
    """How the draft was sent, and its proven service date if known."""
    served = values.pop("served_on")
    details = {"served_on": parse_date(served, "--served-on")} if served else {}
    return {**values, "to": "draft", **details}


def move_details(values: Values) -> Values:
    """``case advance``: the details given (channel, served on, outcome); nothing for those not given."""
    details = {"channel": values.pop("channel"), "served_on": values.pop("served_on"), "outcome": values.pop("outcome")}
    if details["served_on"]:
        details["served_on"] = parse_date(details["served_on"], "--served-on")
    return {**values, **{key: value for key, value in details.items() if value}}


def review_outcome(values: Values) -> Values:
    """Exactly one of --maintain, --amend or --cease."""
    flags = {name: values.pop(name) for name in ("maintain", "amend", "cease")}
    chosen = [name for name, flag in flags.items() if flag]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --maintain, --amend or --cease")
    return {**values, "outcome": chosen[0]}


def reassessment_outcome(values: Values) -> Values:
    no_change = values.pop("no_change")
    return {**values, "outcome": "no_change" if no_change else "plan_issued"}


def child_details(values: Values) -> Values:
    """The child of a plan transferring in, as ``case new`` reads them."""
    # ehcp.services.cases loads the ORM (slow, see the module docstring): imported when the command runs
    from ehcp.services.cases import ChildDetails, split_name

    given, family = split_name(values.pop("child"))
    child = ChildDetails(given, family, parse_date(values.pop("dob"), "--dob"), upn=values.pop("upn"),
                         year_group=values.pop("year_group"))
    return {"child": child, **values}


GROUPS: Mapping[str, str] = {
    "case": "Open, move and look at cases.",
    "review": "Annual reviews, amendments and phase transfers (CFA 2014 s.44; SEND Regulations 2014 regs 18-22).",
    "reassess": "Re-assessment of a plan (CFA 2014 s.44(2); SEND Regulations 2014 regs 24-27).",
    "cease": "Ceasing to maintain a plan (CFA 2014 s.45; SEND Regulations 2014 reg 31).",
    "transfer": "Plans moving between local authorities (SEND Regulations 2014 reg 15).",
    "mediation": ("Mediation: adviser contact, certificates, 30-day arrangement, telling the commissioning bodies "
                  "of health issues, agreements (SEND Regulations 2014 regs 32-42)."),
    "appeal": "Appealable decisions and appeals to the First-tier Tribunal (SEND) (HESC Rules 2008 r.20, r.12).",
    "tribunal": "Tribunal orders (reg 44) and unopposed appeals (reg 45).",
}

COMMANDS: tuple[Command, ...] = (
    # -- case stages (CFA 2014 s.36-39; regs 3-13) -----------------------------------------------------
    move("advance", (
        REF,
        option("to", "--to", help=f"Stage to move to: {cases.STAGE_HELP}."),
        ON,
        option("reason", "--reason", default=None, type=str | None, help="Why (kept in the audit trail)."),
        option("channel", "--channel", default=None, type=str | None,
               help=f"How a draft was sent: {', '.join(CHANNEL_NAMES)}."),
        option("served_on", "--served-on", default=None, type=str | None,
               help="Proven date a draft was served, if known."),
        option("outcome", "--outcome", default=None, type=str | None,
               help="Review outcome when moving review -> final: maintain or amend."),
        option("expect_version", "--expect-version", default=None, type=int | None, to="expected_version",
               help="Optimistic lock: the case version you looked at ('case show --format json' gives it); "
                    "refused with 'changed by X at T, please re-check' if someone changed the case since."),
    ), """
        Move a case to its next stage; an illegal move is refused with the rule that forbids it.

        A closed case (not_assessed, no_plan, ceased, withdrawn) never moves by 'case advance', whoever
        asks: only a tribunal order to assess (a case closed as not assessed) or to make and maintain a
        plan (closed as no plan), or an unopposed appeal against those decisions, reopens it - record it
        with 'ehcp tribunal order' or 'ehcp tribunal unopposed' (permission 'reopen_case': manager or
        admin, when permissions are enforced).

        Example: ehcp case advance EHC-2025-00042 --to assessment --on 2025-04-10
    """, move_details),
    move("decide", (
        CASE,
        option("assess", "--assess/--no-assess", type=bool, help="Whether the LA will assess."),
        on("Date the decision was notified."),
        REASON,
    ), "Record the decision whether to assess (reg 4/5: within 6 weeks of the request).", assessment_decision),
    move("draft", (
        CASE, on("Date the draft plan was sent."),
        channel(f"{CHANNELS}."),
        option("served_on", "--served-on", default=None, type=str | None, help="Proven date of service, if known."),
        REASON,
    ), "Record that the draft plan was sent (starts the parent's 15-day window, reg 13(1)).", draft_details),
    move("finalise", (CASE, on("Date the final plan was issued."), REASON),
         "Record that the final EHC plan was issued (reg 13(2): within 20 weeks of the request).", to_stage("final")),
    move("no-plan", (CASE, on("Date the decision not to issue was notified."), REASON),
         "Record a decision not to issue a plan after assessment (reg 10: within 16 weeks).", to_stage("no_plan")),
    move("withdraw", (
        CASE, on("Date the request was withdrawn."),
        option("reason", "--reason", help="Why the case is withdrawn."),
    ), "Withdraw a case from any open stage.", to_stage("withdrawn")),
    # -- review (CFA 2014 s.44; regs 18-22) -------------------------------------------------------------
    Command("review", "schedule", "reviews.schedule_review", (
        REF,
        option("meeting", "--meeting", help="Date of the review meeting, YYYY-MM-DD.", date=True),
        option("on", "--on", default=None, type=str | None, help="Date it was arranged (default: today).",
               date=True),
        option("invited", "--invited", default=None, type=str | None, to="invited_on", date=True,
               help="Date the invitations were sent, if they have been."),
        channel(f"How invitations go: {CHANNELS}."),
        served_on("Proven date invitations were received."),
    ), "review meeting arranged for {meeting}", """
        Arrange a review meeting: invitations and advice at least two weeks before (reg 20(3)-(4)).

        Prints the dates the meeting implies: invitations and advice by meeting - 14 days, the latest
        posting date if --channel is a post (first class: deemed served on the 2nd working day), the
        report (2 weeks) and decision (4 weeks) dates, the Devon long-stop (12 weeks), and whether the
        child is in year 9 or above (preparation for adulthood, reg 20(6)).

        Example: ehcp review schedule EHC-2025-00042 --meeting 2025-11-04 --channel first_class_post
    """),
    Command("review", "invited", "reviews.record_invitations", (
        REF, ON, channel(), served_on("Proven date of receipt."),
    ), "review invitations recorded", """
        Record that the review invitations were sent (given when served; reg 20(3)).

        Example: ehcp review invited EHC-2025-00042 --on 2025-10-17 --channel first_class_post
    """),
    Command("review", "circulated", "reviews.record_advice_circulated", (REF, ON), "review advice circulated", """
        Record that the advice for the review was circulated (two weeks before; reg 20(4)).

        Example: ehcp review circulated EHC-2025-00042 --on 2025-10-20
    """),
    Command("review", "held", "reviews.hold_review", (REF, ON), "review meeting held on {on}", """
        Record the review meeting held (the same as 'case advance --to review').

        Starts the report (2 weeks, reg 20(7)) and decision (4 weeks, reg 20(10)) dates.

        Example: ehcp review held EHC-2025-00042 --on 2025-11-04
    """),
    Command("review", "report", "reviews.record_report", (REF, ON), "review report sent", """
        Record that the review report was sent (within 2 weeks of the meeting; reg 20(7)).

        Example: ehcp review report EHC-2025-00042 --on 2025-11-14
    """),
    Command("review", "decision", "reviews.decide_review", (
        REF,
        option("maintain", "--maintain", default=False, type=bool, help="Keep the plan as it is."),
        option("amend", "--amend", default=False, type=bool,
               help="Amend it (send the amendment notice with the decision)."),
        option("cease", "--cease", default=False, type=bool, help="Cease it (the s.45 decision, with appeal rights)."),
        ON,
        option("reason", "--reason", default="other", to="cease_reason",
               help="With --cease: why (SEN2 reason: max_age, needs_met, higher_education, employment, "
                    "no_longer_engaging, moved_outside_england, other)."),
    ), "review decision: {outcome}", """
        Record the review decision, notified within 4 weeks of the meeting (reg 20(10)).

        Completes the review: the next 12 months run from the decision (Policy Q6). --amend: the
        proposed amendments must go with it (R (L) v Devon): 'review amend-notice' the same day records
        both. --cease: the plan is kept until the appeal period ends (s.45; see 'cease').

        Example: ehcp review decision EHC-2025-00042 --maintain --on 2025-11-25
    """, prepare=review_outcome),
    Command("review", "amend-notice", "reviews.send_amendment_notice", (
        REF, ON, channel(f"How it was sent: {CHANNELS}."), served_on("Proven date of service, if known."),
    ), "amendment notice sent", """
        Send the plan with the proposed amendments (reg 22(2)).

        15 days for representations beginning with service (deemed if posted); final amended plan
        within 8 weeks of sending and, after a review, 12 weeks of the meeting (Devon). A notice more
        than 4 weeks after the meeting is flagged as a breach.

        Example: ehcp review amend-notice EHC-2025-00042 --on 2025-11-21
    """),
    Command("review", "amended-plan", "reviews.issue_amended_plan", (REF, ON), "amended plan issued", """
        Record the final amended plan (reg 22(3)); refused inside the 15 days unless waived.

        Example: ehcp review amended-plan EHC-2025-00042 --on 2026-01-12
    """),
    Command("review", "no-amend", "reviews.decide_not_to_amend", (REF, ON), "decided not to amend", """
        Record a decision not to amend after representations (reg 22(4)).

        Due within 8 weeks of the notice (Policy Q16); opens the appeal window.

        Example: ehcp review no-amend EHC-2025-00042 --on 2025-12-19
    """),
    Command("review", "phase-transfer", "reviews.note_phase_transfer", (
        REF,
        option("kind", "--kind", help=f"The next move: {TRANSFERS}.", to="transfer"),
        option("date_", "--date", default=None, type=str | None, to="transfer_date", date=True,
               help="Date of the move (default: the next 1 September)."),
        option("on", "--on", default=None, type=str | None, help="Date noted (default: today).", date=True),
    ), "next move noted: {kind}", """
        Note the child's next move when the year group does not say it (reg 18).

        A middle school, a post-16 move at another time (at least 5 months before, reg 18(2)), or
        staying in the school's sixth form (not a phase transfer unless Policy Q10 says so).

        Example: ehcp review phase-transfer EHC-2025-00042 --kind sixth_form_same_school
    """),
    # -- re-assessment (CFA 2014 s.44(2); regs 24-27) --------------------------------------------------
    Command("reassess", "request", "lifecycle_reassess.request_reassessment", (
        REF, on("Date the request was received."),
        option("source", "--source", default="parent", help="parent, young_person, school or commissioning_body."),
    ), "re-assessment requested", """
        Record a request for a re-assessment: the decision is due in 15 days (reg 25(1); G35).

        Example: ehcp reassess request EHC-2025-00042 --on 2026-01-12
    """),
    Command("reassess", "decide", "lifecycle_reassess.decide_reassessment", (
        REF,
        option("agree", "--agree/--refuse", type=bool, help="Whether the LA will re-assess."),
        on("Date the decision was notified."),
        option("ground", "--ground", default="not_necessary",
               help="With --refuse: not_necessary, or within_6_months (assessed in the 6 months before the "
                    "request, reg 24)."),
    ), lambda v: "will re-assess" if v["agree"] else "re-assessment refused", """
        Notify whether the LA will re-assess (within 15 days of the request, reg 25(1)).

        Agreeing starts the 14 weeks for the plan (reg 27(2)); refusing opens the appeal window.
        --agree with no request: a re-assessment of the LA's own motion.

        Example: ehcp reassess decide EHC-2025-00042 --agree --on 2026-01-27
    """),
    Command("reassess", "draft", "lifecycle_reassess.send_reassessment_draft", (
        REF, ON, channel(), served_on("Proven date of service."),
    ), "draft after re-assessment sent", """
        Record the draft plan after re-assessment: 15 days for representations (reg 13(1) via 27(2)).

        Example: ehcp reassess draft EHC-2025-00042 --on 2026-04-01
    """),
    Command("reassess", "plan", "lifecycle_reassess.conclude_reassessment", (
        REF, ON,
        option("no_change", "--no-change", default=False, type=bool,
               help="The LA decided not to change the plan (appealable)."),
    ), lambda v: f"re-assessment concluded: {v['outcome'].replace('_', ' ')}", """
        Record the final plan after re-assessment (within 14 weeks of the decision, reg 27(2)).

        Example: ehcp reassess plan EHC-2025-00042 --on 2026-04-20
    """, prepare=reassessment_outcome),
    # -- ceasing (CFA 2014 s.45; reg 31) ---------------------------------------------------------------
    Command("cease", "consult", "lifecycle_cease.consult_on_ceasing", (REF, ON), "consulted about ceasing", """
        Record informing and consulting the family and the setting about ceasing (reg 31(1)).

        Example: ehcp cease consult EHC-2025-00042 --on 2026-01-05
    """),
    Command("cease", "notice", "lifecycle_cease.notify_cease", (
        REF, on("Date the decision was sent."),
        option("reason", "--reason", default="other",
               help="SEN2 reason: max_age, needs_met, higher_education, employment, no_longer_engaging, "
                    "moved_outside_england, deceased or other."),
    ), "decision to cease sent", """
        Notify the decision to cease (s.45) and print the first day the plan may cease.

        That is the day after the appeal deadline (HESC r.20, r.12, with the Christmas and August rule).

        Example: ehcp cease notice EHC-2025-00042 --on 2026-02-02 --reason needs_met
    """),
    Command("cease", "plan", "lifecycle_cease.cease_plan", (
        REF, on("Date the plan ceased."),
        option("reason", "--reason", default=None, type=str | None, help="deceased: the plan ends at once."),
    ), "plan ceased", """
        Record that the plan ceased; the case closes.

        Refused before the appeal period ends or while an appeal is pending (s.45).

        Example: ehcp cease plan EHC-2025-00042 --on 2026-04-03
    """),
    # -- transfers between authorities (reg 15) --------------------------------------------------------
    Command("transfer", "in", "lifecycle_transfer.transfer_in", (
        option("child", "--child", help="The child's or young person's name."),
        option("dob", "--dob", help="Date of birth, YYYY-MM-DD."),
        on("Date the plan transferred (the day of the move, reg 15(2))."),
        option("from_la", "--from-la", default=None, type=str | None, help="The authority it came from."),
        option("plan_made", "--plan-made", default=None, type=str | None, date=True,
               help="Date the plan was first made."),
        option("last_review", "--last-review", default=None, type=str | None, to="last_reviewed", date=True,
               help="Date the old LA last reviewed it."),
        option("year_group", "--year-group", default=None, type=int | None,
               help="National curriculum year (NCY)."),
        option("upn", "--upn", default=None, type=str | None, help="Unique pupil number."),
        option("force", "--force", default=False, type=bool,
               help="Open a case even if this child already has one."),
    ), "plan transferred in", """
        Open a case for a plan transferring in from another authority.

        Inform the family within 6 weeks (reg 15(4)); review by the later of 12 months from the last
        review and 3 months from the transfer (reg 15(5); G37). Prints the new reference last.

        Example: ehcp transfer in --child "Sam Sample" --dob 2014-05-01 --on 2026-03-02 --last-review 2025-10-10
    """, prepare=child_details, prints_reference=True),
    Command("transfer", "informed", "lifecycle_transfer.record_transfer_informed", (REF, ON), "family informed", """
        Record telling the family the plan transferred and when it will be reviewed (reg 15(4)).

        Example: ehcp transfer informed EHC-2026-00007 --on 2026-03-20
    """),
    Command("transfer", "moving", "lifecycle_transfer.notify_move", (
        REF,
        option("aware", "--aware", help="Date this LA became aware of the move.", date=True),
        option("move", "--move", help="Date of the move.", to="move_date", date=True),
        option("to_la", "--to-la", default=None, type=str | None, help="The authority it moves to."),
    ), "moving out on {move}", """
        Record that the child is moving to another authority's area.

        The plan transfers on the day of the move if this LA knew at least 15 working days before
        (Policy Q18), else within 15 working days beginning with the day it knew (reg 15(2)).

        Example: ehcp transfer moving EHC-2025-00042 --aware 2026-02-02 --move 2026-03-02 --to-la Somerset
    """),
    Command("transfer", "out", "lifecycle_transfer.transfer_out", (
        REF, on("Date the plan was transferred."),
        option("to_la", "--to-la", default=None, type=str | None, help="The authority it went to."),
    ), "plan transferred out", """
        Record the plan's transfer to the new authority; the case closes (SEN2 cease reason 5).

        Example: ehcp transfer out EHC-2025-00042 --on 2026-03-02 --to-la Somerset
    """),
    # -- appeals (HESC Rules r.20, r.12) ---------------------------------------------------------------
    Command("appeal", "decision", "lifecycle_disputes.record_decision", (
        REF,
        option("sent", "--on", "--sent", help="Date the decision notice was sent (--sent: the same).", date=True),
        option("about", "--about", help=f"What it decided: {DECISIONS}."),
    ), "appealable decision ({about}) recorded", """
        Record an appealable decision: the appeal and mediation-contact windows start.

        Appeal deadline: 2 months (HESC r.20), rolled on by r.12 and the Christmas/August rule;
        mediation adviser contact: 2 months (reg 33). Decisions to cease, not to amend and not to
        re-assess open this window by themselves.

        Example: ehcp appeal decision EHC-2025-00042 --on 2025-10-24 --about contents
    """),
    Command("appeal", "lodged", "lifecycle_disputes.appeal_lodged", (
        REF, on("Date the Tribunal received the appeal."),
        option("la_received", "--la-received", default=None, type=str | None, date=True,
               help="Date the LA received the notice of appeal from the Tribunal (default: --on)."),
        option("response_by", "--response-by", default=None, type=str | None, date=True,
               help="A date the Tribunal directed for the LA's response (replaces the 30 working days)."),
    ), "appeal lodged", """
        Record the appeal: a plan under a decision to cease is kept until it is determined (s.45).

        Starts the LA's response: 30 working days after it received the notice of appeal, not counting
        August or 25 December - 1 January (HESC Rules r.21(1) and Schedule; r.12(3)(b), (4)), or the date
        the Tribunal directed.

        Example: ehcp appeal lodged EHC-2025-00042 --on 2026-01-20 --la-received 2026-01-22
    """),
    Command("appeal", "response", "lifecycle_disputes.appeal_response", (
        REF, on("Date the LA sent its response to the Tribunal."),
    ), "appeal response sent", """
        Record the LA's response to the appeal (HESC Rules r.21): settles appeal_response.

        Example: ehcp appeal response EHC-2025-00042 --on 2026-03-02
    """),
    Command("appeal", "concluded", "lifecycle_disputes.appeal_concluded", (
        REF, ON,
        option("outcome", "--outcome", default="withdrawn", help="withdrawn, struck_out or dismissed."),
    ), "appeal {outcome}", """
        Record an appeal ending without an order to carry out (withdrawn, struck out, dismissed).

        Example: ehcp appeal concluded EHC-2025-00042 --on 2026-03-01 --outcome withdrawn
    """),
    # -- mediation (CFA 2014 s.52-55; regs 32-42) ------------------------------------------------------
    Command("mediation", "contacted", "lifecycle_disputes.adviser_contacted", (
        REF, ON,
        option("wants", "--wants-mediation/--no-mediation", type=bool, to="wants_mediation",
               help="Whether the family wishes to mediate."),
    ), "mediation adviser contacted", """
        Record the family contacting the mediation adviser (within 2 months, reg 33).

        Declining mediation: the certificate is due within 3 working days (reg 34; G39).

        Example: ehcp mediation contacted EHC-2025-00042 --on 2025-12-23 --no-mediation
    """),
    Command("mediation", "requested", "lifecycle_disputes.mediation_requested", (
        CASE, on("Date the LA was told."),
        option("health", "--health", default=False, type=bool,
               help="The mediation issues include health care provision: tell each commissioning body within "
                    "3 working days."),
    ), "mediation requested", """
        Record that the LA was told the family wishes to mediate: within 30 days (G43; Policy Q12).

        With --health the LA must also tell each commissioning body (ICB) within 3 working days (regs 35-36).

        Example: ehcp mediation requested EHC-2025-00042 --on 2026-01-12 --health
    """),
    Command("mediation", "icb-notified", "lifecycle_disputes.mediation_icb_notified", (
        REF, on("Date the LA told the commissioning body(ies)."),
    ), "commissioning bodies told", """
        Record telling the commissioning body(ies) of the health care issues to mediate (regs 35-36).

        Settles mediation_icb_notice (3 working days from being told the issues).

        Example: ehcp mediation icb-notified EHC-2025-00042 --on 2026-01-14
    """),
    Command("mediation", "unavailable", "lifecycle_disputes.mediation_unavailable", (REF, ON),
            "mediation cannot be arranged", """
        Record telling the adviser mediation cannot be arranged in 30 days: certificate in 3 working days.

        Example: ehcp mediation unavailable EHC-2025-00042 --on 2026-02-05
    """),
    Command("mediation", "concluded", "lifecycle_disputes.mediation_concluded", (
        REF, ON,
        option("agreement", "--agreement", default=None, type=str | None,
               help=f"A one-item agreement treated as an order ({ORDERS}), or other (2 weeks)."),
        option("items", "--item", default=None, type=list[str] | None,
               help="One item of the agreement, repeatable: KIND[:WHAT WAS AGREED][@YYYY-MM-DD]; KIND an order "
                    "kind (appealable) or other; @date a timescale agreed in writing (reg 42(5))."),
    ), "mediation concluded", """
        Record the end of mediation: certificate within 3 working days (G43).

        Each item of an agreement recorded in writing has its own clock (reg 42): a matter the family
        could appeal is carried out within the reg 44 limits as if the Tribunal had ordered it (42(2));
        anything else the LA agreed to do within 2 weeks (42(3)); a date the parties agreed in writing
        replaces either (42(5)). Several items: give --item for each.

        Example: ehcp mediation concluded EHC-2025-00042 --on 2026-02-10 --item amend
        --item 'other:transport review@2026-03-31'
    """),
    Command("mediation", "certificate", "lifecycle_disputes.certificate_issued", (
        REF, on("Date the certificate was issued."),
    ), "mediation certificate issued", """
        Record the mediation certificate: the appeal may be brought until a month after it, if later.

        Example: ehcp mediation certificate EHC-2025-00042 --on 2025-12-30
    """),
    # -- tribunal orders and unopposed appeals (regs 44-45) --------------------------------------------
    Command("tribunal", "order", "lifecycle_disputes.tribunal_order", (
        REF, on("Date of the order."),
        option("kind", "--kind", help=f"The order: {ORDERS}.", to="order"),
    ), "tribunal order: {kind}", """
        Record a tribunal order: the reg 44 clocks of each of its limbs start from its date (G46, G49).

        An order to assess reopens a case closed as not assessed, an order to make and maintain a plan
        one closed as no plan: the case stands in assessment while the LA carries it out (permission
        'reopen_case': manager or admin). Then 'tribunal complied' records each limb and moves the case
        on (draft_plan: draft; final_plan or assessed_final: final plan, reviewed within 12 months).

        Example: ehcp tribunal order EHC-2025-00042 --on 2026-07-13 --kind make_and_maintain
    """),
    Command("tribunal", "unopposed", "lifecycle_disputes.appeal_unopposed", (
        REF, on("Date the LA told the Tribunal."),
        option("appeal", "--appeal", help=f"What was appealed: {APPEALS}."),
    ), "appeal unopposed: {appeal}", """
        Record that the LA told the Tribunal it will not oppose the appeal (reg 45).

        Clocks run from that date; before SI 2015/359 (Policy Q21) the reg 45 as made applies. An appeal
        against a refusal to assess (assess) or to issue a plan (refusal_to_issue) reopens the closed case,
        as an order would (permission 'reopen_case').

        Example: ehcp tribunal unopposed EHC-2025-00042 --on 2026-04-20 --appeal contents
    """),
    Command("tribunal", "complied", "lifecycle_disputes.order_complied", (
        REF, ON,
        option("limb", "--limb", help=f"What was done: {LIMBS}."),
        channel(f"How a draft plan (draft_plan limb) was sent: {CHANNELS}."),
        served_on("Proven date the draft plan was served, if known."),
    ), "complied: {limb}", """
        Record doing what an order, unopposed appeal or mediation agreement required.

        An amended plan ('review amended-plan') settles amend and placement limbs by itself. On a case
        reopened by an order the limb is also its next stage: draft_plan sends the draft, final_plan or
        assessed_final issues the final plan (the plan is then maintained: annual review within 12
        months, SEN2), no_plan closes it again.

        Example: ehcp tribunal complied EHC-2025-00042 --on 2026-08-10 --limb draft_plan
    """),
)


def service(command: Command) -> Callable[..., Any]:
    """The service function a row names (imported now: see the module docstring)."""
    module, function = command.service.rsplit(".", 1)
    return getattr(importlib.import_module(f"ehcp.services.{module}"), function)


def record(command: Command, fmt: Format, values: Values) -> None:
    """Run one row: prepare the values, read dates, call the service, render what it recorded."""
    values = command.prepare(dict(values)) if command.prepare else dict(values)
    summary = command.done(values) if callable(command.done) else command.done.format(**values)
    ctx = context()
    kwargs = dict(values)
    for param in command.params:
        if param.name in kwargs:
            value = kwargs.pop(param.name)
            kwargs[param.to or param.name] = parse_date(value, param.date) if param.date else value
    result = service(command)(ctx, **kwargs)
    if command.move:
        emit_move(result)
        return
    emit_recorded(result, fmt, summary, due_soon_days=ctx.settings.due_soon_days)
    if command.prints_reference and fmt is not Format.json:
        typer.echo(result.reference)


def typer_command(command: Command) -> Callable[..., None]:
    """A Typer callback for a row: its parameters and ``--format`` as the signature, its help as the docstring."""

    def run(fmt: Format = Format.table, **values: Any) -> None:  # the row's parameters, by name
        record(command, fmt, values)

    params = [p.as_parameter() for p in command.params]
    if not command.move:
        params.append(inspect.Parameter("fmt", inspect.Parameter.KEYWORD_ONLY, default=SHOW_FORMAT_OPTION,
                                        annotation=Format))
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__doc__ = inspect.cleandoc(command.help)
    run.__name__ = run.__qualname__ = f"{command.group}_{command.name}".replace("-", "_")
    return refusals(run)


HAND_WRITTEN: Mapping[str, tuple[tuple[typer.Typer, ...], tuple[typer.Typer, ...]]] = {
    "case": ((cases.opening,), (cases.app,)),  # new; then the moves; then waive ... find
    "review": ((), (review.app,)),  # season, sync-children
}


def build(commands: tuple[Command, ...] = COMMANDS) -> dict[str, typer.Typer]:
    """One Typer group per entry of ``GROUPS``: its hand-written commands before, its rows in table order,
    its hand-written commands after (Typer lists a group's commands in the order they are added)."""
    apps = {}
    for group, help_ in GROUPS.items():
        rows = typer.Typer()
        for command in commands:
            if command.group == group:
                rows.command(command.name)(typer_command(command))
        before, after = HAND_WRITTEN.get(group, ((), ()))
        apps[group] = typer.Typer(help=help_, no_args_is_help=True)
        for part in (*before, rows, *after):
            apps[group].add_typer(part)
    return apps


APPS = build()

"""SQLAlchemy 2 models: the event log is the source of truth; deadlines are derived and indexed.

Designed for the whole mission: children, cases, the append-only case event log, derived deadlines,
partners, advice requests, settings (schools) with their closures, users and teams, the reminder
ledger (idempotent nightly chasing) and the hash-chained audit trail.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # A team's managers are its users with role "manager" (no circular foreign key).


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20), default="caseworker")  # caseworker|manager|admin
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SystemFlag(Base):
    """A small system-wide switch kept in the database (e.g. ``enforce_permissions``)."""

    __tablename__ = "system_flags"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(String(100))


class Setting(Base):
    """A school, college or early-years provider (a 'setting'), with its own term calendar."""

    __tablename__ = "settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="school")  # school|early_years|post16
    urn: Mapped[str | None] = mapped_column(String(20))
    ukprn: Mapped[str | None] = mapped_column(String(20))


class Closure(Base):
    """A continuous closure of a setting (or of the LA default calendar when setting_id is null)."""

    __tablename__ = "closures"
    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int | None] = mapped_column(ForeignKey("settings.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    reopens: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))


class ExtraHoliday(Base):
    """A one-off non-working day proclaimed outside the regular bank holiday pattern."""

    __tablename__ = "extra_holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    dob: Mapped[date] = mapped_column(Date)
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    uln: Mapped[str | None] = mapped_column(String(10))
    # The national curriculum year (NCY) as recorded, and the academic year it was recorded for (the
    # calendar year of its 1 September): the current one is derived on any date (services.child_notes).
    year_group: Mapped[int | None] = mapped_column(Integer)
    year_group_year: Mapped[int | None] = mapped_column(Integer)
    home_la: Mapped[str | None] = mapped_column(String(10))
    setting_id: Mapped[int | None] = mapped_column(ForeignKey("settings.id"))
    # Set by ``ehcp retention purge``: the names and identifiers are erased, the row kept as a
    # tombstone so the audit trail's case references still resolve.
    erased_on: Mapped[date | None] = mapped_column(Date)
    # SEN2 UPNunknown (UN1..UN10): why neither UPN nor ULN is available.
    upn_unknown: Mapped[str | None] = mapped_column(String(4))
    # SEN2 person items (module 1), DfE/CBDS codes checked by ehcp.sen2.codes: sex M/F, ethnicity
    # (4-letter extended code), home postcode.
    sex: Mapped[str | None] = mapped_column(String(1))
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    postcode: Mapped[str | None] = mapped_column(String(8))
    __table_args__ = (Index("ix_children_name_dob", "family_name", "given_name", "dob"),)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    received: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20), default="parent")
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))

    child: Mapped[Child] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once at mapping; ClassVar clashes with DeclarativeBase


class CaseEvent(Base):
    """Append-only: one row per thing that happened to a case (the source of truth)."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


class Deadline(Base):
    """A statutory (or advisory) clock derived from the event log, kept in step in the same transaction.

    ``state`` is what the events settle (pending | met | missed | disapplied); the date-dependent
    ``status`` (open, due_soon, overdue) is derived from ``due`` and today in the query.
    """

    __tablename__ = "deadlines"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    key: Mapped[str] = mapped_column(String(60))
    rule: Mapped[str] = mapped_column(String(40))
    due: Mapped[date] = mapped_column(Date)
    practical_last_working_day: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12))
    met_on: Mapped[date | None] = mapped_column(Date)
    citation: Mapped[str] = mapped_column(String(200))
    exception: Mapped[str | None] = mapped_column(String(40))
    advisory: Mapped[bool] = mapped_column(Boolean, default=False)
    # A window the LA must allow (e.g. the 15-day representation period): once it has run, it is
    # met, never overdue.
    is_window: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    advice_request_id: Mapped[int | None] = mapped_column(ForeignKey("advice_requests.id"))
    # {"components": [...], "alternatives": [...]}: the sub-dates that made ``due`` and the other
    # readings the rulebook names (null when there are none); ``case show`` prints them as stored.
    detail: Mapped[dict | None] = mapped_column(JSON)
    # Policy.digest of the policy in effect when the row was computed (null: before issue 21).
    policy_hash: Mapped[str | None] = mapped_column(String(16))
    __table_args__ = (
        UniqueConstraint("case_id", "key"),
        Index("ix_deadlines_state_due", "state", "due"),
        Index("ix_deadlines_advice_request_id", "advice_request_id"),
    )


class Partner(Base):
    """A partner organisation asked for advice (EP service, health, social care, a school...)."""

    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    advice_kinds: Mapped[str | None] = mapped_column(String(200))  # comma-separated advice kinds
    contact_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    escalation_email: Mapped[str | None] = mapped_column(String(320))
    # deactivated (``ehcp partner deactivate``): not asked for new advice, not chased; history kept
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class AdviceRequest(Base):
    __tablename__ = "advice_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    received_by_body_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(30), default="email")
    received_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)  # requested in error (advice cancel)
    received_via: Mapped[str | None] = mapped_column(String(20))  # 'portal': returned through its advice link
    __table_args__ = (Index("ix_advice_requests_open", "received_on", "partner_id"),)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


# The rows of the reminder ledger still to deliver: the predicate of the partial index
# ix_reminders_open. Queries that should use the index repeat it verbatim as SQL text (SQLite uses
# a partial index only when the query states its WHERE in the same words, with literal values).
OPEN_REMINDERS = "status IN ('pending', 'sending')"


class Reminder(Base):
    """The reminder ledger: one row per (subject, rung). The unique key makes sending idempotent."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))  # advice | deadline
    subject_id: Mapped[int] = mapped_column(Integer)
    rung: Mapped[str] = mapped_column(String(30))
    as_of: Mapped[date] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(320))
    message_key: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    # A delivering worker claims rows (status 'sending') so two workers never send the same row; a
    # claim older than the lease (a crashed worker) is taken over by the next run.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64), index=True)
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "rung"),
        Index("ix_reminders_status", "status"),
        # The rows still to deliver, by recipient: claiming and listing them must not read every
        # reminder ever sent (the ledger grows by tens of thousands a night at national scale).
        # Queries carry the same ``status IN (...)`` term so that both databases use it.
        Index("ix_reminders_open", "subject_type", "recipient",
              sqlite_where=text(OPEN_REMINDERS), postgresql_where=text(OPEN_REMINDERS)),
    )


class AuditRecord(Base):
    """Append-only audit trail, hash-chained and keyed (:mod:`ehcp.store.audit`): ``scheme`` 1 is the
    unkeyed SHA-256 of old records, 2 the HMAC; ``events``/``events_digest`` commit to the case
    events the change wrote (count and sum of their digests)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    scheme: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    events: Mapped[int | None] = mapped_column(Integer)
    events_digest: Mapped[str | None] = mapped_column(String(64))


class Placement(Base):
    """Where a child with a plan is educated (SEN2 PlacementDetail / PlanDetail): a setting by URN or
    UKPRN, or else an SEN2 ``SENsetting`` code, from ``entry_date`` to ``leaving_date`` (open if null)."""

    __tablename__ = "placements"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    setting_id: Mapped[int | None] = mapped_column(ForeignKey("settings.id"))
    urn: Mapped[str | None] = mapped_column(String(20))
    ukprn: Mapped[str | None] = mapped_column(String(20))
    sen_setting: Mapped[str | None] = mapped_column(String(8))
    sen_setting_other: Mapped[str | None] = mapped_column(String(200))
    placement_rank: Mapped[int] = mapped_column(Integer, default=1)
    entry_date: Mapped[date] = mapped_column(Date)
    leaving_date: Mapped[date | None] = mapped_column(Date)
    sen_unit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    resourced_provision: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    residential: Mapped[str | None] = mapped_column(String(2))  # SEN2 RES: A 38-51 weeks, B 52 weeks
    work_based: Mapped[str | None] = mapped_column(String(4))  # SEN2 WBP (code letters: sen2.md gap)


class SenNeed(Base):
    """A type of special educational need on a case's plan (SEN2 SENneed): rank 1 primary, 2 secondary."""

    __tablename__ = "sen_needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    sen_type: Mapped[str] = mapped_column(String(8))
    sen_type_rank: Mapped[int] = mapped_column(Integer, default=1)
    recorded_on: Mapped[date] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("case_id", "sen_type_rank"),)


class Sen2Plan(Base):
    """SEN2 items of a case's plan that no event carries (module 4a NamedPlan; 5a TransferLA; 2 Exported):
    the residential and work-based codes named in the plan, the personal budget (PB, OA, DP), and the
    3-digit LA numbers of the authority a plan came from or went to, when the event named it otherwise."""

    __tablename__ = "sen2_plans"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    residential: Mapped[str | None] = mapped_column(String(1))  # PlanRes A/B
    work_based: Mapped[str | None] = mapped_column(String(1))  # PlanWBP A/T/S
    personal_budget: Mapped[bool | None] = mapped_column(Boolean)  # PB
    organised_arrangements: Mapped[bool | None] = mapped_column(Boolean)  # OA
    direct_payment: Mapped[str | None] = mapped_column(String(1))  # DP E/S/H/I
    transfer_la: Mapped[str | None] = mapped_column(String(3))  # TransferLA
    exported_la: Mapped[str | None] = mapped_column(String(3))  # Exported


class AdviceLink(Base):
    """The state of an advice request's return links (``ehcp web serve``): bumping ``generation``
    revokes every link signed before (``ehcp advice revoke-links``). No row: generation 1."""

    __tablename__ = "advice_links"
    request_id: Mapped[int] = mapped_column(ForeignKey("advice_requests.id"), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(100))


class AdviceReturn(Base):
    """Advice returned through a link: who (the address the link was sent to), when, the date the
    partner says it was sent, and the file if one was uploaded (kept here with its SHA-256)."""

    __tablename__ = "advice_returns"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("advice_requests.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    sent_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_on: Mapped[date] = mapped_column(Date, index=True)  # the London date: caseworker digests
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(10))  # pdf | docx
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary)


class WebHit(Base):
    """One request to an advice link page, for the rate limits (per link and per client address).
    Rows older than the window are deleted as new ones arrive."""

    __tablename__ = "web_hits"
    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(120))  # 'link:<request id>' | 'addr:<client address>'
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_web_hits_bucket_at", "bucket", "at"),)

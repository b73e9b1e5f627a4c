"""Issue 21 on both databases: the policy in effect (database over ehcp.toml over the defaults), ``policy set``
(admin, audited, every case recomputed with a before/after diff), the policy digest stored with the deadlines,
components and alternatives in ``case show`` and ``deadline explain``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from ehcp.rules.policy import DEFAULT_POLICY, Policy
from ehcp.services.cases import ChildDetails, advance_case, open_case
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.explain import explain
from ehcp.services.policy import set_policy, show_policy
from ehcp.services.recompute import recompute_all
from ehcp.services.users import add
from ehcp.services.views import show_case
from ehcp.store.models import AuditRecord, Deadline, SystemFlag

ALEX = ChildDetails("Alex", "Example", date(2016, 5, 4))


def posted_draft(ctx: ServiceContext) -> str:
    """Request Mon 6 Jan 2025; draft posted first class on Friday 4 Apr 2025: served Tue 8 Apr (1985 PD), the
    15 days run to Tue 22 Apr 2025; under CPR 6.26 served Mon 7 Apr, the window ends Mon 21 Apr."""
    ref = open_case(ctx, ALEX, received=date(2025, 1, 6)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 2, 3))
    advance_case(ctx, ref, to="draft", on=date(2025, 4, 4), channel="first_class_post")
    return ref


def draft_window(ctx: ServiceContext, ref: str) -> dict:
    return next(d for d in show_case(ctx.settings, ref)["deadlines"] if d["key"] == "draft_representations")


def hashes(ctx: ServiceContext) -> set[str | None]:
    with ctx.uow(write=False) as uow:
        return set(uow.session.scalars(select(Deadline.policy_hash)))


def replace_row(row: AuditRecord) -> AuditRecord:
    """A detached copy of an audit row, readable after its session closed."""
    return AuditRecord(action=row.action, actor=row.actor, reason=row.reason, detail=row.detail)


def with_toml(ctx: ServiceContext, **policy: object) -> ServiceContext:
    return ServiceContext(replace(ctx.settings, policy_toml=dict(policy)))


def test_case_show_carries_components_and_alternatives_and_the_policy_digest(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-04-05")
    ref = posted_draft(ctx)
    window = draft_window(ctx, ref)
    assert window["due"] == date(2025, 4, 22) and window["components"] == []
    assert window["alternatives"] == [{
        "reading": ("CPR 6.26 deemed service (the second day after posting if a business day, else the next): "
                    "served 2025-04-07"),
        "date": "2025-04-21", "citation": "CPR 6.26", "policy": "deemed_service=cpr_6_26"}]
    final = next(d for d in show_case(ctx.settings, ref)["deadlines"] if d["key"] == "final_plan")
    assert final["components"] == [] and final["alternatives"] == []
    assert hashes(ctx) == {DEFAULT_POLICY.digest}


def test_policy_set_recomputes_every_case_with_a_diff_and_is_audited(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-04-05", user="pat.admin")
    ref = posted_draft(ctx)
    change = set_policy(ctx, "deemed_service", "cpr_6_26", reason="council decision 12/2026")
    assert (change.before, change.after, change.cases) == ("practice_direction_1985", "cpr_6_26", 1)
    assert change.changes == [{"reference": ref, "key": "draft_representations", "before": "2025-04-22",
                               "after": "2025-04-21", "state_before": "pending", "state_after": "pending"}]
    window = draft_window(ctx, ref)
    assert window["due"] == date(2025, 4, 21)
    assert [a["date"] for a in window["alternatives"]] == ["2025-04-22"]  # the 1985 PD reading, now the other
    new = Policy(deemed_service="cpr_6_26").digest
    assert hashes(ctx) == {new}
    with ctx.uow(write=False) as uow:
        audit = list(uow.session.scalars(select(AuditRecord).where(
            AuditRecord.action.in_(("policy_set", "deadlines_recomputed"))).order_by(AuditRecord.id)))
        stored = uow.session.get(SystemFlag, "policy.deemed_service")
        audit = [replace_row(a) for a in audit]
        stored = (stored.value, stored.changed_by) if stored else None
    assert [(a.action, a.actor) for a in audit] == [("policy_set", "pat.admin"), ("deadlines_recomputed", "pat.admin")]
    assert audit[0].reason == "council decision 12/2026"
    assert audit[0].detail == {"key": "deemed_service", "before": "practice_direction_1985", "after": "cpr_6_26",
                               "source": "database", "policy_hash": new}
    assert audit[1].detail["changed"] == 1 and audit[1].detail["first_changes"][0]["after"] == "2025-04-21"
    assert stored == ('"cpr_6_26"', "pat.admin")
    # Every user of the database now computes with it: a new event keeps the CPR reading.
    advance_case(make_ctx(db_url, today="2025-04-25", user="pat.admin"), ref, to="final", on=date(2025, 4, 25))
    assert hashes(ctx) == {new}


def test_policy_set_refuses_bad_input_and_writes_nothing(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-04-05")
    with pytest.raises(Refused, match=r"^policy deemed_service='cpr': choose one of practice_direction_1985, "
                                      r"cpr_6_26 \(or default: back to ehcp.toml or the rulebook's default\)$"):
        set_policy(ctx, "deemed_service", "cpr", reason="typo")
    with pytest.raises(Refused, match="unknown policy setting 'deemed'; settings are reg10_4_limbs"):
        set_policy(ctx, "deemed", "cpr_6_26", reason="typo")
    with pytest.raises(Refused, match="needs --reason"):
        set_policy(ctx, "deemed_service", "cpr_6_26", reason=" ")
    with ctx.uow(write=False) as uow:
        assert uow.flags.with_prefix("policy.") == {}  # nothing written


def test_only_an_admin_sets_the_policy(db_url, make_ctx):
    admin = make_ctx(db_url, user="pat.admin")
    add(admin, login="pat.admin", name="Pat Admin", role="admin", team=None, email=None)
    add(admin, login="casey.worker", name="Casey Worker", role="caseworker", team=None, email=None)
    with pytest.raises(Refused, match=r"permission 'set_policy' needs role admin; casey\.worker is a caseworker"):
        set_policy(make_ctx(db_url, user="casey.worker"), "review_restart", "meeting", reason="try")
    assert set_policy(admin, "review_restart", "meeting", reason="agreed").after == "meeting"


def test_database_wins_over_ehcp_toml_which_supplies_the_defaults(db_url, make_ctx):
    # A fresh database: ehcp.toml's [policy] applies (CPR 6.26 -> the window ends Mon 21 Apr 2025).
    ctx = with_toml(make_ctx(db_url, today="2025-04-05"), deemed_service="cpr_6_26", review_restart="meeting")
    ref = posted_draft(ctx)
    assert draft_window(ctx, ref)["due"] == date(2025, 4, 21)
    rows, found = show_policy(ctx)
    by_key = {r["setting"]: r for r in rows}
    assert by_key["deemed_service"] | {"help": None} == {
        "setting": "deemed_service", "question": "Q3", "help": None,
        "allowed": "practice_direction_1985, cpr_6_26", "default": "practice_direction_1985",
        "value": "cpr_6_26", "source": "ehcp.toml"}
    assert by_key["months_after"]["source"] == "default" and found.conflicts == ()
    # An admin sets another value: the database wins for everyone, and the conflict is warned about.
    change = set_policy(ctx, "deemed_service", "practice_direction_1985", reason="back to the default")
    assert change.warnings == (("policy deemed_service: the database says practice_direction_1985, ehcp.toml says "
                                "cpr_6_26; the database wins (ehcp policy set)"),)
    assert draft_window(ctx, ref)["due"] == date(2025, 4, 22)
    rows, found = show_policy(ctx)
    assert {r["setting"]: r["source"] for r in rows}["deemed_service"] == "database"
    assert {r["setting"]: r["source"] for r in rows}["review_restart"] == "ehcp.toml"
    assert len(found.conflicts) == 1
    # "default" removes the database's value: ehcp.toml applies again (CPR 6.26, 21 Apr).
    back = set_policy(ctx, "deemed_service", "default", reason="follow ehcp.toml")
    assert (back.before, back.after, back.warnings) == ("practice_direction_1985", "cpr_6_26", ())
    assert draft_window(ctx, ref)["due"] == date(2025, 4, 21)
    assert {r["setting"]: r["source"] for r in show_policy(ctx)[0]}["deemed_service"] == "ehcp.toml"


def test_explain_uses_the_policy_in_effect_and_warns_at_a_stale_row(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-04-05")
    ref = posted_draft(ctx)
    found = explain(ctx, ref.lower(), "draft_representations")
    assert (found["reference"], found["due"], found["warnings"]) == (ref, "2025-04-22", [])
    assert [s["step"] for s in found["steps"]][:3] == ["trigger", "service", "period"]
    # ehcp.toml changed without a recompute: the stored row is stale, explain says so.
    other = with_toml(ctx, deemed_service="cpr_6_26")
    stale = explain(other, ref, "draft_representations")
    assert stale["due"] == "2025-04-21"
    assert stale["warnings"] == [(f"the stored deadline was computed under policy {DEFAULT_POLICY.digest}, not "
                                  f"the policy in effect ({Policy(deemed_service='cpr_6_26').digest}): run 'ehcp "
                                  "deadlines recompute'")]
    result = recompute_all(other)
    assert [(c["key"], c["before"], c["after"]) for c in result.changes if c["before"] != c["after"]] == [
        ("draft_representations", "2025-04-22", "2025-04-21")]
    assert explain(other, ref, "draft_representations")["warnings"] == []
    with pytest.raises(Refused, match="no deadline 'amended_plan' on this case; its deadlines are "):
        explain(ctx, ref, "amended_plan")

"""The policy in effect: every reading of the rulebook's open questions a council may choose.

Precedence, per setting (docs/policies.md, README "Policies"):

1. the database (``ehcp policy set KEY VALUE --reason``, an admin, audited): every user of the
   database computes with the same policy, whatever their own ``ehcp.toml`` says;
2. the ``[policy]`` table of ``ehcp.toml``: the defaults for a database where no admin has set the
   key yet (a fresh database);
3. the rulebook's default (ehcp.rules.policy.DEFAULT_POLICY).

A key set in both the database and ``ehcp.toml`` to different values is a conflict: the database
wins and ``ehcp policy show`` (and ``set``) warn. Values are stored as JSON in ``system_flags`` rows
named ``policy.<key>``. Each derived deadline row keeps the digest of the policy that produced it
(``deadlines.policy_hash``); changing the policy recomputes every case in the same transaction and
reports the before/after difference, audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from ehcp.config import Settings
from ehcp.rules.policy import DEFAULT_MAPPING, DEFAULT_POLICY, Policy, allowed_values, coerce_value, plain_value
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.permissions import require
from ehcp.store.reads import Connection, flags_with_prefix, read_connection
from ehcp.store.uow import UnitOfWork

PREFIX = "policy."
DEFAULT, TOML, DATABASE = "default", "ehcp.toml", "database"
UNSET = "default"  # ``policy set KEY default``: remove the database's value
DIFF_SHOWN = 20  # changes listed by `policy set` (the count covers them all)


@dataclass(frozen=True)
class PolicyInForce:
    """The policy every computation uses, where each value came from, and conflicts to warn about."""

    policy: Policy
    sources: dict[str, str] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()


_cache: dict[tuple, PolicyInForce] = {}


def policy_in_force(uow: UnitOfWork, settings: Settings) -> PolicyInForce:
    """Database over ehcp.toml over the defaults."""
    return _in_force({name: row.value for name, row in uow.flags.with_prefix(PREFIX).items()}, settings)


def policy_read(conn: Connection, settings: Settings) -> Policy:
    """The policy in effect read on a Core connection (the reports' read path, no ORM)."""
    return _in_force(flags_with_prefix(conn, PREFIX), settings).policy


def _in_force(flags: dict[str, str], settings: Settings) -> PolicyInForce:
    """The policy from the ``policy.*`` flag rows and ehcp.toml (memoised on the values read)."""
    stored = {name.removeprefix(PREFIX): value for name, value in flags.items()}
    key = (tuple(sorted(stored.items())), json.dumps(settings.policy_toml, sort_keys=True, default=str))
    if key not in _cache:
        _cache[key] = _resolve(stored, settings.policy_toml)
    return _cache[key]


def policy_for(settings: Settings) -> Policy:
    """The policy in effect, in its own read transaction (a command that has no other connection)."""
    with read_connection(settings.database_url) as conn:
        return policy_read(conn, settings)


def policy_of(uow: UnitOfWork, settings: Settings) -> Policy:
    """Just the policy in effect (what compute_deadlines needs)."""
    return policy_in_force(uow, settings).policy


def _resolve(stored: dict[str, str], toml: dict[str, object]) -> PolicyInForce:
    values: dict[str, Any] = {}
    sources = dict.fromkeys(DEFAULT_MAPPING, DEFAULT)
    conflicts: list[str] = []
    for name, value in toml.items():
        values[name] = coerce_value(name, value)
        sources[name] = TOML
    for name, text in stored.items():
        if name not in DEFAULT_MAPPING or not text:
            continue  # unset (``policy set KEY default``), or a setting a later version removed
        value = coerce_value(name, json.loads(text))
        if name in toml and plain_value(values[name]) != plain_value(value):
            conflicts.append(f"policy {name}: the database says {_show(value)}, ehcp.toml says "
                             f"{_show(values[name])}; the database wins (ehcp policy set)")
        values[name] = value
        sources[name] = DATABASE
    try:
        policy = Policy(**{**_defaults(), **values}) if values else DEFAULT_POLICY
    except ValueError as exc:
        raise Refused(str(exc)) from None
    return PolicyInForce(policy, sources, tuple(conflicts))


def _defaults() -> dict[str, Any]:
    return {spec.name: getattr(DEFAULT_POLICY, spec.name) for spec in fields(Policy)}


def _show(value: Any) -> str:
    plain = plain_value(value)
    if isinstance(plain, bool):
        return str(plain).lower()
    if isinstance(plain, list):
        return ", ".join(map(str, plain))  # no brackets: the table would read them as markup
    return "none" if plain is None else str(plain)


def show_policy(ctx: ServiceContext) -> tuple[list[dict[str, Any]], PolicyInForce]:
    """One row per setting: question, allowed values, default, current value and its source."""
    with ctx.uow(write=False) as uow:
        found = policy_in_force(uow, ctx.settings)
    rows = []
    for spec in fields(Policy):
        rows.append({
            "setting": spec.name, "question": spec.metadata["question"], "help": spec.metadata["help"],
            "allowed": allowed_values(spec.name), "default": _show(spec.default),
            "value": _show(getattr(found.policy, spec.name)), "source": found.sources[spec.name],
        })
    return rows, found


@dataclass
class PolicyChange:
    key: str
    before: str
    after: str
    cases: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "before": self.before, "after": self.after, "cases": self.cases,
                "changed": len(self.changes), "changes": self.changes[:DIFF_SHOWN],
                "warnings": list(self.warnings)}


def set_policy(ctx: ServiceContext, key: str, value: str, *, reason: str) -> PolicyChange:
    """An admin sets ``key`` for everyone using the database (VALUE ``default`` removes the database's
    value, so ehcp.toml or the rulebook default applies again); every case is recomputed under the new
    policy in the same transaction, and the change and its before/after difference are audited."""
    from ehcp.services.recompute import recompute_cases  # noqa: PLC0415 - the domain, only when setting

    if not reason or not reason.strip():
        raise Refused("a policy change needs --reason (it is audited)")
    if key not in DEFAULT_MAPPING:
        raise Refused(f"unknown policy setting {key!r}; settings are {', '.join(DEFAULT_MAPPING)}")
    unset = value.strip().lower() == UNSET
    try:
        parsed = None if unset else coerce_value(key, value)
        if not unset:
            Policy(**{**_defaults(), key: parsed})
    except ValueError as exc:
        raise Refused(f"{exc} (or {UNSET}: back to ehcp.toml or the rulebook's default)") from None
    with ctx.uow() as uow:
        require(uow, ctx.settings, "set_policy", always=True)
        old = policy_in_force(uow, ctx.settings)
        before = _show(getattr(old.policy, key))
        # unset: an empty value (kept, not deleted: the admin role may insert and update system_flags only)
        text = "" if unset else json.dumps(plain_value(parsed))
        uow.flags.set(PREFIX + key, text, at=datetime.now(UTC), by=ctx.actor)
        new = policy_in_force(uow, ctx.settings)
        change = PolicyChange(key, before, _show(getattr(new.policy, key)), warnings=new.conflicts)
        uow.audit.append(actor=ctx.actor, action="policy_set", reason=reason,
                         detail={"key": key, "before": before, "after": change.after,
                                 "source": new.sources[key], "policy_hash": new.policy.digest})
        result = recompute_cases(uow, ctx, new.policy)
        # the dates and states that moved (every row is also re-stamped with the new policy digest)
        change.cases = result.cases
        change.changes = [c for c in result.changes
                          if (c["before"], c["state_before"]) != (c["after"], c["state_after"])]
        uow.audit.append(actor=ctx.actor, action="deadlines_recomputed", reason=f"policy {key} = {change.after}",
                         detail={"cases": result.cases, "changed": len(change.changes),
                                 "first_changes": change.changes[:DIFF_SHOWN], "policy_hash": new.policy.digest})
        uow.commit()
    return change

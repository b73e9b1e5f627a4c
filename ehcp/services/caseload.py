"""Moving a caseload (issue 15): ``ehcp case reassign --from LOGIN --to LOGIN [--team TEAM]``.

One transaction: every case of the ``--from`` caseworker (open cases, or all with ``closed``) goes
to ``--to``, each audited on the case as ``case assign`` does (``case_assigned`` with the reason),
so a leaver's work moves at once or not at all. A case's team is its caseworker's team (row-level
security on PostgreSQL reads it so): ``--team`` moves only the cases of that team and refuses a
target outside it, so the cases stay with the team.
"""

from __future__ import annotations

from dataclasses import dataclass

from ehcp.domain import OPEN_STAGES
from ehcp.services.cases import assign, check_reason
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.permissions import require
from ehcp.services.users import active_user, find_user


@dataclass(frozen=True)
class Reassigned:
    source: str
    target: str
    references: list[str]
    team: str | None = None

    def to_dict(self) -> dict:
        return {"from": self.source, "to": self.target, "team": self.team, "moved": len(self.references),
                "references": self.references}


def reassign_caseload(ctx: ServiceContext, source: str, target: str, *, reason: str, team: str | None = None,
                      closed: bool = False) -> Reassigned:
    """Give ``source``'s cases to ``target`` in one transaction; returns the references moved.

    Raises Refused without a reason, for the same login twice, a deactivated target, a target outside
    ``team``, or nothing to move; NotFound for an unknown login."""
    if not reason or not reason.strip():
        raise Refused("say why the caseload moves (--reason)")
    check_reason(reason)
    if source == target:
        raise Refused(f"--from and --to are both {source!r}")
    with ctx.uow() as uow:
        require(uow, ctx.settings, "act_on_cases")
        giver = find_user(uow, source)
        taker = active_user(uow, target)
        team_id = None
        if team is not None:
            team_id = uow.users.team_id(team)
            if team_id is None:
                raise Refused(f"no team called {team!r}")
            if taker.team_id != team_id:
                raise Refused(f"{target} is not in team {team}; the team's cases stay with the team "
                              "(move them without --team, or change the user's team with 'ehcp user edit')")
        stages = None if closed else [s.value for s in OPEN_STAGES]
        cases = uow.cases.of_caseworker(giver.id, stages=stages)
        if team is not None and giver.team_id != team_id:
            cases = []  # a case's team is its caseworker's
        if not cases:
            scope = f" in team {team}" if team else ""
            raise Refused(f"{source} has no {'' if closed else 'open '}cases{scope} to move")
        for case in cases:
            assign(uow, ctx, case, taker, reason=reason.strip(), detail={"from": source, "reassigned": True})
        uow.commit()
        return Reassigned(source, target, [c.reference for c in cases], team)

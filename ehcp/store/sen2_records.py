"""The SEN2 data the event log does not carry: placements in settings, and SEN types of need."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehcp.store.models import Placement, Sen2Plan, SenNeed, Setting


class Sen2Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def setting(self, name: str) -> Setting | None:
        return self.session.scalars(select(Setting).where(Setting.name == name)).first()

    def add_setting(self, setting: Setting) -> Setting:
        self.session.add(setting)
        self.session.flush()
        return setting

    def open_placements(self, case_id: int, rank: int, before: date) -> list[Placement]:
        """The case's placements of ``rank`` with no leaving date that began before ``before``."""
        return list(self.session.scalars(select(Placement).where(
            Placement.case_id == case_id, Placement.placement_rank == rank,
            Placement.leaving_date.is_(None), Placement.entry_date < before)))

    def add_placement(self, placement: Placement) -> Placement:
        self.session.add(placement)
        self.session.flush()
        return placement

    def needs(self, case_id: int) -> list[str]:
        """The case's SEN types, primary first."""
        return list(self.session.scalars(select(SenNeed.sen_type).where(SenNeed.case_id == case_id)
                                         .order_by(SenNeed.sen_type_rank)))

    def replace_needs(self, case_id: int, types: list[str], day: date) -> None:
        self.session.execute(delete(SenNeed).where(SenNeed.case_id == case_id))
        self.session.flush()
        for rank, sen_type in enumerate(types, start=1):
            self.session.add(SenNeed(case_id=case_id, sen_type=sen_type, sen_type_rank=rank, recorded_on=day))

    def plan_items(self, case_id: int) -> Sen2Plan:
        """The case's SEN2 plan items row (NamedPlan items no event carries), created if missing."""
        row = self.session.get(Sen2Plan, case_id)
        if row is None:
            row = Sen2Plan(case_id=case_id)
            self.session.add(row)
        return row

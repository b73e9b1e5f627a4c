"""Users, teams and the system flags (whether permissions are enforced)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehcp.store.models import SystemFlag, Team, User


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, login: str) -> User | None:
        return self.session.scalars(select(User).where(User.login == login)).one_or_none()

    def count(self) -> int:
        return self.session.scalar(select(func.count(User.id))) or 0

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def team(self, name: str) -> Team:
        """The team called ``name``, created if new."""
        team = self.session.scalars(select(Team).where(Team.name == name)).one_or_none()
        if team is None:
            team = Team(name=name)
            self.session.add(team)
            self.session.flush()
        return team

    def team_id(self, name: str) -> int | None:
        """The id of the team called ``name`` (None if there is none; never created)."""
        return self.session.scalar(select(Team.id).where(Team.name == name))

    def team_name(self, team_id: int | None) -> str | None:
        return None if team_id is None else self.session.scalar(select(Team.name).where(Team.id == team_id))

    def flush(self) -> None:
        self.session.flush()


class FlagRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def value(self, name: str) -> str | None:
        return self.session.scalar(select(SystemFlag.value).where(SystemFlag.name == name))

    def exists(self, name: str) -> bool:
        return self.session.get(SystemFlag, name) is not None

    def with_prefix(self, prefix: str) -> dict[str, SystemFlag]:
        """Every flag whose name starts with ``prefix`` (e.g. the ``policy.`` settings), by name."""
        rows = self.session.scalars(select(SystemFlag).where(SystemFlag.name.like(f"{prefix}%")))
        return {row.name: row for row in rows}

    def set(self, name: str, value: str, *, at: datetime, by: str) -> None:
        row = self.session.get(SystemFlag, name)
        if row is None:
            row = SystemFlag(name=name, value=value, changed_at=at, changed_by=by)
            self.session.add(row)
        row.value, row.changed_at, row.changed_by = value, at, by

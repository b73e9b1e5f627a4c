"""Unit of work: one transaction per command, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from ehcp.store.db import engine_for


@lru_cache(maxsize=8)
def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=engine_for(url), expire_on_commit=False, autoflush=True)


class UnitOfWork:
    """``with UnitOfWork(url) as uow: ...; uow.commit()`` - anything not committed is rolled back.

    ``write=False`` opens a deferred (read) transaction on SQLite so readers never queue behind
    writers; writers take the write lock up front (``BEGIN IMMEDIATE``).
    """

    def __init__(self, url: str, *, write: bool = True) -> None:
        self.url = url
        self.write = write
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        self.session = session_factory(self.url)()
        if self.url.startswith("sqlite"):
            mode = "IMMEDIATE" if self.write else "DEFERRED"
            self.session.connection(execution_options={"sqlite_begin": mode})
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def commit(self) -> None:
        self.session.commit()

"""Issue 15: re-running ``ehcp import cases`` on the same file must not double every case. A file
whose content was imported before is refused (its hash is kept in the import's audit record), and so
is a row whose child already has a request received that day; ``--again`` goes on."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ehcp.importing import import_file
from ehcp.services.errors import Refused
from ehcp.store.models import Case
from tests.integration.test_import import CASES_HEADER, TODAY, refused, write

ROWS = (",Pixel,Testington,2016-05-04,,4,2025-03-03,parent,", ",Sam,Sample,2015-01-01,,5,2025-03-04,parent,")


def cases(ctx) -> int:
    with ctx.uow(write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(Case))


def test_the_same_file_twice_is_refused_unless_again(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    import_file(ctx, "cases", write(tmp_path, "cases.csv", CASES_HEADER, *ROWS))
    copy = write(tmp_path, "cases-copy.csv", CASES_HEADER, *ROWS)  # same content, another name
    with pytest.raises(Refused, match=r"already imported on .* \(as cases.csv, the same content\).*--again"):
        import_file(ctx, "cases", copy)
    assert cases(ctx) == 2
    import_file(ctx, "cases", copy, again=True)
    assert cases(ctx) == 4


def test_a_request_with_the_same_child_and_received_date_is_refused(db_url, make_ctx, tmp_path):
    ctx = make_ctx(db_url, today=TODAY)
    import_file(ctx, "cases", write(tmp_path, "first.csv", CASES_HEADER, ROWS[0]))
    later = write(tmp_path, "later.csv", CASES_HEADER, ROWS[0], ROWS[1], ROWS[1],
                  ",Pixel,Testington,2016-05-04,,4,2025-06-02,parent,")
    errors = refused(ctx, "cases", later)
    assert [(line, column) for line, column, _ in errors] == [(2, "received"), (4, "received")]
    assert "Pixel Testington already has a request received 2025-03-03 (a case on file)" in errors[0][2]
    assert "(line 3)" in errors[1][2]
    import_file(ctx, "cases", later, again=True)
    assert cases(ctx) == 5

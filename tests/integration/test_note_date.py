"""Issue 15: a note takes today as every command reads it (EHCP_TODAY), so the timeline never shows a
note dated after the day's events."""

from __future__ import annotations

from datetime import date

from ehcp.services.cases import ChildDetails, add_note, open_case
from ehcp.services.views import timeline


def test_a_note_is_dated_today_as_ehcp_today_gives_it(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-07-01")
    ref = open_case(ctx, ChildDetails("Alex", "Example", date(2016, 5, 4)), received=date(2025, 6, 2)).reference
    add_note(ctx, ref, "phoned the family (synthetic)")
    notes = [i for i in timeline(ctx.settings, ref)["items"] if i["what"] == "note"]
    assert [str(n["date"])[:10] for n in notes] == ["2025-07-01"]

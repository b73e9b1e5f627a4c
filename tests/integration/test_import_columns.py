"""The import column lists (kept free of heavy imports for fast start-up) agree with the domain."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from itertools import pairwise

from ehcp.domain import events as ev
from ehcp.importing import spec


def test_core_kinds_are_the_domains_less_the_request():
    assert set(spec.EVENT_KINDS) == set(ev.EVENT_TYPES) - {"request_received"}


def test_lifecycle_kinds_are_the_domains_less_those_that_open_a_case():
    assert len(set(spec.LIFECYCLE_EVENT_KINDS)) == len(spec.LIFECYCLE_EVENT_KINDS)
    assert spec.LIFECYCLE_NOT_IMPORTED == ("plan_transferred_in", "advice_cancelled")
    assert set(spec.LIFECYCLE_EVENT_KINDS) == set(ev.LIFECYCLE_EVENT_TYPES) - set(spec.LIFECYCLE_NOT_IMPORTED)
    assert not set(spec.LIFECYCLE_EVENT_KINDS) & set(spec.EVENT_KINDS)


def importable(kind: str) -> set[str]:
    """The event's fields but ``on`` and those marked ``import: False`` (a mediation agreement's items)."""
    return {f.name for f in fields(ev.LIFECYCLE_EVENT_TYPES[kind]) if f.metadata.get("import") is not False} - {"on"}


def test_every_lifecycle_field_can_be_read_from_details():
    from ehcp.importing.events import detail_fields

    for kind in spec.LIFECYCLE_EVENT_KINDS:  # raises TypeError for a field type the import cannot read
        assert set(detail_fields(kind)) == importable(kind)
    assert "items" not in detail_fields("mediation_concluded")  # several items: 'ehcp mediation concluded --item'
    assert detail_fields("review_scheduled")["meeting"] == (date, False, True)
    assert detail_fields("mediation_requested")["health"] == (bool, False, False)
    assert detail_fields("child_noted")["year_group"] == (int, True, False)
    assert detail_fields("cease_notice_sent") == {"reason": (str, False, False)}


def test_docs_name_every_lifecycle_kind_and_its_details_keys():
    """docs/import.md lists each lifecycle kind's keys (written by hand): it must not drift."""
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Lifecycle events"):]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| (.*)$", section, re.M)}
    for kind in spec.LIFECYCLE_EVENT_KINDS:
        assert kind in rows, kind
        documented = set(re.findall(r"`(\w+)=", rows[kind]))
        assert documented == importable(kind), kind
    assert "details" in doc and "plan_transferred_in" in doc


def test_payload_columns_are_the_event_fields():
    renamed = {"advice_kind": "advice_kind"}
    for kind, columns in spec.PAYLOAD_COLUMNS.items():
        names = {f.name for f in fields(ev.EVENT_TYPES[kind])} - {"on", "request_id"}
        wanted = {renamed.get(c, c) for c in columns} - {"partner"}
        assert wanted == names, kind
    for kind in spec.EVENT_KINDS:
        if kind not in spec.PAYLOAD_COLUMNS:
            assert {f.name for f in fields(ev.EVENT_TYPES[kind])} == {"on"}, kind


def test_every_file_kind_documents_its_columns():
    for kind, columns in spec.COLUMNS.items():
        text = spec.describe(kind)
        for column in columns:
            assert column.name in text and column.help
    assert [c.name for c in spec.CASES] == ["reference", "given_name", "family_name", "dob", "upn", "year_group",
                                            "received", "source", "caseworker", "sex", "ethnicity", "postcode", "uln"]


def test_the_bulk_writer_fills_every_column_of_the_tables_it_writes():
    """A column added to the schema must be added to the bulk writer too (or have a server default)."""
    from ehcp.importing import writer
    from ehcp.store.models import AdviceRequest, Case, CaseEvent, Child, Deadline

    for model, columns in ((Child, writer.CHILD_COLUMNS), (Case, writer.CASE_COLUMNS),
                           (AdviceRequest, writer.ADVICE_COLUMNS), (CaseEvent, writer.EVENT_COLUMNS),
                           (Deadline, writer.DEADLINE_COLUMNS)):
        table = model.__table__
        missing = {c.name for c in table.columns if c.name not in columns and c.name != "id"
                   and (not c.nullable and c.server_default is None)}
        unknown = set(columns) - {c.name for c in table.columns}
        assert not missing and not unknown, (table.name, missing, unknown)
    assert "is_window" in writer.DEADLINE_COLUMNS  # sync_deadlines stores it; so must the writer


def test_bulk_inserts_use_few_statement_sizes():
    """Each distinct multi-row INSERT stays in SQLite's statement cache (~3 MB for 3,000 rows), so
    the rows of any chunk are cut into the full size and powers of two only."""
    from ehcp.importing.writer import _batches

    sizes = set()
    for count in range(0, 20_000, 7):
        batches = list(_batches(count, 2730))
        assert sum(size for _, size in batches) == count
        assert all(a + n == b for (a, n), (b, _) in pairwise(batches))
        sizes.update(size for _, size in batches)
    assert sizes <= {2730} | {1 << i for i in range(12)}

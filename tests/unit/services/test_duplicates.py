"""Issue 15, duplicates and near misses: a child already on file is recognised whatever the case or
accents of the name, a name a slip away with the same date of birth is caught before a second case
is opened, and the same advice request twice is refused."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.domain.child_match import Person, edit_distance, fold, near_child, same_child
from ehcp.services.advice import ask_for_advice
from ehcp.services.cases import ChildDetails, open_case
from ehcp.services.errors import Conflict, Refused
from tests.unit.services.fakes import FakeUnitOfWork, context

TODAY = date(2025, 7, 1)
ZOE = ChildDetails("Zoë", "O'Brien", date(2016, 5, 4))


def test_names_fold_case_accents_and_spacing():
    assert fold("  Zoë  O'BRIEN ") == "zoe o'brien"
    assert fold("Anne-Marie") == fold("anne marie")
    assert edit_distance("alex example", "alix exampel") == 2
    assert edit_distance("aelx", "alex") == 1
    born = date(2016, 5, 4)
    assert same_child(Person("ZOE", "o'brien", born), Person("Zoë", "O'Brien", born))
    assert near_child(Person("Zoe", "OBrien", born), Person("Zoë", "O'Brien", born))
    assert not near_child(Person("Zoe", "OBrien", date(2016, 5, 5)), Person("Zoë", "O'Brien", born))
    assert near_child(Person("O'Brien", "Zoe", born), Person("Zoë", "O'Brien", born))
    assert not near_child(Person("Sam", "Sample", born), Person("Sky", "Sample", born))  # triplets
    assert not near_child(Person("Baby1", "Sample", born), Person("Baby2", "Sample", born))  # twins, not named yet
    assert same_child(Person("Sam", "Other", date(2015, 1, 1), "A123"), Person("Zoë", "O'Brien", born, "a123"))


def test_the_same_child_in_other_case_and_accents_is_a_conflict():
    ctx = context(TODAY)
    first = open_case(ctx, ZOE, received=date(2025, 3, 3)).reference
    with pytest.raises(Conflict, match=f"already has case\\(s\\) {first}"):
        open_case(ctx, ChildDetails("ZOE", "o'brien", ZOE.dob), received=date(2025, 4, 1))


def test_a_near_match_names_the_case_on_file_and_force_goes_on_audited():
    ctx = context(TODAY)
    first = open_case(ctx, ZOE, received=date(2025, 3, 3)).reference
    slip = ChildDetails("Zoe", "OBrien", ZOE.dob)
    with pytest.raises(Conflict, match=f"looks like Zoë O'Brien .* case\\(s\\) {first}"):
        open_case(ctx, slip, received=date(2025, 4, 1))
    second = open_case(ctx, slip, received=date(2025, 4, 1), force=True, reason="twins").reference
    assert second != first
    assert len(ctx.fake.cases.children) == 2
    overridden = ctx.fake.audit.entries[-1]
    assert overridden.action == "duplicate_overridden"
    assert overridden.detail["matches"] == [first]


def _with_partner(kinds: str | None):
    fake = FakeUnitOfWork(partners=["EP Service (synthetic)"])
    fake.partners.rows[0].advice_kinds = kinds
    ctx = context(TODAY, fake=fake)
    return ctx, open_case(ctx, ZOE, received=date(2025, 3, 3)).reference


def test_the_same_advice_request_twice_is_refused():
    ctx, ref = _with_partner("psychological")
    asked = ask_for_advice(ctx, ref, kind="psychological", partner="EP Service (synthetic)", on=date(2025, 4, 14))
    assert asked.warnings == []
    with pytest.raises(Refused, match="psychological advice was already requested from EP Service"):
        ask_for_advice(ctx, ref, kind="psychological", partner="EP Service (synthetic)", on=date(2025, 4, 14))
    again = ask_for_advice(ctx, ref, kind="psychological", partner="EP Service (synthetic)", on=date(2025, 4, 15))
    assert again.request_id != asked.request_id


def test_a_partner_asked_for_advice_it_does_not_give_is_a_warning():
    ctx, ref = _with_partner("psychological,educational")
    asked = ask_for_advice(ctx, ref, kind="medical", partner="EP Service (synthetic)", on=date(2025, 4, 14))
    assert asked.warnings == [("EP Service (synthetic) is listed as giving psychological, educational advice, "
                              "not medical")]

"""The transition table is complete, consistent and printable."""

from __future__ import annotations

from ehcp.domain import CLOSED_STAGES, EVENT_TYPES, OPEN_STAGES, RECORDINGS, TRANSITIONS, Stage, describe_transitions
from ehcp.domain.machine import COMMON_GUARDS


def reachable() -> set[Stage]:
    seen = {t.target for t in TRANSITIONS if t.source is None}
    while True:
        more = {t.target for t in TRANSITIONS if t.source in seen} - seen
        if not more:
            return seen
        seen |= more


def test_every_stage_is_reachable_from_the_start():
    assert reachable() == set(Stage)


def test_open_and_closed_stages_partition_the_stages():
    assert set(Stage) == OPEN_STAGES | CLOSED_STAGES and not OPEN_STAGES & CLOSED_STAGES
    assert {Stage.NOT_ASSESSED, Stage.NO_PLAN, Stage.CEASED, Stage.WITHDRAWN} == CLOSED_STAGES


def test_closed_stages_have_no_exits():
    assert not [t for t in TRANSITIONS if t.source in CLOSED_STAGES]


def test_every_open_stage_has_an_exit_to_withdrawn():
    for stage in OPEN_STAGES:
        assert any(t.source == stage and t.target == Stage.WITHDRAWN for t in TRANSITIONS), stage


def test_ceased_is_reached_only_from_final_or_review():
    assert {t.source for t in TRANSITIONS if t.target == Stage.CEASED} == {Stage.FINAL, Stage.REVIEW}


def test_review_is_reached_only_from_final():
    assert {t.source for t in TRANSITIONS if t.target == Stage.REVIEW} == {Stage.FINAL}


def test_no_two_transitions_share_source_and_target_or_source_and_event():
    pairs = [(t.source, t.target) for t in TRANSITIONS]
    kinds = [(t.source, t.kind) for t in TRANSITIONS]
    assert len(set(pairs)) == len(pairs) and len(set(kinds)) == len(kinds)


def test_every_event_kind_is_a_move_or_a_recording_and_vice_versa():
    moving = {t.kind for t in TRANSITIONS}
    recorded = {r.kind for r in RECORDINGS}
    assert not moving & recorded
    assert moving | recorded == set(EVENT_TYPES)


def test_every_row_holds_a_named_guard_function():
    guards = {t.guard for t in TRANSITIONS} | {r.guard for r in RECORDINGS} | set(COMMON_GUARDS)
    assert all(callable(g) and g.__name__ != "<lambda>" for g in guards)


def test_every_transition_cites_its_authority():
    assert all(t.citation for t in TRANSITIONS) and all(r.citation for r in RECORDINGS)


def test_describe_transitions_prints_every_row():
    text = describe_transitions()
    assert len([line for line in text.splitlines() if "->" in line]) == len(TRANSITIONS)
    for t in TRANSITIONS:
        assert t.kind in text and t.guard.__name__ in text
    for r in RECORDINGS:
        assert r.kind in text

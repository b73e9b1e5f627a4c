"""Copies of the domain's vocabularies kept where importing the domain would cost start-up time."""

from __future__ import annotations

from ehcp.domain import CLOSED_STAGES
from ehcp.store.reads import CLOSED_STAGES as READ_PATH_CLOSED_STAGES


def test_the_read_path_and_the_chase_skip_exactly_the_domains_closed_stages():
    assert sorted(READ_PATH_CLOSED_STAGES) == sorted(stage.value for stage in CLOSED_STAGES)

from __future__ import annotations

import pytest

from tests.unit.domain.builder import CAL


@pytest.fixture(scope="session")
def cal():
    return CAL

"""Putting the record right (issue 15): re-asking after a cancelled request, ``child edit``,
``partner edit|deactivate``, ``user edit|deactivate`` and ``case reassign``, through the real CLI on
both databases."""

from __future__ import annotations

import json

import pytest


def _open(ehcp, child: str = "Alex Example", dob: str = "2016-05-04", received: str = "2025-03-03",
          *extra: str) -> str:
    out = ehcp("case", "new", "--child", child, "--dob", dob, "--received", received, *extra)
    return out.stdout.strip().splitlines()[-1]


def test_advice_can_be_asked_again_the_same_day_after_the_request_was_cancelled(ehcp):
    ref = _open(ehcp)
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-01")
    ehcp("partner", "add", "EP Service", "--kind", "psychological")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-14")
    again = ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service",
                 "--on", "2025-04-14", code=1)  # a second live request the same day is a duplicate
    assert "already requested" in again.stderr
    ehcp("advice", "cancel", ref, "psychological", "--reason", "sent to the wrong address")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-14")
    rows = ehcp.json("advice", "list", "--case", ref)["advice"]
    assert len(rows) == 2  # the cancelled request stays on file beside the new one
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service",
         "--on", "2025-04-14", code=1)  # and the new one is live: a third is a duplicate again

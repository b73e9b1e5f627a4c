"""The read commands start without the stage machine, the calendars or the ORM (issue 22): each
costs ~100 ms of start-up that ``case show`` / ``case list`` / ``case timeline`` do not need."""

from __future__ import annotations

import json
import subprocess

import pytest

HEAVY = ("ehcp.domain.machine", "calendars", "icalendar", "holidays", "sqlalchemy.orm", "prefect", "alembic")


@pytest.mark.parametrize("command", [["case", "show"], ["case", "timeline"], ["case", "list"]])
def test_read_commands_do_not_import_the_domain_machine_or_calendars(sqlite_url, script, command) -> None:
    env = {"EHCP_DATABASE_URL": sqlite_url, "EHCP_TODAY": "2025-12-01", "EHCP_USER": "casey", "PATH": "/usr/bin:/bin"}
    made = subprocess.run([script, "case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received",
                           "2025-03-03", "--format", "json"], env=env, capture_output=True, text=True, check=True)
    ref = json.loads(made.stdout)["reference"]
    argv = [*command, *([] if command[1] == "list" else [ref]), "--format", "json"]
    probe = (f"import sys, runpy; sys.argv=['ehcp', *{argv!r}]\n"
             "try:\n    runpy.run_module('cli.main', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             f"heavy = {HEAVY!r}\n"
             "found = sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy))\n"
             "assert not found, found\n")
    python = script.rsplit("/", 1)[0] + "/python"
    done = subprocess.run([python, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert ref in done.stdout

"""The rest of the lifecycle as command groups; cli.main registers every Typer in APPS."""

from __future__ import annotations

from cli.disputes import appeal_app, mediation_app, tribunal_app
from cli.plan_life import cease_app, reassess_app, transfer_app
from cli.review import app as review_app

APPS = {
    "review": review_app,
    "reassess": reassess_app,
    "cease": cease_app,
    "transfer": transfer_app,
    "mediation": mediation_app,
    "appeal": appeal_app,
    "tribunal": tribunal_app,
}

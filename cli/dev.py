"""``ehcp dev ...``: developer tools - a deterministic synthetic case load for demos and benchmarks.

The generator, services and migrations are imported inside the command: they load the ORM and
Alembic, which no other command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import dataclasses

import typer

from cli.common import parse_date, refusals, settings
from cli.output import Format, emit_json, info, output_options

app = typer.Typer(help="Developer tools: synthetic data for demos and benchmarks.", no_args_is_help=True)


@app.command("generate")
@refusals
@output_options(listing=False)
def generate(
    plans: int = typer.Option(25_000, "--plans", min=1, max=5_000_000,
                              help="About how many EHC plans are held on today's date (25000 = Kent with "
                                   "headroom; 1000000 = national scale)."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed, size and today give the same rows."),
    database: str | None = typer.Option(None, "--database", help="SQLAlchemy URL to write to (default: "
                                                                     "EHCP_DATABASE_URL). Migrated first."),
    today: str | None = typer.Option(None, "--today", help="Today's date for the data set (default: "
                                                               "EHCP_TODAY or the London date)."),
    jobs: int = typer.Option(1, "--jobs", min=1, max=64, help="Worker processes building the histories and "
                                                               "their deadlines (the rows do not depend on it)."),
    fmt: Format = Format.table,
) -> None:
    """Write a synthetic case load with DfE-like distributions into an empty database.

    Requests over ten years (25% refused, 94% of assessments to a plan, 20-week timeliness 46% /
    47% / 7%, ~6% exceptions), advice from partners with their own latency, annual review cycles.
    Names are invented words; no real person's data is used.

    Example: ehcp dev generate --plans 25000 --seed 1 --database sqlite:///kent-scale.sqlite3
    """
    from ehcp.importing.synthetic import generate as run
    from ehcp.services.context import ServiceContext
    from ehcp.store import migrate

    base = settings()
    if database:
        base = dataclasses.replace(base, database_url=database)
    if today:
        base = dataclasses.replace(base, today_override=parse_date(today, "--today"))
    migrate.upgrade(base.database_url)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        share = done / total
        if share - last[0] >= 0.1 or done == total:
            last[0] = share
            info(f"  {done:,} / {total:,} cases written")

    summary = run(ServiceContext(base), plans, seed, jobs=jobs, progress=progress)
    if fmt is Format.json:
        emit_json(dataclasses.asdict(summary))
        return
    stages = ", ".join(f"{k} {v:,}" for k, v in summary.by_stage.items())
    counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in summary.counts.items())
    info(f"generated {summary.requests:,} cases ({summary.plans:,} active plans; wanted {plans:,}) with seed "
         f"{seed} in {summary.seconds:.1f} s")
    info(f"  stages: {stages}")
    info(f"  rows: {counts}; {summary.caseworkers} caseworkers, {summary.partners} partners")

"""Prefect's environment for ``ehcp flows``: set before Prefect is first imported.

Without ``PREFECT_API_URL`` Prefect starts a temporary local server for the run. We keep its home
(its SQLite database and profiles) under ehcp's data directory, turn its analytics and telemetry
off (``DO_NOT_TRACK=1``), and keep
its logging at WARNING so the command's output is just the run's summary. Existing environment
settings win, so a council's ``prefect server start`` set-up is respected.
"""

from __future__ import annotations

import os
from pathlib import Path

from ehcp.config import Settings, default_data_dir


def data_dir_for(settings: Settings) -> Path:
    url = settings.database_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url.removeprefix("sqlite:///")).expanduser().resolve().parent
    return default_data_dir()


def configure_prefect(settings: Settings, *, verbose: bool = False) -> None:
    """Set Prefect's environment (home, analytics, logging, API URL) unless already set."""
    os.environ.setdefault("PREFECT_HOME", str(data_dir_for(settings) / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # Prefect's client telemetry notice and events
    # a temporary server that does not answer in time: fail fast, the CLI falls back to the direct path
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "30")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    if settings.prefect_api_url:
        os.environ.setdefault("PREFECT_API_URL", settings.prefect_api_url)

"""One settings object, read from the environment (and optionally ``ehcp.toml``).

| variable            | meaning                                             | default                               |
|---------------------|-----------------------------------------------------|---------------------------------------|
| EHCP_DATABASE_URL   | SQLAlchemy URL of the case database                 | sqlite file in the user's data dir    |
| EHCP_TODAY          | ISO date (2014..2100) taken as today's London date  | the real Europe/London date           |
| EHCP_USER           | who is acting (audit trail, permissions)            | the operating-system login            |
| EHCP_OUTBOX         | folder for the default e-mail notifier (.eml files) | ``outbox/`` beside the database       |
| EHCP_CONFIG         | path of an ``ehcp.toml``                            | ``./ehcp.toml`` if present            |
| EHCP_ENFORCE_PERMISSIONS | 1: roles checked, unknown logins refused       | on from the first ``ehcp user add``   |
| EHCP_RETENTION_YEARS | closed SEN files kept N years after closure (>= 25) | 31                                    |
| EHCP_SEN2_DMO, EHCP_SEN2_DCO, EHCP_SEN2_DSCO | SEN2 header: designated medical / clinical / social care |
|                     | officer in post (Y, N or R)                         | none: ``sen2 export`` refuses         |

Secrets (SMTP password, GOV.UK Notify key) come only from the environment or ``ehcp.toml`` and are
never printed: ``Settings.__repr__`` masks them.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from ehcp.dates import BadDate, parse_iso_date

# EHCP_TODAY is for rehearsals and tests; a date outside these years is a typing slip, not a plan
# (the SEND Regulations began on 1 September 2014).
TODAY_RANGE = (date(2014, 1, 1), date(2100, 12, 31))


class BadSetting(ValueError):
    """A setting (environment or ehcp.toml) that cannot be used: refused with one line."""


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/ehcp`` (normally ``~/.local/share/ehcp``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ehcp"


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'ehcp.sqlite3'}"


def london_today() -> date:
    """Today's date in Europe/London, as a plain ``datetime.date``: pendulum's Date is a subclass that
    sqlite3 cannot bind (every query with today in it failed without EHCP_TODAY)."""
    import pendulum  # noqa: PLC0415 - 27 ms to import; only needed when EHCP_TODAY is not set

    now = pendulum.now("Europe/London")
    return date(now.year, now.month, now.day)


@dataclass(frozen=True)
class Settings:
    database_url: str
    user: str
    outbox: Path
    today_override: date | None = None
    notifier: str = "outbox"  # outbox | smtp | govuk_notify
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_tls: str = "none"  # none | starttls | ssl
    mail_from: str = "ehcp@localhost"
    notify_api_key: str | None = field(default=None, repr=False)
    prefect_api_url: str | None = None
    due_soon_days: int = 7
    enforce_permissions: bool = False  # roles checked, unknown logins refused (also `ehcp user enforce on`)
    retention_years: int = 31  # closed SEN files kept this many years after closure (at least 25)
    sen2_dmo: str | None = None  # SEN2 header DMO/DCO/DSCO: Y, N or R (R: recruitment in progress)
    sen2_dco: str | None = None
    sen2_dsco: str | None = None
    # The [policy] table of ehcp.toml (ehcp.rules.Policy field -> value), checked when loaded. The
    # policy in effect is the database's (``ehcp policy set``) over this over the rulebook defaults
    # (ehcp.services.policy).
    policy_toml: dict[str, object] = field(default_factory=dict, hash=False, compare=False)

    @property
    def today(self) -> date:
        return self.today_override or london_today()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_ENV = {
    "database_url": "EHCP_DATABASE_URL",
    "user": "EHCP_USER",
    "outbox": "EHCP_OUTBOX",
    "today_override": "EHCP_TODAY",
    "notifier": "EHCP_NOTIFIER",
    "smtp_host": "EHCP_SMTP_HOST",
    "smtp_port": "EHCP_SMTP_PORT",
    "smtp_user": "EHCP_SMTP_USER",
    "smtp_password": "EHCP_SMTP_PASSWORD",
    "smtp_tls": "EHCP_SMTP_TLS",
    "mail_from": "EHCP_MAIL_FROM",
    "notify_api_key": "EHCP_NOTIFY_API_KEY",
    "prefect_api_url": "PREFECT_API_URL",
    "due_soon_days": "EHCP_DUE_SOON_DAYS",
    "enforce_permissions": "EHCP_ENFORCE_PERMISSIONS",
    "retention_years": "EHCP_RETENTION_YEARS",
    "sen2_dmo": "EHCP_SEN2_DMO",
    "sen2_dco": "EHCP_SEN2_DCO",
    "sen2_dsco": "EHCP_SEN2_DSCO",
}


def _from_toml(env: dict[str, str]) -> dict[str, object]:
    path = Path(env.get("EHCP_CONFIG", "ehcp.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    known = {f.name for f in fields(Settings)} - {"policy_toml"}
    table = data.get("ehcp", data)
    values: dict[str, object] = {k: v for k, v in table.items() if k in known}
    policy = table.get("policy", data.get("policy"))
    if policy is not None:
        values["policy_toml"] = _policy_table(policy, path)
    return values


def _policy_table(table: object, path: Path) -> dict[str, object]:
    """The ``[policy]`` table, every key and value checked against ehcp.rules.Policy (one line if not)."""
    from ehcp.rules.policy import Policy  # noqa: PLC0415 - only when ehcp.toml has a [policy] table

    if not isinstance(table, dict):
        raise BadSetting(f"{path}: [policy] must be a table of settings")
    try:
        Policy.from_mapping(table)
    except ValueError as exc:
        raise BadSetting(f"{path} [policy]: {exc}") from None
    return dict(table)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build the settings: environment first, then ``ehcp.toml``, then defaults."""
    env = dict(os.environ if env is None else env)
    values: dict[str, object] = _from_toml(env)
    for name, var in _ENV.items():
        if env.get(var):
            values[name] = env[var]
    url = str(values.pop("database_url", "") or default_database_url())
    outbox = Path(str(values.pop("outbox"))) if "outbox" in values else _beside_database(url) / "outbox"
    today = _date_or_none(values.pop("today_override", None))
    user = str(values.pop("user", "") or _os_login())
    for key in ("smtp_port", "due_soon_days", "retention_years"):
        if key in values:
            values[key] = _number(values[key])
    if "enforce_permissions" in values:
        values["enforce_permissions"] = _flag(values["enforce_permissions"])
    # The remaining values are Settings fields by name (_ENV and _from_toml keep only those); their
    # types were fixed above or are strings, which mypy cannot see through a dict[str, object].
    return Settings(database_url=url, user=user, outbox=outbox, today_override=today,
                    **values)  # type: ignore[arg-type]


def _date_or_none(value: object) -> date | None:
    if isinstance(value, str):
        try:
            value = parse_iso_date(value, what="EHCP_TODAY")
        except BadDate as exc:
            raise BadSetting(str(exc)) from None
    if value is None:
        return None
    if not isinstance(value, date):
        raise BadSetting(f"EHCP_TODAY: expected an ISO date, got {value!r}")
    first, last = TODAY_RANGE
    if not first <= value <= last:
        raise BadSetting(f"EHCP_TODAY {value.isoformat()} is outside {first.year}..{last.year}")
    return value


def _number(value: object) -> int:
    if isinstance(value, str | int | float):
        return int(value)
    raise TypeError(f"expected a whole number, got {value!r}")


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _beside_database(url: str) -> Path:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).expanduser().resolve().parent
    return default_data_dir()


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

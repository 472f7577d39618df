"""``suyuan.toml``: the deployment's configuration, structured into attrs classes with cattrs.

Every error names the full path of the bad value, e.g. ``cases.default_deadline_days: expected an
integer``, so a county developer can fix the file without reading code.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import zoneinfo
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import list_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from suyuan_core.errors import ConfigError

T = TypeVar("T")

ENV_CONFIG = "SUYUAN_CONFIG"
DEFAULT_FILE = "suyuan.toml"
MAX_CONFIG_BYTES = 1_000_000


class FieldError(ValueError):
    """Raised by config validators so the error path ends with the field's name."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _tz(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise FieldError(attribute.name,
                         f"unknown time zone {value!r} (use e.g. Asia/Shanghai)") from None


def _positive(obj: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise FieldError(attribute.name, f"must be at least 1, got {value}")


#: the languages suyuan ships catalogs for (web/pages/i18n.LANGUAGES keeps the same codes).
LANGUAGES = ("zh-Hans", "en")


def _language(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in LANGUAGES:
        raise FieldError(attribute.name,
                         f"unknown language {value!r} (use {' or '.join(LANGUAGES)})")


@attrs.frozen
class DeploymentSection:
    name: str = "suyuan"
    #: SQLAlchemy URL; a relative SQLite path is relative to the config file.
    database: str = "sqlite:///suyuan.db"
    timezone: str = attrs.field(default="Asia/Shanghai", validator=_tz)
    language: str = attrs.field(default="zh-Hans", validator=_language)


@attrs.frozen
class PluginsSection:
    enabled: list[str] = attrs.Factory(list)


@attrs.frozen
class CasesSection:
    #: 司法部《人民调解工作若干规定》Art 33: 一般一个月内调结 → 30 calendar days by default.
    default_deadline_days: int = attrs.field(default=30, validator=_positive)
    #: the county's short code used in case references, e.g. JT-2026-000123.
    reference_prefix: str = "SY"


@attrs.frozen
class DataSection:
    """Files the deployment is seeded from (relative to the config file)."""

    areas: str | None = None
    categories: str | None = None
    roster: str | None = None


@attrs.frozen
class WebSection:
    """``[web]``: the HTTP layer (``suyuan serve``)."""

    #: mark session cookies ``Secure`` (sent over HTTPS only; browsers also accept them on
    #: http://localhost). Set false only for a plain-HTTP intranet without TLS.
    secure_cookies: bool = True
    session_hours: int = attrs.field(default=12, validator=_positive)
    #: login throttling: this many failures for one user name within the window lock it out
    #: until the window has passed (an address gets four times as many).
    login_max_failures: int = attrs.field(default=5, validator=_positive)
    login_window_minutes: int = attrs.field(default=15, validator=_positive)
    #: addresses or networks (CIDR) of the reverse proxies in front of suyuan: only from these is
    #: ``X-Forwarded-For`` believed when the audit log records a client's address.
    trusted_proxies: list[str] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        import ipaddress

        for item in self.trusted_proxies:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise FieldError("trusted_proxies", f"{item!r} is not an address or network "
                                 "(e.g. 10.0.0.5 or 10.1.0.0/16)") from None


SCHEDULERS = ("embedded", "worker", "off")


def _scheduler(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in SCHEDULERS:
        raise FieldError(attribute.name, f"must be one of {', '.join(SCHEDULERS)}, got {value!r}")


@attrs.frozen
class JobsSection:
    """``[jobs]``: who runs the scheduled work the plugins declare (``suyuan jobs``)."""

    #: ``embedded``: a thread inside each ``suyuan serve`` process ticks (the default; several
    #: processes are safe, a slot runs once); ``worker``: only ``suyuan worker`` processes run
    #: jobs (PostgreSQL queue); ``off``: nothing runs by itself (``suyuan jobs run-due`` by hand).
    scheduler: str = attrs.field(default="embedded", validator=_scheduler)
    tick_seconds: int = attrs.field(default=30, validator=_positive)


@attrs.frozen
class ChannelSection:
    """One outside channel: an apprise URL (``wecom://…``, ``dingtalk://…``, ``mailto://…``,
    ``json://…`` …) and which notifications go there."""

    url: str
    #: notification kinds sent here (empty: every kind).
    kinds: list[str] = attrs.Factory(list)
    #: only notifications about cases in these areas' subtrees (empty: everywhere).
    areas: list[str] = attrs.Factory(list)


@attrs.frozen
class NotificationsSection:
    """``[notifications]``: the in-app inbox needs nothing; outside channels are listed here."""

    channels: dict[str, ChannelSection] = attrs.Factory(dict)
    retries: int = attrs.field(default=3, validator=_positive)
    retry_minutes: int = attrs.field(default=5, validator=_positive)


@attrs.frozen
class PrivacySection:
    """``[privacy]``: the keys of the columns plugins declare encrypted at rest, and unmasking."""

    key_file: str = "suyuan-keys.txt"
    keys_env: str = "SUYUAN_KEYS"
    unmask_reason_min: int = attrs.field(default=4, validator=_positive)


@attrs.frozen
class AuditSection:
    """``[audit]``: reads are audited in batches (see :mod:`suyuan_core.accounts.audit`)."""

    #: the longest a read's entry waits before it is written (a crash loses at most this much).
    read_flush_ms: int = attrs.field(default=200, validator=_positive)
    #: write as soon as this many read entries wait.
    read_batch: int = attrs.field(default=200, validator=_positive)


def _database_url(obj: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and not value.startswith("postgresql"):
        raise FieldError(attribute.name, f"{value!r} is not a PostgreSQL URL (a replica is a "
                         "PostgreSQL standby: postgresql+psycopg://user@host:port/db)")


@attrs.frozen
class DatabaseSection:
    """``[database]``: where reads go. The primary is ``[deployment] database``."""

    #: a PostgreSQL streaming replica (hot standby) of the primary: read-only sessions
    #: (``deployment.reading()``) go there; writes, and reads that must see one's own writes,
    #: go to the primary; when the replica does not answer, reads fall back to the primary.
    replica_url: str | None = attrs.field(default=None, validator=_database_url)
    #: after the replica failed to answer, go back to it after this many seconds.
    replica_retry_seconds: int = attrs.field(default=30, validator=_positive)


def _clock(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value):
        raise FieldError(attribute.name, f"{value!r} is not a local time HH:MM, e.g. 02:30")


@attrs.frozen
class IntegritySection:
    """``[integrity]``: a signed checkpoint of every digest chain's head, taken by itself each
    night (job ``core.integrity_checkpoint``) after a clean check and after comparing the
    database with the checkpoint before — so removing the newest events is caught within a day
    even by someone who also dropped the database's triggers. Off until both are set."""

    #: the folder the checkpoints are written to (relative to suyuan.toml): best a mount that
    #: is not on the database host.
    checkpoints: str | None = None
    #: the Ed25519 private key that signs them (``suyuan integrity --new-key PATH``).
    private_key: str | None = None
    #: the local time the nightly checkpoint is taken.
    at: str = attrs.field(default="02:30", validator=_clock)

    def __attrs_post_init__(self) -> None:
        if (self.checkpoints is None) != (self.private_key is None):
            raise FieldError("checkpoints" if self.checkpoints is None else "private_key",
                             "checkpoints and private_key go together (a folder for the "
                             "checkpoints and the key that signs them)")

    @property
    def enabled(self) -> bool:
        return self.checkpoints is not None and self.private_key is not None


@attrs.frozen
class CoreConfig:
    deployment: DeploymentSection = attrs.Factory(DeploymentSection)
    plugins: PluginsSection = attrs.Factory(PluginsSection)
    cases: CasesSection = attrs.Factory(CasesSection)
    data: DataSection = attrs.Factory(DataSection)
    web: WebSection = attrs.Factory(WebSection)
    jobs: JobsSection = attrs.Factory(JobsSection)
    notifications: NotificationsSection = attrs.Factory(NotificationsSection)
    privacy: PrivacySection = attrs.Factory(PrivacySection)
    audit: AuditSection = attrs.Factory(AuditSection)
    database: DatabaseSection = attrs.Factory(DatabaseSection)
    integrity: IntegritySection = attrs.Factory(IntegritySection)


@attrs.frozen
class Config:
    """The whole file: the core's sections plus each plugin's raw ``[plugins.<name>]`` table."""

    core: CoreConfig
    plugin_tables: dict[str, dict[str, Any]]
    path: Path | None = None

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def database_url(self) -> str:
        url = self.core.deployment.database
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.resolve(url[len(prefix):]))
        return url


_converter = cattrs.Converter(forbid_extra_keys=True)


def _strict(kind: type, name: str) -> None:
    """TOML has native booleans, integers and strings: refuse ``"maybe"`` for a bool instead of
    letting ``bool("maybe")`` turn it into True."""
    def check(value: Any, _: type) -> Any:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"expected {name}, got {value!r}")
        return value
    _converter.register_structure_hook(kind, check)


for _kind, _name in ((bool, "true or false"), (int, "an integer"), (float, "a number"),
                     (str, "a text")):
    _strict(_kind, _name)


def _is_list(tp: Any) -> bool:
    return getattr(tp, "__origin__", None) is list


def _list_factory(tp: Any) -> Any:
    """Refuse a bare string where a list is expected (``enabled = "smart"`` is not 5 plugins)."""
    inner = list_structure_factory(tp, _converter)

    def check(value: Any, _: type) -> Any:
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a list, got {value!r}")
        return inner(value, tp)
    return check


_converter.register_structure_hook_factory(_is_list, _list_factory)


def _messages(exc: BaseException, path: str) -> list[str]:
    """Flatten a cattrs error tree into ``path: message`` lines."""
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = ", ".join(sorted(exc.extra_fields))
        known = [f.name for f in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        close = [f"{k!r} → {m[0]!r}" for k in sorted(exc.extra_fields)
                 for m in [difflib.get_close_matches(k, known, n=1)] if m]
        mean = f" (did you mean {', '.join(close)}?)" if close else (
            f" (known: {', '.join(known)})" if known else "")
        text = f"unknown key(s) {keys}{mean}"
        return [f"{path}: {text}" if path else text]
    if isinstance(exc, ClassValidationError | IterableValidationError):
        out: list[str] = []
        for sub in exc.exceptions:
            note = next((n for n in getattr(sub, "__notes__", []) if hasattr(n, "name")), None)
            name = getattr(note, "name", getattr(note, "index", None))
            sub_path = path if name is None else (f"{path}.{name}" if path else str(name))
            out.extend(_messages(sub, sub_path))
        return out
    message = "is required" if isinstance(exc, KeyError) else str(exc)
    if isinstance(exc, FieldError):
        path = f"{path}.{exc.field}" if path else exc.field
    return [f"{path}: {message}"]


def structure(data: dict[str, Any], cls: type[T], path: str,
              error: type[ConfigError] = ConfigError) -> T:
    """Structure ``data`` into ``cls`` or raise a one-line ``error`` naming the bad path."""
    try:
        return _converter.structure(data, cls)
    except Exception as exc:  # cattrs wraps every failure; unwrap into one line
        lines = _messages(exc, path)
        raise error("; ".join(lines), hint="fix suyuan.toml") from None


def parse(data: dict[str, Any], path: Path | None = None) -> Config:
    data = dict(data)
    plugins = dict(data.get("plugins", {}))
    tables = {k: v for k, v in plugins.items() if isinstance(v, dict)}
    for name in tables:
        plugins.pop(name)
    data["plugins"] = plugins
    core = structure(data, CoreConfig, "")
    return Config(core=core, plugin_tables=tables, path=path)


def find(explicit: str | Path | None = None) -> Path | None:
    """The config file: ``--config``, else ``$SUYUAN_CONFIG``, else ``./suyuan.toml`` if present."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    default = Path.cwd() / DEFAULT_FILE
    return default if default.exists() else None


def load(path: str | Path) -> Config:
    file = Path(path)
    if not file.exists():
        raise ConfigError(f"config file {file} does not exist",
                          hint="create one with `suyuan init` or pass --config / SUYUAN_CONFIG")
    if not file.is_file():
        raise ConfigError(f"config file {file} is a directory, not a file",
                          hint=f"pass the suyuan.toml inside it: --config {file / DEFAULT_FILE}")
    try:
        raw = file.read_bytes()
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{file}: {len(raw)} bytes is too large for a configuration",
                              hint=f"a suyuan.toml is at most {MAX_CONFIG_BYTES} bytes")
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                          f"{exc.start})", hint="save suyuan.toml as UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{file}: nests too deeply to be a configuration") from None
    return parse(data, file.resolve())

"""A Deployment: one county's configuration, plugins, database and registries.

CLI, HTTP and tests all start from one. There is no global state: two Deployments in one process
(e.g. two tests) share nothing.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from suyuan_core import config as config_mod
from suyuan_core.accounts.audit import AuditLog
from suyuan_core.accounts.privacy import Privacy
from suyuan_core.accounts.service import AccountService
from suyuan_core.areas.service import AreaService
from suyuan_core.cases.bulk import BulkWriter
from suyuan_core.cases.merging import MergeService
from suyuan_core.cases.query import CaseQuery
from suyuan_core.cases.routing import RoutingService
from suyuan_core.cases.service import CaseService
from suyuan_core.domain.metrics import MetricDefinition
from suyuan_core.domain.registry_items import Category, IntakeSource, Permission
from suyuan_core.domain.roster import Role
from suyuan_core.errors import PluginError
from suyuan_core.jobs.runner import JobService
from suyuan_core.metrics.rollup import Rollup
from suyuan_core.metrics.service import MetricService
from suyuan_core.notifications.service import NotificationService
from suyuan_core.plugins import manager
from suyuan_core.plugins.calling import HookCall, HookRelay
from suyuan_core.plugins.contracts import pillar_gaps
from suyuan_core.plugins.spec import LoadedPlugin, MigrationSource
from suyuan_core.registry import Registry
from suyuan_core.roster.service import RosterService
from suyuan_core.storage import migrate
from suyuan_core.storage.engine import make_engine

BUILTIN = "suyuan_core"
log = logging.getLogger("suyuan.plugins")
db_log = logging.getLogger("suyuan.database")
#: the role that grants every permission any enabled plugin registers.
ADMIN_ROLE = "admin"
#: set to 1 to print every hook call and its result on stderr (debugging a plugin).
TRACE_ENV = "SUYUAN_TRACE_HOOKS"


class Deployment:
    """Build with :meth:`from_file` / :meth:`from_dict`; close with :meth:`close`."""

    def __init__(self, config: config_mod.Config, *,
                 extra_plugins: Mapping[str, ModuleType | object] | None = None,
                 discover: bool = True, engine_options: dict[str, Any] | None = None) -> None:
        self.config = config
        self.available = manager.discover() if discover else {}
        enabled = manager.resolve(config.core.plugins.enabled, self.available,
                                  dict(extra_plugins or {}), config.plugin_tables)
        self.plugins: list[LoadedPlugin] = [manager.builtin(BUILTIN, "suyuan_core.builtin"),
                                            *enabled]
        self._by_name = {p.name: p for p in self.plugins}
        self.pm: pluggy.PluginManager = manager.new_manager()
        manager.register(self.pm, self.plugins)
        if os.environ.get(TRACE_ENV):
            self.pm.trace.root.setwriter(lambda message: sys.stderr.write(f"hook: {message}"))
            self.pm.enable_tracing()
        #: the hooks, called through pluggy in the documented order: ``d.hook.<name>(**kwargs)``
        #: (``deployment`` is passed for you); see :mod:`suyuan_core.plugins.calling`.
        self.hook = HookRelay(self.pm, {"deployment": self})
        options = dict(engine_options or {})
        self.engine: Engine = make_engine(config.database_url, **options)
        self.read_engine: Engine = (make_engine(config.database_url, immediate=False, **options)
                                    if self.engine.dialect.name == "sqlite" else self.engine)
        replica = config.core.database.replica_url
        #: the PostgreSQL streaming replica reads go to (``[database] replica_url``), or None.
        self.replica_engine: Engine | None = (
            make_engine(replica, pool_pre_ping=True, connect_args={"connect_timeout": 3},
                        **options) if replica else None)
        self._replica_down_until = 0.0
        self.categories: Registry[Category] = Registry("category")
        self.sources: Registry[IntakeSource] = Registry("intake source")
        self.roles: Registry[Role] = Registry("role")
        self.permissions: Registry[Permission] = Registry("permission")
        self.metrics: Registry[MetricDefinition] = Registry("metric", key="key")
        self.migrations: list[MigrationSource] = []
        self.migration_owners: dict[str, str] = {}
        self._register()
        self.rollup = Rollup(self.metrics, config.core.deployment.timezone)
        self.areas = AreaService(self)
        self.cases = CaseService(self)
        self.roster = RosterService(self)
        self.metric_service = MetricService(self)
        self.routing = RoutingService(self)
        #: merging duplicates (``merge`` / ``unmerge`` events that keep the figures right).
        self.merges = MergeService(self)
        #: bulk intake: ``bulk.write([CaseRecord, …])`` in one all-or-nothing transaction.
        self.bulk = BulkWriter(self)
        self.case_query = CaseQuery(self)
        self.accounts = AccountService(self)
        self.audit = AuditLog(self)
        self.privacy = Privacy(self)
        for gap in pillar_gaps(self, self.plugins):  # a warning, not a refusal: see contracts.py
            log.warning("%s (see `suyuan plugins check`)", gap)
        #: scheduled work the plugins declare (``suyuan_register_jobs``) and its runs.
        self.jobs = JobService(self)
        self.jobs.register()
        #: the outbox: ``notifications.notify(kind, to=[…], subject=…)``; inbox and channels.
        self.notifications = NotificationService(self)
        self.notifications.register()
        self.hook.suyuan_startup(deployment=self)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> Deployment:
        """A deployment from a ``suyuan.toml``."""
        return cls(config_mod.load(path), **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any], base_dir: Path | None = None,
                  **kwargs: Any) -> Deployment:
        """A deployment from configuration data (as parsed TOML); ``base_dir`` resolves relative
        paths."""
        path = (base_dir / config_mod.DEFAULT_FILE) if base_dir else None
        return cls(config_mod.parse(data, path), **kwargs)

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook (the same pluggy call as ``d.hook.<hook>(**kwargs)``) and return every
        non-None result as ``(plugin, result)``, in the order the implementations ran: a plugin
        before the plugins it requires, the core last."""
        call: HookCall = getattr(self.hook, hook)
        return call.each(**kwargs)

    def _collect(self, hook: str) -> list[tuple[str, Any]]:
        return self.call_each(hook)

    def _register(self) -> None:
        for registry, hook in ((self.categories, "suyuan_register_categories"),
                               (self.sources, "suyuan_register_intake_sources"),
                               (self.permissions, "suyuan_register_permissions"),
                               (self.roles, "suyuan_register_roles"),
                               (self.metrics, "suyuan_register_metrics")):
            # filled dependencies first (the core's items first), the reverse of the call order
            for name, items in reversed(self._collect(hook)):
                registry.extend(items, name)  # type: ignore[attr-defined]
        owned = list(reversed(self._collect("suyuan_register_migrations")))
        self.migrations = [source for _, source in owned]
        #: branch label → the plugin that ships it.
        self.migration_owners = {source.branch_label: name for name, source in owned}
        for permission in self.permissions:
            for code in permission.granted_to:
                role = self.roles.get(code)
                if role is None:
                    raise PluginError(f"permission {permission.code!r} (from {permission.provider}) "
                                      f"is granted to unknown role {code!r}",
                                      hint="name a role the core or an enabled plugin registers")
                grants: frozenset[str] = frozenset(role.permissions) | {permission.code}
                self.roles.replace(attrs.evolve(role, permissions=grants))  # type: ignore[arg-type]
        # The county administrator sees every enabled plugin's features: the ``admin`` role
        # grants every registered permission (a plugin's reports, ranking, dispatch …), over the
        # areas it is granted at like any role.
        admin = self.roles.get(ADMIN_ROLE)
        if admin is not None:
            # …but not a right the law reserves to named roles (Permission.restricted)
            everything: Any = frozenset(p.code for p in self.permissions if not p.restricted)
            self.roles.replace(attrs.evolve(admin, permissions=everything))
        for role in self.roles:
            missing = sorted(set(role.permissions) - set(self.permissions.codes()))
            if missing:
                raise PluginError(f"role {role.code!r} (from {role.provider}) grants unknown "
                                  f"permission(s) {', '.join(missing)}",
                                  hint="register them with suyuan_register_permissions")

    def plugin(self, name: str) -> LoadedPlugin:
        """The enabled plugin ``name`` (its spec, module and settings); PluginError when not
        enabled."""
        found = self._by_name.get(name)
        if found is None:
            raise PluginError(f"plugin {name!r} is not enabled")
        return found

    def settings(self, name: str) -> Any:
        """The plugin's ``[plugins.<name>]`` settings, structured into its settings class."""
        return self.plugin(name).settings

    # -- database ----------------------------------------------------------------------------
    @contextmanager
    def transaction(self, session: Session | None = None) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back everything on any error. With
        ``session`` given, joins that transaction instead (the caller commits)."""
        if session is not None:
            yield session
            return
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session (on SQLite, one that never takes the write lock): for queries of
        a plugin's own tables. With ``[database] replica_url`` it reads the replica, which may
        lag the primary by a moment — use :meth:`primary` to see what was just written."""
        with self.read_connection() as conn, Session(conn) as s, s.begin():
            yield s

    @contextmanager
    def primary(self) -> Iterator[Session]:
        """A read-only session on the primary database: for reads that must see the latest
        writes (sign-in, tokens, the job queue, the audit log)."""
        with Session(self.read_engine) as s, s.begin():
            yield s

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A connection for reading: the replica when one is configured and answers (else, for
        ``replica_retry_seconds``, the primary), otherwise the primary's read engine."""
        conn = self._replica_connection()
        if conn is None:
            conn = self.read_engine.connect()
        with conn:
            yield conn

    def _replica_connection(self) -> Connection | None:
        if self.replica_engine is None or time.monotonic() < self._replica_down_until:
            return None
        try:
            return self.replica_engine.connect()
        except OperationalError as exc:
            retry = self.config.core.database.replica_retry_seconds
            self._replica_down_until = time.monotonic() + retry
            db_log.warning("the replica does not answer (%s); reading the primary for "
                        "%d s", str(exc).splitlines()[0], retry)
            return None

    def upgrade(self) -> list[str]:
        """``suyuan db upgrade``: the core's and every enabled plugin's migrations to their heads."""
        heads = migrate.upgrade(self.engine, self.migrations, self.migration_owners)
        self.areas.refresh()
        self.roster.save_declared()
        return heads

    def new_revision(self, plugin: str, message: str) -> Path:
        """``suyuan db revision --plugin NAME -m MESSAGE``: the plugin's next migration, written
        from its tables' metadata (see :func:`suyuan_core.storage.migrate.revision`)."""
        branches = [b for b, owner in self.migration_owners.items() if owner == plugin]
        if not branches:
            self.plugin(plugin)  # not enabled: says so
            raise PluginError(f"plugin {plugin!r} has no migration branch",
                              hint="return a MigrationSource from suyuan_register_migrations")
        return migrate.revision(self.engine, self.migrations, branches[0], message,
                                self.migration_owners)

    def migration_status(self) -> dict[str, tuple[str | None, str]]:
        """Each migration branch: ``(current revision, head)``."""
        return migrate.status(self.engine, self.migrations, self.migration_owners)

    @cached_property
    def dialect(self) -> str:
        """The database's dialect name: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Write the queued audit entries, then dispose of the database connections."""
        self.audit.close()
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
        if self.replica_engine is not None:
            self.replica_engine.dispose()


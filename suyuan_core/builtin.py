"""The core's own registrations, made through the same hooks a plugin uses (dogfooding)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core.accounts.masking import SensitiveField
from suyuan_core.domain.cases import Case
from suyuan_core.domain.lifecycle import OPEN_STATUSES, Status
from suyuan_core.domain.metrics import MetricDefinition
from suyuan_core.domain.registry_items import Category, IntakeSource, Permission, RouteProposal
from suyuan_core.domain.roster import Role
from suyuan_core.errors import ConfigError, SuyuanError
from suyuan_core.hookspecs import hookimpl
from suyuan_core.jobs.spec import Job
from suyuan_core.metrics.core_metrics import CORE_METRICS
from suyuan_core.plugins.spec import MigrationSource, PluginSpec
from suyuan_core.storage import tables
from suyuan_core.storage.migrate import core_source
from suyuan_core.times import now

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

plugin = PluginSpec(label=("诉源治理核心", "suyuan core"),
                    description="Default categories, intake sources, roles and core metrics.")


def _defaults(name: str) -> dict[str, Any]:
    text = resources.files("suyuan_core").joinpath(f"defaults/{name}").read_text(encoding="utf-8")
    return tomllib.loads(text)


def categories_from(data: dict[str, Any], where: str) -> list[Category]:
    out = []
    for i, item in enumerate(data.get("category", [])):
        try:
            out.append(Category(**item))
        except (SuyuanError, TypeError) as exc:
            raise ConfigError(f"{where}: category #{i + 1}: {exc}") from None
    return out


@hookimpl
def suyuan_register_categories(deployment: Deployment) -> list[Category]:
    found = categories_from(_defaults("categories.toml"), "default categories")
    extra = deployment.config.core.data.categories
    if extra:
        path: Path = deployment.config.resolve(extra)
        if not path.exists():
            raise ConfigError(f"data.categories: {path} does not exist")
        county = categories_from(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
        # A county may relabel or bound a default category, or add its own sub-types.
        found = [c for c in found if c.code not in {k.code for k in county}] + county
    return found


@hookimpl
def suyuan_register_intake_sources() -> list[IntakeSource]:
    return [IntakeSource(**item) for item in _defaults("sources.toml")["source"]]


@hookimpl
def suyuan_register_permissions() -> list[Permission]:
    return [Permission(**item) for item in _defaults("roles.toml")["permission"]]


@hookimpl
def suyuan_register_roles() -> list[Role]:
    return [Role(**item) for item in _defaults("roles.toml")["role"]]


@hookimpl
def suyuan_register_metrics() -> list[MetricDefinition]:
    return list(CORE_METRICS)


@hookimpl
def suyuan_register_migrations() -> MigrationSource:
    return core_source()


@hookimpl
def suyuan_roster_candidates(case: Case, deployment: Deployment,
                             session: Session) -> list[RouteProposal]:
    """The core's default: active members who may handle cases and cover the case's handling
    area or an area above it, nearer and less loaded first."""
    tree = deployment.areas.tree
    start = case.handling_area_code or case.area_code
    if start not in tree:
        return []
    ancestors = tree.ancestors(start)
    handlers = [r.code for r in deployment.roles if "cases.transition" in r.permissions]
    p, pa, pr = tables.persons.c, tables.person_areas.c, tables.person_roles.c
    rows = session.execute(
        select(p.external_id, p.name, p.capacity, pa.area_code, p.active_from, p.active_to)
        .join(tables.person_areas, pa.person_id == p.id)
        .where(pa.area_code.in_(ancestors),
               p.id.in_(select(pr.person_id).where(pr.role.in_(handlers))))).all()
    if not rows:
        return []
    load = _open_load(session, [f"person:{r.external_id}" for r in rows])
    today = (case.reported_at or now()).date()
    out: list[RouteProposal] = []
    for r in rows:
        if (r.active_from and r.active_from > today) or (r.active_to and r.active_to < today):
            continue
        handler = f"person:{r.external_id}"
        distance = ancestors.index(r.area_code)
        busy = load.get(handler, 0)
        if r.capacity and busy >= r.capacity:
            continue
        score = round((1.0 / (1 + distance)) * (1 - busy / max(r.capacity, 1)) * 0.8, 3)
        area = tree.get(r.area_code)
        out.append(RouteProposal("person", r.external_id, score,
                                 f"{r.name} covers {area.name_zh}; {busy}/{r.capacity} open cases"))
    return out


def _open_load(session: Session, handlers: list[str]) -> dict[str, int]:
    """Open cases per handler (``assignees`` holds ``person:<id>``)."""
    c = tables.cases.c
    wanted = set(handlers)
    load: dict[str, int] = {}
    rows = session.execute(select(c.assignees).where(
        c.status.in_([s.value for s in OPEN_STATUSES]), c.status != Status.reported.value))
    for (assignees,) in rows:
        for a in assignees or ():
            if a in wanted:
                load[a] = load.get(a, 0) + 1
    return load


@hookimpl
def suyuan_register_jobs(deployment: Deployment) -> list[Job]:
    """The core's own scheduled work: sending the outbox to the outside channels, and with
    ``[integrity]`` set the nightly signed checkpoint of the digest chains."""
    from suyuan_core import checkpoint

    def deliver(deployment: Deployment, now: Any) -> dict[str, int]:
        return deployment.notifications.deliver(now)

    jobs = [Job("core.notifications_deliver", every="1m", run=deliver, retries=0,
                label=("发送通知", "Send notifications to outside channels"))]
    section = deployment.config.core.integrity
    if section.enabled:
        jobs.append(Job("core.integrity_checkpoint", every="day", at=section.at,
                        run=checkpoint.nightly, retries=2, retry_minutes=60,
                        label=("完整性检查点", "Integrity check and signed checkpoint")))
    return jobs


@hookimpl
def suyuan_register_sensitive_fields() -> list[SensitiveField]:
    """Where a case happened, which the core keeps when it locates one (PIPL Art 28: a
    location is 行踪轨迹), and a roster member's phone (masked in ``roster export``):
    masked for everyone without ``personal_data.unmask``."""
    return [SensitiveField("address", "address", ("诉求地址", "Address given")),
            SensitiveField("location", "hidden", ("位置", "Location (lat/long)")),
            SensitiveField("phone", "phone", ("成员电话", "Roster member's phone"),
                           table="persons")]

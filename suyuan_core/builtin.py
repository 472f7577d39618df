"""The core's own registrations, made through the same hooks a plugin uses (dogfooding)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from suyuan_core.domain.metrics import MetricDefinition
from suyuan_core.domain.registry_items import Category, IntakeSource, Permission
from suyuan_core.domain.roster import Role
from suyuan_core.errors import ConfigError, SuyuanError
from suyuan_core.hookspecs import hookimpl
from suyuan_core.metrics.core_metrics import CORE_METRICS
from suyuan_core.plugins.spec import MigrationSource, PluginSpec
from suyuan_core.storage.migrate import core_source

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
        known = {c.code for c in found}
        # A county may relabel or bound a default category, or add its own sub-types.
        found = [c for c in found if c.code not in {k.code for k in county}] + county
        del known
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

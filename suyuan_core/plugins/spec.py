"""What a plugin declares about itself. Name and version come from its distribution, never repeated."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

import attrs
from sqlalchemy import MetaData

from suyuan_core.domain.labels import Label, label
from suyuan_core.domain.rules import identifier

PILLARS = ("rule_of_law", "self_governance", "virtue", "co_governance", "smart")


def _names(value: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(value) if value else ()


@attrs.frozen
class PluginSpec:
    """Metadata every suyuan plugin module exposes as ``plugin = PluginSpec(...)``.

    ``pillar`` is a slot: at most one enabled plugin fills each pillar, so swapping a pillar for
    another vendor's is one line of config. ``settings`` is an attrs class; the plugin's
    ``[plugins.<name>]`` table is structured into it (cattrs) before any hook runs.
    """

    label: Label = attrs.field(converter=label)
    pillar: str | None = attrs.field(default=None, validator=attrs.validators.optional(
        attrs.validators.in_(PILLARS)))
    requires: tuple[str, ...] = attrs.field(default=(), converter=_names)
    conflicts: tuple[str, ...] = attrs.field(default=(), converter=_names)
    settings: type | None = None
    description: str = ""


@attrs.frozen
class MigrationSource:
    """A plugin's Alembic branch: its label, where its versions live and the metadata of its tables."""

    branch_label: str = attrs.field(validator=identifier)
    #: ``"package:folder"`` or a filesystem path to the versions folder.
    location: str
    metadata: MetaData | None = None


@attrs.frozen
class Page:
    """A web page contributed by a plugin, mounted at ``/<plugin>/<path>``.

    ``render`` returns the page's HTML (it may take any of ``deployment``, ``principal``,
    ``query``, ``lang``). With ``submit``, the page's forms POST to the same path: the core
    checks the sign-in and the form's CSRF token (``csrf_token``, the viewer's
    ``principal.csrf_token``), then calls ``submit`` with any of ``deployment``, ``principal``,
    ``form`` (a dict of the posted fields), ``query``, ``lang`` and ``ip``; it makes the change
    (through the services, audited) and returns the URL to go to next (a 303 redirect). A
    :class:`~suyuan_core.SuyuanError` it raises is shown as an error page with its 4xx status,
    naming the field — and, raised before anything is committed, writes nothing. ``submit``
    may instead return :class:`markupsafe.Markup`: that HTML is shown at once (200, inside the
    layout, no redirect) — for what must be shown to this request only and never travel in a URL,
    e.g. a record unmasked for a reason given in the form's body.
    """

    path: str
    label: Label = attrs.field(converter=label)
    render: Callable[..., Any]
    permission: str | None = None
    submit: Callable[..., Any] | None = None
    #: shown in the site's navigation (False for a detail page reached from another).
    nav: bool = True


@attrs.frozen
class DashboardPanel:
    """A panel on the county dashboard: ``render(deployment, area_code, period)`` returns HTML;
    it may also take ``lang`` (``zh-Hans`` or ``en``) and ``principal`` (the viewer)."""

    key: str = attrs.field(validator=identifier)
    label: Label = attrs.field(converter=label)
    render: Callable[..., Any]
    order: int = 100


@attrs.frozen
class LoadedPlugin:
    """A plugin as the Deployment enabled it."""

    name: str
    version: str
    distribution: str
    spec: PluginSpec
    module: ModuleType | object
    settings: Any = None
    builtin: bool = False

    @property
    def pillar(self) -> str | None:
        return self.spec.pillar

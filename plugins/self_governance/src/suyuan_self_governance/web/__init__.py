"""The HTTP side of the pillar: thin routes under ``/api/v1/self_governance/`` and web pages."""

from __future__ import annotations

from typing import Any


def routes() -> list[Any]:
    """Every route handler of the pillar (mounted by the core at ``/api/v1/self_governance``)."""
    from suyuan_self_governance.web import grid_api, mediation_api, roster_api, village_api

    return [*roster_api.ROUTES, *mediation_api.ROUTES, *village_api.ROUTES, *grid_api.ROUTES]

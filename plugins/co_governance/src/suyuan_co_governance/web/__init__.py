"""The HTTP side of the pillar: thin routes under ``/api/v1/co_governance/`` and web pages."""

from __future__ import annotations

from typing import Any


def routes() -> list[Any]:
    """Every route handler of the pillar (mounted by the core at ``/api/v1/co_governance``)."""
    from suyuan_co_governance.web import assets, committees_api, forces_api, ledger_api

    return [*ledger_api.ROUTES, *committees_api.ROUTES, *forces_api.ROUTES, *assets.ROUTES]

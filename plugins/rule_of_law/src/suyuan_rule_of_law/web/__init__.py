"""The HTTP side of the pillar: thin routes under ``/api/v1/rule_of_law/`` and web pages."""

from __future__ import annotations

from typing import Any


def routes() -> list[Any]:
    """Every route handler of the pillar (mounted by the core at ``/api/v1/rule_of_law``)."""
    from suyuan_rule_of_law.web import api

    return list(api.ROUTES)

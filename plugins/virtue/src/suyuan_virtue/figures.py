"""Figures about the sensitive registers: **counts only**, never a drill-down, and a count below
``[plugins.virtue] small_count`` (default 5) but above zero is shown as ``"<5"`` so a small
community's figure cannot point at a person."""

from __future__ import annotations

from typing import Any

from suyuan_core import Deployment
from suyuan_virtue.registers import Registers
from suyuan_virtue.settings import Settings
from suyuan_virtue.times import today


def suppress(n: int, threshold: int) -> int | str:
    return f"<{threshold}" if 0 < n < threshold else n


def register_figures(d: Deployment, area_code: str) -> dict[str, Any]:
    from suyuan_virtue.guardianship import Guardianships

    settings: Settings = d.settings("virtue")
    k = settings.small_count
    counts = Registers(d).counts(area_code)
    g = Guardianships(d).totals(area_code, today(d))
    return {"area_code": area_code, "small_count": k,
            "community_correction": suppress(counts["community_correction"], k),
            "resettlement": suppress(counts["resettlement"], k),
            "guardianship_agreements": suppress(g["active"], k),
            "guardianship_reviews_due": suppress(g["reviews_due"], k)}

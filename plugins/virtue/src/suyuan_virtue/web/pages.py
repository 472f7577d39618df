"""Pages."""

from __future__ import annotations

from typing import Any

from suyuan_core import Deployment


def pages(deployment: Deployment) -> list[Any]:
    return []

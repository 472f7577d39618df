"""A case row (from ``suyuan_core.tables.cases``) as a public :class:`~suyuan_core.Case`."""

from __future__ import annotations

from typing import Any

from suyuan_core import Case
from suyuan_smart.common import from_db


def row_to_case(r: Any) -> Case:
    m = r._mapping if hasattr(r, "_mapping") else r
    return Case(
        id=m["id"], kind=m["kind"], title=m["title"], category=m["category"], source=m["source"],
        area_code=m["area_code"], level=m["level"], handling_area_code=m["handling_area_code"],
        status=m["status"], version=m["version"], description=m["description"] or "",
        source_ref=m["source_ref"], parties=m["parties"] or (), deadline=from_db(m["deadline"]),
        reported_at=from_db(m["reported_at"]), closed_at=from_db(m["closed_at"]),
        outcome=m["outcome"], satisfaction=m["satisfaction"],
        assignees=tuple(m["assignees"] or ()), data=m["data"] or {},
        merged_into=m.get("merged_into"))

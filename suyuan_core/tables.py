"""Public: the core's tables, for plugins to reference in foreign keys and to read.

Plugins never write these tables directly; they go through the Deployment's services so that every
change is an event with its rollups.

``AREA_PATH`` is the column type for an area path in a plugin's own table, and ``under(column,
path)`` / ``under_any(column, paths)`` the subtree filter an index serves (never
``column.startswith(path)``, which is a LIKE no index serves).
"""

from suyuan_core.storage.paths import AREA_PATH, under, under_any
from suyuan_core.storage.tables import (
    Base,
    areas,
    case_events,
    cases,
    metric_rollups,
    organisations,
    person_areas,
    person_roles,
    persons,
)

__all__ = ["AREA_PATH", "Base", "areas", "case_events", "cases", "metric_rollups", "organisations",
           "person_areas", "person_roles", "persons",
           "under", "under_any"]

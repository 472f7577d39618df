"""Public: the core's tables, for plugins to reference in foreign keys and to read.

Plugins never write these tables directly; they go through the Deployment's services so that every
change is an event with its rollups.
"""

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

__all__ = ["Base", "areas", "case_events", "cases", "metric_rollups", "organisations",
           "person_areas", "person_roles", "persons"]

"""Public: the core's tables, for plugins to reference in foreign keys and to read.

Plugins never write these tables directly; they go through the Deployment's services so that every
change is an event with its rollups.

``AREA_PATH`` is the column type for an area path in a plugin's own table, and ``under(column,
path)`` / ``under_any(column, paths)`` the subtree filter an index serves (never
``column.startswith(path)``, which is a LIKE no index serves).
"""

from sqlalchemy import MetaData

from suyuan_core.storage.paths import AREA_PATH, under, under_any
from suyuan_core.storage.tables import (
    NAMING,
    Base,
    Id,
    areas,
    case_events,
    cases,
    metric_rollups,
    organisations,
    person_areas,
    person_roles,
    persons,
)

__all__ = [
    "AREA_PATH",
    "NAMING",
    "Base",
    "Id",
    "areas",
    "case_events",
    "cases",
    "metric_rollups",
    "organisations",
    "person_areas",
    "person_roles",
    "persons",
    "plugin_metadata",
    "under",
    "under_any",
]


def plugin_metadata() -> MetaData:
    """The ``MetaData`` for a plugin's own tables, with the core's constraint naming convention
    (:data:`NAMING`: ``pk_<table>``, ``fk_<table>_<column>_<referred table>``, ``uq_…``,
    ``ix_…``), so that every constraint has a stable name Alembic can find again — on SQLite's
    batch migrations and on PostgreSQL alike. Name the tables ``<plugin>_<thing>``; use
    :data:`Id` for integer keys and :data:`AREA_PATH` for area-path columns."""
    return MetaData(naming_convention=NAMING)

"""Query helpers for a plugin's own SQL (public): area scoping and chunked ``IN`` lists.

A plugin reads its tables with SQLAlchemy Core inside ``deployment.reading()`` or
``deployment.transaction()``. Two things every pillar needs, the same way the core does them:

* limit rows to the caller's areas: ``within(table.c.area_path, paths)`` with the paths from
  :func:`suyuan_core.http.listing_scope` (one subtree: ``suyuan_core.tables.under(column, path)``;
  both are index ranges on an ``AREA_PATH`` column, never a LIKE);
* look up many ids at once without exceeding a database's bound-parameter limit (SQLite allows
  999 in older builds): ``for part in chunks(ids): ...``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from suyuan_core.storage.paths import under_any

__all__ = ["CHUNK", "chunks", "within"]

T = TypeVar("T")

#: ids per ``IN (...)`` list: below SQLite's historical 999-parameter limit.
CHUNK = 900


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (none for an empty sequence)."""
    if size < 1:
        raise ValueError("size must be at least 1")
    for start in range(0, len(items), size):
        yield items[start:start + size]


def within(column: Any, paths: Sequence[str] | None) -> Any:
    """A clause: ``column`` (an area path) lies in the subtree of one of ``paths``. ``None``
    means no limit (every row); an empty list means no row at all (the caller covers no area)."""
    if paths is None:
        return sa.true()
    return under_any(column, paths)

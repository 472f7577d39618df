"""Area-path columns and the subtree filter that an index can serve.

An area's materialised path is ``/county/town/…/code/``; "everything in this subtree" is every
path that starts with it. Written as ``LIKE 'prefix%'`` that filter never used an index (SQLite's
LIKE is case-insensitive, PostgreSQL needs ``varchar_pattern_ops``), so a grid figure scanned the
whole county's history. Written as the half-open range ``prefix <= path < upper(prefix)`` it is a
plain B-tree range on both databases — as long as the column compares bytewise. SQLite's default
collation is bytewise; on PostgreSQL the columns are declared ``COLLATE "C"`` (a linguistic
collation such as ``en_US`` ignores the ``/`` and would order ``/51/…`` paths out of prefix order).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, and_, false, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

#: the column type for an area path: 512 characters, compared bytewise on every database.
#: Use it for your own tables' path columns so that :func:`under` is served by their index.
AREA_PATH: TypeEngine[str] = String(512).with_variant(String(512, collation="C"), "postgresql")


def upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``.

    Paths end with ``/``; the next character up is ``0``, so ``/51/`` → ``/510``. A prefix that
    does not end with ``/`` is bounded by bumping its last character."""
    if not prefix:
        raise ValueError("an area path prefix is never empty")
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def under(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` lies in the subtree whose path is ``prefix`` — as an index range, not a LIKE."""
    return and_(column >= prefix, column < upper_bound(prefix))


def under_any(column: Any, prefixes: Any) -> ColumnElement[bool]:
    """``column`` lies in any of the subtrees ``prefixes`` (nothing, when there are none)."""
    found = [under(column, p) for p in prefixes]
    if not found:
        return false()
    return found[0] if len(found) == 1 else or_(*found)

"""Reading an import file (public): CSV with line-numbered errors, all-or-nothing.

Every import in suyuan reads the whole file first and writes nothing when any line is bad; the
error names the line (the header is line 1, the first row line 2), the field and how to fix it::

    from suyuan_core import imports

    rows = imports.read_csv(path, build=MediatorIn.from_row, required=("external_id", "name"),
                            key=lambda m: m.external_id)
    service.save(rows.items, line_of=rows.line_of)   # a later check can still name the line

``build`` turns a row (a dict of stripped texts, ``""`` for an empty cell) into the item; any
:class:`~suyuan_core.SuyuanError` it raises becomes an :class:`~suyuan_core.ImportFailed` for
that line. ``key`` makes a repeated key an error naming both lines.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Generic, TypeVar

import attrs

from suyuan_core.errors import ImportFailed, SuyuanError

__all__ = ["Imported", "at_line", "read_csv", "rows"]

T = TypeVar("T")


@contextmanager
def at_line(line: int) -> Iterator[None]:
    """Inside, any :class:`~suyuan_core.SuyuanError` becomes an ``ImportFailed`` naming ``line``
    (for checks made after reading, e.g. against the database, that still know the line)."""
    try:
        yield
    except ImportFailed:
        raise
    except SuyuanError as exc:
        raise ImportFailed(line, exc.field, exc.message) from None


def rows(path: Path, required: Sequence[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` for each data row of a UTF-8 CSV (a BOM is fine, as Excel writes it);
    each cell stripped. Missing ``required`` columns fail on line 1."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or ())]
        if missing:
            raise ImportFailed(1, missing[0], f"missing column(s) {', '.join(missing)}; the "
                               f"header must name {', '.join(required)}")
        for line, row in enumerate(reader, start=2):
            yield line, {str(k).strip(): (v or "").strip() for k, v in row.items()
                         if k is not None and not isinstance(v, list)}


@attrs.frozen
class Imported(Generic[T]):
    """The items read, in file order, and the line each key came from."""

    items: list[T]
    line_of: dict[str, int]


def read_csv(path: Path, build: Callable[[dict[str, str]], T], *,
             required: Sequence[str] = (), key: Callable[[T], str] | None = None,
             key_field: str = "external_id") -> Imported[T]:
    """Read every row of ``path`` through ``build``; the first bad line stops the import with an
    ``ImportFailed`` naming it (nothing is returned, so nothing can be written). With ``key``,
    a key seen on an earlier line fails naming both lines (field ``key_field``)."""
    items: list[T] = []
    line_of: dict[str, int] = {}
    for line, row in rows(path, required):
        with at_line(line):
            item = build(row)
        if key is not None:
            k = key(item)
            if k in line_of:
                raise ImportFailed(line, key_field,
                                   f"{k!r} is a duplicate: it already appears on line "
                                   f"{line_of[k]}")
            line_of[k] = line
        items.append(item)
    return Imported(items, line_of)

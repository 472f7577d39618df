"""Finding cases: the filters the case list, the work queue, drill-downs and the CLI share, with a
stable cursor (keyset on the id, newest first) so a page never repeats or skips a case while new
cases arrive."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import ColumnElement, Select, String, cast, false, func, or_, select

from suyuan_core import bounds, times
from suyuan_core.cases.service import row_to_case
from suyuan_core.domain.areas import Level
from suyuan_core.domain.cases import Case
from suyuan_core.domain.lifecycle import OPEN_STATUSES, Status
from suyuan_core.errors import ValidationError
from suyuan_core.storage import tables
from suyuan_core.storage.paths import under, under_any

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

MAX_LIMIT = bounds.MAX_PAGE


def _statuses(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    out = []
    for item in items:
        for part in str(item).split(","):
            if part.strip():
                try:
                    out.append(Status(part.strip()).value)
                except ValueError:
                    raise ValidationError(f"{part.strip()!r} is not a status", field="status",
                                          rule="one_of",
                                          hint="use " + ", ".join(s.value for s in Status)) from None
    return tuple(out)


def _aware(obj: object, attribute: attrs.Attribute[Any], value: dt.datetime | None) -> None:
    bounds.check_time(value, attribute.name)


@attrs.frozen
class CaseFilter:
    """Which cases to list. Every field is optional; all given ones must hold."""

    #: the area and everything below it.
    area_code: str | None = None
    status: tuple[str, ...] = attrs.field(default=(), converter=_statuses)
    category: str | None = None
    source: str | None = None
    level: str | None = None
    #: True: open cases past their deadline; False: every other case.
    overdue: bool | None = None
    reported_from: dt.datetime | None = attrs.field(default=None, validator=_aware)
    reported_to: dt.datetime | None = attrs.field(default=None, validator=_aware)
    #: words in the title or the description.
    text: str | None = None
    #: a handler in ``assignees``, e.g. ``person:M0001``.
    assignee: str | None = None
    ids: tuple[int, ...] | None = None
    #: area paths the caller may see (set from their grants); None means no restriction.
    scope: tuple[str, ...] | None = None


@attrs.frozen
class CasePage:
    cases: list[Case]
    #: pass back as ``cursor`` for the next page; None on the last page.
    next_cursor: str | None


#: every cursor :func:`decode_cursor` takes (``c`` and the last id seen): the ``pattern`` the
#: OpenAPI document gives a ``cursor`` parameter (searched, as JSON Schema does).
CURSOR_PATTERN = r"^c[0-9]{1,18}$"


def encode_cursor(last_id: int) -> str:
    return f"c{last_id}"


def decode_cursor(cursor: str) -> int:
    if not isinstance(cursor, str) or re.search(CURSOR_PATTERN, cursor) is None:
        raise ValidationError(f"{str(cursor)[:40]!r} is not a cursor", field="cursor",
                              rule="cursor",
                              hint="pass the next_cursor of the previous page unchanged")
    return int(cursor[1:])


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CaseQuery:
    """Listing and counting cases by a :class:`CaseFilter` (``deployment.case_query``), the same
    filter the API's ``GET /cases`` and the drill-downs use."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def conditions(self, f: CaseFilter, now: dt.datetime | None = None) -> list[ColumnElement[bool]]:
        """The SQL conditions of a filter, to combine with a plugin's own query on
        ``suyuan_core.tables.cases``."""
        d = self.d
        c = tables.cases.c
        where: list[ColumnElement[bool]] = []
        if f.scope is not None:
            where.append(under_any(c.area_path, f.scope))
        if f.area_code:
            where.append(under(c.area_path, d.areas.tree.path(f.area_code)))
        if f.status:
            where.append(c.status.in_(f.status))
        if f.category:
            if f.category not in d.categories:
                raise ValidationError(f"unknown category {f.category!r}", field="category",
                                      rule="exists", hint="see GET /api/v1/categories")
            where.append(c.category == f.category)
        if f.source:
            if f.source not in d.sources:
                raise ValidationError(f"unknown source {f.source!r}", field="source",
                                      rule="exists", hint="known: " + ", ".join(d.sources.codes()))
            where.append(c.source == f.source)
        if f.level:
            where.append(c.level == Level.parse(f.level).name)
        at = times.to_db(now or times.now())
        open_ = c.status.in_([s.value for s in OPEN_STATUSES])
        if f.overdue is True:
            where.extend([open_, c.deadline.is_not(None), c.deadline < at])
        elif f.overdue is False:
            where.append(or_(~open_, c.deadline.is_(None), c.deadline >= at))
        if f.reported_from is not None:
            where.append(c.reported_at >= times.to_db(f.reported_from))
        if f.reported_to is not None:
            where.append(c.reported_at < times.to_db(f.reported_to))
        if f.text and f.text.strip():
            for word in f.text.split()[:5]:
                pattern = _like(word)
                where.append(or_(c.title.like(pattern, escape="\\"),
                                 c.description.like(pattern, escape="\\")))
        if f.assignee:
            where.append(cast(c.assignees, String).like(_like(f'"{f.assignee}"'), escape="\\"))
        if f.ids is not None:
            where.append(c.id.in_(sorted(f.ids)) if f.ids else false())
        return where

    def select(self, f: CaseFilter) -> Select[Any]:
        """``SELECT`` of the cases matching the filter (unordered): read rows with
        :func:`suyuan_core.row_to_case`."""
        return select(tables.cases).where(*self.conditions(f))

    def page(self, f: CaseFilter, *, cursor: str | None = None, limit: int = 50) -> CasePage:
        """One page of cases, newest first."""
        if limit < 1 or limit > MAX_LIMIT:
            raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}", field="limit",
                                  rule="range")
        c = tables.cases.c
        query = self.select(f).order_by(c.id.desc()).limit(limit + 1)
        if cursor:
            query = query.where(c.id < decode_cursor(cursor))
        with self.d.reading() as s:
            rows = s.execute(query).all()
        cases = [row_to_case(r) for r in rows[:limit]]
        more = len(rows) > limit
        return CasePage(cases, encode_cursor(cases[-1].id or 0) if more and cases else None)

    def count(self, f: CaseFilter) -> int:
        """How many cases match the filter."""
        query = select(func.count()).select_from(tables.cases).where(*self.conditions(f))
        with self.d.reading() as s:
            return int(s.scalar(query) or 0)

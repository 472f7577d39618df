"""预防措施: what an area did to prevent disputes — a legal talk after a run of wage arrears, a
patrol, a notice, a meeting with the water company — recorded with the day it was taken, and
shown in the analysis report of that period beside the figures it answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core import Deployment, NotFound, Period, ValidationError, bounds, inputs, tables
from suyuan_core.times import not_future, now, to_db
from suyuan_smart.common import settings
from suyuan_smart.models import prevention_measures as measures

MAX_CASES = 200


def _ids(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError("expected a list of case ids", field="case_ids", rule="type",
                              hint="e.g. [12, 15]")
    out = []
    for v in value:
        if isinstance(v, float) and v.is_integer():  # 12.0 is a JSON integer (JSON Schema)
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int | str) or not str(v).isdigit() or not (
                1 <= int(v) <= bounds.MAX_ID):
            raise ValidationError(f"{v!r} is not a case id", field="case_ids", rule="integer",
                                  hint="case ids are whole numbers from 1")
        out.append(int(v))
    if len(out) > MAX_CASES:
        raise ValidationError(f"more than {MAX_CASES} cases", field="case_ids", rule="max_items",
                              hint="link the cases the measure answers, not every case")
    return tuple(dict.fromkeys(out))


def _area(v: Any) -> str:
    return inputs.text(v, "area_code", max_length=64)


def _title(v: Any) -> str:
    return inputs.text(v, "title", max_length=200)


def _description(v: Any) -> str:
    return inputs.text(v, "description", max_length=4000, required=False)


def _category(v: Any) -> str | None:
    return inputs.text(v, "category", max_length=64, required=False) or None


def _nature(v: Any) -> str | None:
    return inputs.text(v, "nature", max_length=32, required=False) or None


def _responsible(v: Any) -> str | None:
    return inputs.text(v, "responsible", max_length=200, required=False) or None


def _taken_on(v: Any) -> dt.date:
    return inputs.need_date(v, "taken_on")


@attrs.frozen
class MeasureIn:
    """A prevention measure to record (the API's body, the CLI's options)."""

    area_code: str = attrs.field(converter=_area)
    taken_on: dt.date = attrs.field(converter=_taken_on,
                                    metadata=inputs.accepts(not_future=True))
    title: str = inputs.ranged(converter=_title, min_length=1, max_length=200,
                               pattern=inputs.FILLED)  # declared: not blank
    description: str = attrs.field(default="", converter=_description)
    category: str | None = attrs.field(default=None, converter=_category)
    nature: str | None = attrs.field(default=None, converter=_nature)
    responsible: str | None = attrs.field(default=None, converter=_responsible)
    case_ids: tuple[int, ...] = attrs.field(default=(), converter=_ids, metadata=inputs.accepts(
        max_items=MAX_CASES, items={"minimum": 1, "maximum": bounds.MAX_ID}))


def record(d: Deployment, measure: MeasureIn, *, actor: str,
           session: Session | None = None) -> dict[str, Any]:
    """Check and store one measure; a 422 naming the field for an unknown area, category or
    nature, a day in the future, or a linked case that does not exist or lies outside the
    area — and nothing is written."""
    tree = d.areas.tree
    if measure.area_code not in tree:
        raise ValidationError(f"no area with code {measure.area_code!r}", field="area_code",
                              rule="exists", hint="see `suyuan areas list` for the codes")
    not_future(d, measure.taken_on, "taken_on", hint="record a measure once it has been taken")
    if measure.category is not None and measure.category not in d.categories:
        raise ValidationError(f"unknown category {measure.category!r}", field="category",
                              rule="exists", hint="see `suyuan categories` for the codes")
    natures = [n.code for n in settings(d).natures]
    if measure.nature is not None:
        inputs.one_of(natures, measure.nature, "nature")
    c = tables.cases.c
    with d.transaction(session) as s:
        if measure.case_ids:
            found = dict(s.execute(select(c.id, c.area_path).where(
                c.id.in_(measure.case_ids))).all())
            path = tree.path(measure.area_code)
            wrong = [i for i in measure.case_ids if not str(found.get(i, "")).startswith(path)]
            if wrong:  # a case that is not there, or not here: 404 (ids reveal nothing)
                raise NotFound(
                    "no case " + ", ".join(map(str, wrong[:10])) + f" in {measure.area_code}",
                    field="case_ids", rule="exists",
                    hint="link cases of the measure's area (or of an area below it)")
        row = {**attrs.asdict(measure), "case_ids": list(measure.case_ids),
               "recorded_by": actor, "recorded_at": to_db(now())}
        new_id = s.execute(measures.insert().values(**row).returning(measures.c.id)).scalar_one()
    return {"id": int(new_id), **row, "taken_on": measure.taken_on.isoformat(),
            "recorded_at": row["recorded_at"].isoformat()}


def listing(d: Deployment, area_code: str, period: Period) -> list[dict[str, Any]]:
    """The measures taken in ``area_code`` or below during ``period``, in the order taken."""
    tree = d.areas.tree
    path = tree.path(area_code)
    t = measures.c
    with d.reading() as s:
        rows = s.execute(select(measures).where(
            t.taken_on >= period.start, t.taken_on < period.end).order_by(
            t.taken_on, t.id)).mappings().all()
    return [{**r, "taken_on": r["taken_on"].isoformat(),
             "recorded_at": r["recorded_at"].isoformat(), "case_ids": list(r["case_ids"] or []),
             "area": tree.get(r["area_code"]).name_zh}
            for r in rows if r["area_code"] in tree and tree.path(r["area_code"]).startswith(path)]

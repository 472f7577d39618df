"""以文育人: each community's culture brands (家风文化, 孝善文化, 川剧+廉创, 廉洁社区 — the seed's
examples) with their venues and events, and the 五老七贤 family-code readings (诵读家风家训)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from suyuan_core import Deployment, NotFound, ValidationError
from suyuan_virtue import models as m
from suyuan_virtue.sensitive import need_text
from suyuan_virtue.times import need_date

BRAND_KINDS = {"family_style": ("家风文化", "Family style"),
               "filial_piety": ("孝善文化", "Filial piety"),
               "opera_integrity": ("川剧+廉创", "Sichuan opera and integrity"),
               "clean_community": ("廉洁社区", "Clean community"),
               "other": ("其他特色文化", "Other")}
EVENT_KINDS = {"brand_event": ("品牌活动", "Brand event"),
               "family_codes_reading": ("五老七贤诵读家风家训", "Family-code reading"),
               "model_learning": ("道德模范在身边学习宣传", "Learning from moral models")}


class Culture:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def _area(self, code: str) -> str:
        if code not in self.d.areas.tree:
            raise ValidationError(f"no area with code {code!r}", field="area_code", rule="exists")
        return code

    def save_brand(self, *, code: str, kind: str, name: str, area_code: str,
                   venues: Sequence[str] = (), description: str = "") -> int:
        if kind not in BRAND_KINDS:
            raise ValidationError(f"{kind!r} is not a brand kind", field="kind", rule="one_of",
                                  hint="use " + ", ".join(BRAND_KINDS))
        self._area(area_code)
        b = m.brands.c
        with self.d.transaction() as s:
            found = s.scalar(sa.select(b.id).where(b.code == code))
            values = {"code": need_text(code, "code", 64), "kind": kind,
                      "name": need_text(name, "name"), "area_code": area_code,
                      "description": description}
            if found is None:
                found = s.execute(m.brands.insert().returning(b.id), values).scalar_one()
            else:
                s.execute(m.brands.update().where(b.id == found).values(**values))
            have = set(s.scalars(sa.select(m.venues.c.name).where(m.venues.c.brand_id == found)))
            for v in venues:
                if v not in have:
                    s.execute(m.venues.insert(), {"brand_id": found, "name": need_text(v, "venues"),
                                                  "area_code": area_code})
        return int(found)

    def add_event(self, *, kind: str, area_code: str, title: str, held_on: dt.date | str,
                  attendance: int, actor: str, brand_id: int | None = None,
                  readers: Sequence[str] = ()) -> int:
        if kind not in EVENT_KINDS:
            raise ValidationError(f"{kind!r} is not an event kind", field="kind", rule="one_of",
                                  hint="use " + ", ".join(EVENT_KINDS))
        if not 0 <= int(attendance) <= 100_000:
            raise ValidationError("attendance is 0-100000", field="attendance", rule="range")
        self._area(area_code)
        with self.d.transaction() as s:
            venue = None
            if brand_id is not None:
                if s.scalar(sa.select(m.brands.c.id).where(m.brands.c.id == brand_id)) is None:
                    raise NotFound(f"no brand {brand_id}", field="brand_id", rule="exists")
                venue = s.scalar(sa.select(m.venues.c.id).where(m.venues.c.brand_id == brand_id)
                                 .order_by(m.venues.c.id).limit(1))
            return int(s.execute(m.culture_events.insert().returning(m.culture_events.c.id), {
                "kind": kind, "brand_id": brand_id, "venue_id": venue, "area_code": area_code,
                "title": need_text(title, "title"), "held_on": need_date(held_on, "held_on"),
                "attendance": int(attendance), "readers": list(readers),
                "recorded_by": actor}).scalar_one())

    def brands(self) -> list[dict[str, Any]]:
        with self.d.reading() as s:
            rows = s.execute(sa.select(m.brands).order_by(m.brands.c.id)).all()
            venues = s.execute(sa.select(m.venues)).all()
            counts: dict[Any, Any] = dict(s.execute(sa.select(m.culture_events.c.brand_id, sa.func.count())
                                    .group_by(m.culture_events.c.brand_id)).all())
        return [{"id": r.id, "code": r.code, "kind": r.kind, "label": BRAND_KINDS[r.kind][0],
                 "name": r.name, "area_code": r.area_code,
                 "venues": [v.name for v in venues if v.brand_id == r.id],
                 "events": int(counts.get(r.id, 0))} for r in rows]

    def readings(self, area_code: str) -> int:
        tree = self.d.areas.tree
        subtree = set(tree.subtree(self._area(area_code)))
        with self.d.reading() as s:
            rows = s.execute(sa.select(m.culture_events.c.area_code).where(
                m.culture_events.c.kind == "family_codes_reading")).all()
        return sum(1 for (a,) in rows if a in subtree)

    def events(self, brand_id: int | None = None, *, limit: int = 200) -> list[dict[str, Any]]:
        """The events held (a brand's, or every one), newest first, with their venue's name."""
        e, v = m.culture_events.c, m.venues.c
        q = (sa.select(m.culture_events, v.name.label("venue"))
             .select_from(m.culture_events.outerjoin(m.venues, v.id == e.venue_id))
             .order_by(e.held_on.desc(), e.id.desc()).limit(max(1, min(limit, 1000))))
        if brand_id is not None:
            q = q.where(e.brand_id == brand_id)
        with self.d.reading() as s:
            rows = s.execute(q).all()
        return [{"id": r.id, "kind": r.kind, "label": EVENT_KINDS[r.kind], "brand_id": r.brand_id,
                 "venue": r.venue, "area_code": r.area_code, "title": r.title,
                 "held_on": r.held_on.isoformat(), "attendance": r.attendance,
                 "readers": list(r.readers or ())} for r in rows]

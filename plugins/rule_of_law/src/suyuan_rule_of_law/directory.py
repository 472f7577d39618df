"""社区法律服务资源库 and 群众工作之家: the legal service resources (people's, administrative, trade,
commercial and lawyer mediation, notaries, arbitration, legal aid) with the areas they serve,
searchable by area and kind; and the service hall of each village/community with the resources
stationed there, its equipment and opening times.

Organisations and people stay on the core's roster: a resource is a roster organisation plus its
kind and the areas it serves; its people are the roster members whose organisation it is."""

from __future__ import annotations

from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, NotFound, Organisation, ValidationError, tables
from suyuan_core.inputs import FILLED, ranged
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import area_name, community, reading, strs
from suyuan_rule_of_law.vocab import RESOURCE_KINDS


@attrs.frozen
class ResourceInput:
    external_id: str = ranged(min_length=1, max_length=128, pattern=FILLED)
    name: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    kind: str = ranged(enum=RESOURCE_KINDS)
    #: where it sits.
    area_code: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    #: the areas it serves (default: where it sits).
    serves: tuple[str, ...] = attrs.field(default=(), converter=strs)
    phone: str = ranged(default="", max_length=32)
    address: str = ranged(default="", max_length=200)
    #: 特邀调解组织 registered with the court's platform; ``commercial`` = 商事调解组织.
    invited: bool = False
    commercial: bool = False


@attrs.frozen
class HallInput:
    area_code: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    name: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    opening_hours: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    legal_books: bool = False
    publicity_board: bool = False
    hotline_board: bool = False
    video_terminal: bool = False
    #: external ids of the organisations stationed there.
    stationed: tuple[str, ...] = attrs.field(default=(), converter=strs)


class Directory:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def save(self, items: list[ResourceInput], *, session: Session | None = None) -> int:
        """Add or update resources (idempotent on ``external_id``), all or nothing."""
        d = self.d
        tree = d.areas.tree
        for i, item in enumerate(items):
            for code in (item.area_code, *item.serves):
                if code not in tree:
                    raise NotFound(f"no area {code!r}", field=f"[{i}].serves", rule="exists")
        with d.transaction(session) as s:
            d.roster.save_organisations([Organisation(
                external_id=i.external_id, name=i.name, kind=i.kind, area_code=i.area_code)
                for i in items], session=s)
            o = tables.organisations.c
            ids = dict(s.execute(sa.select(o.external_id, o.id).where(
                o.external_id.in_([i.external_id for i in items]))).all())
            r, ra = m.resources.c, m.resource_areas.c
            s.execute(m.resources.delete().where(r.organisation_id.in_(list(ids.values()))))
            s.execute(m.resource_areas.delete().where(ra.organisation_id.in_(list(ids.values()))))
            if items:
                s.execute(m.resources.insert(), [
                    {"organisation_id": ids[i.external_id], "kind": i.kind, "phone": i.phone,
                     "address": i.address, "invited": i.invited, "commercial": i.commercial}
                    for i in items])
                s.execute(m.resource_areas.insert(), [
                    {"organisation_id": ids[i.external_id], "area_code": a}
                    for i in items for a in dict.fromkeys(i.serves or (i.area_code,))])
        return len(items)

    def search(self, *, area_code: str | None = None, kind: str | None = None,
               invited: bool | None = None) -> list[dict[str, Any]]:
        """Resources serving ``area_code`` (the area itself or an area above it) of ``kind``."""
        if kind is not None and kind not in RESOURCE_KINDS:
            raise ValidationError(f"{kind!r} is not one of {', '.join(RESOURCE_KINDS)}",
                                  field="kind", rule="one_of")
        tree = self.d.areas.tree
        r, ra, o = m.resources.c, m.resource_areas.c, tables.organisations.c
        q = (sa.select(m.resources, o.external_id, o.name, o.area_code)
             .join(tables.organisations, o.id == r.organisation_id).order_by(o.external_id))
        if kind:
            q = q.where(r.kind == kind)
        if invited is not None:
            q = q.where(r.invited == invited)
        if area_code:
            chain = tree.ancestors(area_code)
            q = q.where(r.organisation_id.in_(sa.select(ra.organisation_id)
                                              .where(ra.area_code.in_(chain))))
        with self.d.reading() as s:
            rows = list(s.execute(q))
            org_ids = [x.organisation_id for x in rows]
            serves: dict[int, list[str]] = {}
            people: dict[int, list[dict[str, str]]] = {}
            for chunk in range(0, len(org_ids), 500):
                part = org_ids[chunk:chunk + 500]
                for oid, code in s.execute(sa.select(ra.organisation_id, ra.area_code)
                                           .where(ra.organisation_id.in_(part))):
                    serves.setdefault(oid, []).append(code)
                p = tables.persons.c
                for oid, ext, name in s.execute(sa.select(p.organisation_id, p.external_id, p.name)
                                                .where(p.organisation_id.in_(part))
                                                .order_by(p.external_id)):
                    people.setdefault(oid, []).append({"external_id": ext, "name": name})
        return [{"external_id": x.external_id, "name": x.name, "kind": x.kind,
                 "kind_label": RESOURCE_KINDS[x.kind][0], "area_code": x.area_code,
                 "serves": sorted(serves.get(x.organisation_id, [])), "phone": x.phone,
                 "address": x.address, "invited": x.invited, "commercial": x.commercial,
                 "people": people.get(x.organisation_id, [])} for x in rows]

    # -- 群众工作之家 ----------------------------------------------------------------------------
    def save_hall(self, item: HallInput, *, session: Session | None = None) -> dict[str, Any]:
        community(self.d, item.area_code)
        with self.d.transaction(session) as s:
            o = tables.organisations.c
            known = set(s.scalars(sa.select(o.external_id)
                                  .where(o.external_id.in_(list(item.stationed)))))
            stray = [x for x in item.stationed if x not in known]
            if stray:
                raise NotFound(f"no organisation {stray[0]!r}", field="stationed", rule="exists")
            h = m.service_halls.c
            s.execute(m.service_halls.delete().where(h.area_code == item.area_code))
            s.execute(m.service_halls.insert().values(**attrs.asdict(item) | {
                "stationed": list(item.stationed)}))
            return self.hall(item.area_code, session=s)

    def save_halls(self, items: list[dict[str, Any]]) -> int:
        """Many halls at once (the demo, an import): one transaction, bulk insert."""
        with self.d.transaction() as s:
            h = m.service_halls.c
            s.execute(m.service_halls.delete().where(h.area_code.in_([i["area_code"]
                                                                     for i in items])))
            if items:
                s.execute(m.service_halls.insert(), items)
        return len(items)

    def hall(self, area_code: str, *, session: Session | None = None) -> dict[str, Any]:
        with reading(self.d, session) as s:
            row = s.execute(sa.select(m.service_halls)
                            .where(m.service_halls.c.area_code == area_code)).first()
        if row is None:
            raise NotFound(f"{area_code} has no service hall recorded", field="area_code",
                           rule="exists")
        return self._hall(row)

    def _hall(self, row: Any) -> dict[str, Any]:
        return {"area_code": row.area_code, "area_name": area_name(self.d, row.area_code),
                "name": row.name, "opening_hours": row.opening_hours,
                "legal_books": row.legal_books, "publicity_board": row.publicity_board,
                "hotline_board": row.hotline_board, "video_terminal": row.video_terminal,
                "stationed": list(row.stationed)}

    def halls(self, area_code: str | None = None) -> list[dict[str, Any]]:
        h = m.service_halls.c
        q = sa.select(m.service_halls).order_by(h.area_code)
        if area_code:
            q = q.where(h.area_code.in_(self.d.areas.tree.subtree(area_code)))
        with self.d.reading() as s:
            return [self._hall(r) for r in s.execute(q)]

"""百姓星期天 (Citizens' Sunday): events on the four platforms — deliberation and mediation,
learning, fitness and recreation, mutual service — with their attendance. A matter a resident
raises at an event becomes a case (source ``citizens_sunday``) linked to the event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import sqlalchemy as sa
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from sqlalchemy.orm import Session

from suyuan_core import (
    Case,
    Deployment,
    NewCase,
    NotFound,
    Period,
    ValidationError,
    bounds,
    weekday_pattern,
)
from suyuan_core.inputs import FILLED, NO_NUL, PartyInput, accepts, nested
from suyuan_core.tables import under
from suyuan_core.times import zone
from suyuan_self_governance import models as m
from suyuan_self_governance.common import date_conv, refuse_fees
from suyuan_self_governance.vocab import PLATFORMS


@attrs.frozen
class RaisedMatterInput:
    """A matter a resident raised at an event; it becomes a case (source citizens_sunday), in
    the event's area unless ``area_code`` names another."""

    title: str = attrs.field(metadata=accepts(max_length=bounds.TITLE.max_length,
                                              pattern=FILLED))
    category: str = "other"
    description: str = attrs.field(default="", metadata=accepts(
        max_length=bounds.DESCRIPTION.max_length, pattern=NO_NUL))
    area_code: str | None = None
    parties: tuple[PartyInput, ...] = attrs.field(
        default=(), converter=nested(PartyInput, "parties", refuse=refuse_fees),  # type: ignore[misc]
        metadata=accepts(max_items=bounds.MAX_PARTIES))

    def as_matter(self) -> dict[str, Any]:
        return {"title": self.title.strip(), "category": self.category,
                "description": self.description, "parties": [p.as_dict() for p in self.parties],
                **({"area_code": self.area_code} if self.area_code is not None else {})}


#: 百姓星期天 is held on Sundays: the document admits exactly those days.
SUNDAYS = weekday_pattern(6)


@attrs.frozen
class SundayEventInput:
    #: held on a Sunday: the document admits those days only (the service refuses any other
    #: with the rule's name)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {"all_of": [Schema(properties={
        "held_on": Schema(type=OpenAPIType.STRING, pattern=SUNDAYS)})]}

    area_code: str
    held_on: dt.date = attrs.field(converter=date_conv("held_on"))  # type: ignore[misc]
    platform: str = attrs.field(metadata=accepts(enum=PLATFORMS))
    title: str = attrs.field(metadata=accepts(max_length=300, pattern=FILLED))
    attendance: int = attrs.field(metadata=accepts(minimum=0, maximum=10**6))
    organiser: str = attrs.field(default="", metadata=accepts(max_length=200, pattern=NO_NUL))
    matters: tuple[RaisedMatterInput, ...] = attrs.field(
        default=(), converter=nested(RaisedMatterInput, "matters", refuse=refuse_fees))  # type: ignore[misc]

    def __attrs_post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ValidationError(f"{self.platform!r} is not one of the four platforms "
                                  f"({', '.join(PLATFORMS)})", field="platform", rule="one_of")
        if self.held_on.weekday() != 6:
            raise ValidationError(f"{self.held_on} is a {self.held_on:%A}; 百姓星期天 is held on "
                                  "Sundays", field="held_on", rule="sunday")
        if not isinstance(self.attendance, int) or self.attendance < 0:
            raise ValidationError(f"{self.attendance!r} is not a head count", field="attendance",
                                  rule="count")
        if not self.title.strip():
            raise ValidationError("is required", field="title", rule="required")


class CitizensSunday:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def record(self, item: SundayEventInput, *, actor: str,
               session: Session | None = None) -> dict[str, Any]:
        tree = self.d.areas.tree
        tree.get(item.area_code)
        with self.d.transaction(session) as s:
            eid = s.execute(m.sunday_events.insert().returning(m.sunday_events.c.id).values(
                area_code=item.area_code, area_path=tree.path(item.area_code),
                held_on=item.held_on, platform=item.platform, title=item.title,
                attendance=item.attendance, organiser=item.organiser)).scalar_one()
            cases = [self._raise(s, eid, item.area_code, item.held_on, i + 1, matter.as_matter(),
                                 actor).id
                     for i, matter in enumerate(item.matters)]
        return {"event_id": eid, "cases": cases}

    def raise_matter(self, event_id: int, matter: RaisedMatterInput | dict[str, Any], *,
                     actor: str, session: Session | None = None) -> Case:
        """A matter raised at an event after it was recorded."""
        (raised,) = nested(RaisedMatterInput, "matter", refuse=refuse_fees)([matter])
        matter_ = raised.as_matter()
        with self.d.transaction(session) as s:
            ev = s.execute(sa.select(m.sunday_events).where(m.sunday_events.c.id == event_id)).first()
            if ev is None:
                raise NotFound(f"no Citizens' Sunday event {event_id}", field="event_id",
                               rule="exists")
            n = s.execute(sa.select(sa.func.count()).where(
                m.sunday_matters.c.event_id == event_id)).scalar_one()
            return self._raise(s, event_id, ev.area_code, ev.held_on, n + 1, matter_, actor)

    def _raise(self, s: Session, event_id: int, area_code: str, held_on: dt.date, n: int,
               matter: dict[str, Any], actor: str) -> Case:
        at = dt.datetime.combine(held_on, dt.time(12), zone(self.d))
        case = self.d.cases.create(NewCase(
            title=matter["title"], category=matter.get("category", "other"),
            source="citizens_sunday", area_code=matter.get("area_code", area_code),
            description=matter.get("description", ""), parties=matter.get("parties", ()),
            source_ref=f"sunday:{event_id}:{n}", occurred_at=at,
            data={"sunday_event_id": event_id}), actor=actor, session=s)
        s.execute(m.sunday_matters.insert().values(event_id=event_id, case_id=case.id))
        return case

    def totals(self, area_code: str, period: Period) -> dict[str, int]:
        e = m.sunday_events.c
        q = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(e.attendance), 0)).where(
            under(e.area_path, self.d.areas.tree.path(area_code)),
            e.held_on >= period.start, e.held_on < period.end)
        with self.d.reading() as s:
            events, attendance = s.execute(q).one()
        return {"events": int(events), "attendance": int(attendance)}

    def event(self, event_id: int) -> dict[str, Any]:
        found = self.list(event_id=event_id)
        if not found:
            raise NotFound(f"no Citizens' Sunday event {event_id}", field="event_id",
                           rule="exists")
        return found[0]

    def list(self, area_code: str | None = None, limit: int = 100,
             event_id: int | None = None) -> list[dict[str, Any]]:
        e = m.sunday_events.c
        q = sa.select(m.sunday_events).order_by(e.held_on.desc(), e.id.desc()).limit(limit)
        if area_code:
            q = q.where(under(e.area_path, self.d.areas.tree.path(area_code)))
        if event_id is not None:
            q = q.where(e.id == event_id)
        with self.d.reading() as s:
            rows = s.execute(q).all()
            links: dict[int, list[int]] = {}
            for r in s.execute(sa.select(m.sunday_matters).where(
                    m.sunday_matters.c.event_id.in_([r.id for r in rows]))):
                links.setdefault(r.event_id, []).append(r.case_id)
        return [{"id": r.id, "area_code": r.area_code, "held_on": r.held_on.isoformat(),
                 "platform": r.platform, "title": r.title, "attendance": r.attendance,
                 "cases": links.get(r.id, [])} for r in rows]

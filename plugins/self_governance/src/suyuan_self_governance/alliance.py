"""院落互助联盟: courtyard mutual-aid alliances settle small matters (小事、难事、烦心事) among the
residents themselves.

Each matter is a case (source ``courtyard_alliance``) handled at the alliance's own level and
assigned to the alliance: accept → assign → start → resolve → close when it is settled, or fail
(it stays open to be escalated) when it is not; the residents' satisfaction is the core's callback.
So the figures (500+ matters, 98 % satisfied in the seed) come from events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Case, Deployment, NewCase, ValidationError, bounds, tables
from suyuan_core.inputs import FILLED, NO_NUL, PartyInput, accepts, nested
from suyuan_self_governance import models as m
from suyuan_self_governance.common import refuse_fees, strs, time_conv
from suyuan_self_governance.vocab import ALLIANCE_MATTERS

SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")
VIA = "courtyard_alliance"


@attrs.frozen
class MatterInput:
    alliance: str
    matter_kind: str = attrs.field(metadata=accepts(enum=ALLIANCE_MATTERS))
    title: str = attrs.field(metadata=accepts(max_length=bounds.TITLE.max_length,
                                              pattern=FILLED))
    handled_at: dt.datetime = attrs.field(converter=time_conv("handled_at"),  # type: ignore[misc]
                                          metadata=accepts(pattern=bounds.TIME_PATTERN))
    settled: bool = True
    category: str = "neighbour"
    description: str = attrs.field(default="", metadata=accepts(
        max_length=bounds.DESCRIPTION.max_length, pattern=NO_NUL))
    parties: tuple[PartyInput, ...] = attrs.field(
        default=(), converter=nested(PartyInput, "parties", refuse=refuse_fees),  # type: ignore[misc]
        metadata=accepts(max_items=bounds.MAX_PARTIES))
    helpers: tuple[str, ...] = attrs.field(default=(), converter=strs, metadata=accepts(
        max_items=50, items={"max_length": 100, "pattern": NO_NUL}))
    satisfaction: str | None = attrs.field(default=None, metadata=accepts(enum=SATISFACTION))

    def __attrs_post_init__(self) -> None:
        if self.matter_kind not in ALLIANCE_MATTERS:
            raise ValidationError(f"{self.matter_kind!r} is not one of "
                                  f"{', '.join(ALLIANCE_MATTERS)}", field="matter_kind",
                                  rule="one_of")
        if self.satisfaction is not None and self.satisfaction not in SATISFACTION:
            raise ValidationError(f"{self.satisfaction!r} is not one of {', '.join(SATISFACTION)}",
                                  field="satisfaction", rule="one_of")


class Alliance:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def record(self, item: MatterInput, *, actor: str, session: Session | None = None) -> Case:
        d = self.d
        at = item.handled_at
        with d.transaction(session) as s:
            org = self.d.roster.organisation(
                item.alliance, kind="courtyard_alliance", session=s, field="alliance")
            handler = f"organisation:{org.external_id}"
            case = d.cases.create(NewCase(
                title=item.title, category=item.category, source="courtyard_alliance",
                area_code=org.area_code, description=item.description,
                parties=tuple(p.as_dict() for p in item.parties),
                occurred_at=at, data={"alliance": org.external_id,
                                      "matter_kind": item.matter_kind}), actor=actor, session=s)
            cid = case.id or 0
            for action, data in (("accept", {}), ("assign", {"assignees": [handler]}),
                                 ("start", {})):
                case = d.cases.act(cid, action, actor=actor, occurred_at=at, session=s,
                                   data={**data, "via": VIA})
            if item.settled:
                d.cases.act(cid, "resolve", actor=actor, occurred_at=at, session=s,
                            data={"via": VIA})
                case = d.cases.act(cid, "close", actor=actor, occurred_at=at, session=s,
                                   data={"via": VIA})
            else:
                case = d.cases.act(cid, "fail", actor=actor, occurred_at=at, session=s,
                                   data={"via": VIA})
            if item.satisfaction is not None:
                case = d.cases.record(cid, "callback", actor=actor, occurred_at=at, session=s,
                                      data={"reached": True, "satisfaction": item.satisfaction})
            s.execute(m.alliance_matters.insert().values(
                alliance_id=org.id, case_id=cid, matter_kind=item.matter_kind,
                helpers=list(item.helpers)))
            return case

    def summary(self, alliance: str | None = None) -> dict[str, Any]:
        a, c = m.alliance_matters.c, tables.cases.c
        q = (sa.select(a.matter_kind, c.status, c.satisfaction)
             .join(tables.cases, c.id == a.case_id))
        if alliance:
            with self.d.reading() as s:
                org = self.d.roster.organisation(
                    alliance, kind="courtyard_alliance", session=s, field="alliance")
            q = q.where(a.alliance_id == org.id)
        with self.d.reading() as s:
            rows = s.execute(q).all()
        rated = [r for r in rows if r.satisfaction]
        happy = [r for r in rated if r.satisfaction in ("satisfied", "basically_satisfied")]
        return {"matters": len(rows),
                "by_kind": {k: sum(1 for r in rows if r.matter_kind == k) for k in ALLIANCE_MATTERS},
                "settled": sum(1 for r in rows if r.status in ("resolved", "closed")),
                "rated": len(rated), "satisfied": len(happy),
                "satisfaction_rate": round(100 * len(happy) / len(rated), 2) if rated else None}

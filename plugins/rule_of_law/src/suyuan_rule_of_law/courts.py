"""Courts reaching out: circuit trials and 坝坝法庭/坝坝调解 sessions with the common problems found
and their follow-up; the court's guidance relation to communities (法庭与社区法治指导关系); and
police mediation (治安调解) as a case route to the community police officer (社区民警)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Case, Deployment, NotFound, RouteProposal, ValidationError, tables
from suyuan_core.inputs import FILLED, ranged
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import (
    area_name,
    communities,
    community,
    date_conv,
    reading,
    strs,
)
from suyuan_rule_of_law.vocab import CIRCUIT_KINDS

#: categories routed to the community police for 治安调解 (治安管理处罚法 Art 9: fights, minor
#: damage to property between neighbours …), besides cases flagged ``public_security``.
POLICE_CATEGORIES = ("public_security",)


def _problems(value: Any) -> tuple[str, ...]:
    out = strs(value)
    for i, p in enumerate(out):
        if not p.strip() or len(p) > 500:
            raise ValidationError("each problem is 1 to 500 characters", field=f"problems[{i}]",
                                  rule="length")
    return out


@attrs.frozen
class CircuitInput:
    kind: str = ranged(enum=CIRCUIT_KINDS)
    court: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    area_code: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    held_on: dt.date = attrs.field(converter=date_conv("held_on"))  # type: ignore[misc]
    attendance: int = ranged(minimum=0, maximum=10000)
    #: 共性问题: the common problems found, to study and prevent.
    problems: tuple[str, ...] = attrs.field(default=(), converter=_problems)
    case_id: int | None = None


class Courts:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def record(self, item: CircuitInput, *, actor: str, session: Session | None = None) -> int:
        d = self.d
        community(d, item.area_code)
        with d.transaction(session) as s:
            if item.case_id is not None:
                d.cases.get(item.case_id, s)
            sid = s.execute(m.circuit_sessions.insert().returning(m.circuit_sessions.c.id).values(
                kind=item.kind, court=item.court, area_code=item.area_code, held_on=item.held_on,
                attendance=item.attendance, case_id=item.case_id, problems=list(item.problems),
                follow_up="", actor=actor)).scalar_one()
            if item.case_id is not None:
                d.cases.record(item.case_id, "rule_of_law.circuit_session", actor=actor,
                               session=s, data={"session_id": sid, "kind": item.kind})
            return int(sid)

    def follow_up(self, session_id: int, on: dt.date | str, text_: str, *,
                  session: Session | None = None) -> dict[str, Any]:
        day = date_conv("on")(on)
        if not text_.strip() or len(text_) > 2000:
            raise ValidationError("say what was done (1 to 2000 characters)", field="follow_up",
                                  rule="length")
        with self.d.transaction(session) as s:
            row = s.execute(sa.select(m.circuit_sessions)
                            .where(m.circuit_sessions.c.id == session_id)).first()
            if row is None:
                raise NotFound(f"no circuit session {session_id}", field="session", rule="exists")
            if day < row.held_on:
                raise ValidationError(f"{day} is before the session ({row.held_on})", field="on",
                                      rule="order")
            s.execute(m.circuit_sessions.update().where(m.circuit_sessions.c.id == session_id)
                      .values(follow_up=text_, followed_up_on=day))
            return self.find(session_id=session_id, session=s)[0]

    def find(self, *, area_code: str | None = None, year: int | None = None,
             session_id: int | None = None,
             session: Session | None = None) -> list[dict[str, Any]]:
        c = m.circuit_sessions.c
        q = sa.select(m.circuit_sessions).order_by(c.held_on.desc(), c.id.desc())
        if area_code:
            q = q.where(c.area_code.in_(communities(self.d, area_code)))
        if year:
            q = q.where(c.held_on >= dt.date(year, 1, 1), c.held_on < dt.date(year + 1, 1, 1))
        if session_id is not None:
            q = q.where(c.id == session_id)
        with reading(self.d, session) as s:
            return [{"id": r.id, "kind": r.kind, "kind_label": CIRCUIT_KINDS[r.kind][0],
                     "court": r.court, "area_code": r.area_code,
                     "area_name": area_name(self.d, r.area_code), "held_on": r.held_on.isoformat(),
                     "attendance": r.attendance, "problems": list(r.problems),
                     "follow_up": r.follow_up,
                     "followed_up_on": r.followed_up_on.isoformat() if r.followed_up_on else None,
                     "case_id": r.case_id} for r in s.execute(q)]

    def guide(self, area_code: str, court: str, since: dt.date | str) -> None:
        """The court (派出法庭) that guides a community; it is also where its agreements go for
        judicial confirmation by default."""
        community(self.d, area_code)
        if not court.strip() or len(court) > 200:
            raise ValidationError("name the court (1 to 200 characters)", field="court",
                                  rule="length")
        day = date_conv("since")(since)
        with self.d.transaction() as s:
            g = m.court_guidance.c
            s.execute(m.court_guidance.delete().where(g.area_code == area_code))
            s.execute(m.court_guidance.insert().values(area_code=area_code, court=court, since=day))

    def guidance(self, area_code: str | None = None) -> list[dict[str, Any]]:
        g = m.court_guidance.c
        q = sa.select(m.court_guidance).order_by(g.area_code)
        if area_code:
            q = q.where(g.area_code.in_(communities(self.d, area_code)))
        with self.d.reading() as s:
            return [{"area_code": r.area_code, "area_name": area_name(self.d, r.area_code),
                     "court": r.court, "since": r.since.isoformat()} for r in s.execute(q)]


def police_route(case: Case, d: Deployment, s: Session) -> list[RouteProposal]:
    """治安调解: propose the community police officers covering the case's community."""
    if case.category not in POLICE_CATEGORIES and not case.data.get("public_security"):
        return []
    tree = d.areas.tree
    chain = set(tree.ancestors(case.area_code)) if case.area_code in tree else set()
    p, pr, pa = tables.persons.c, tables.person_roles.c, tables.person_areas.c
    rows = s.execute(sa.select(p.external_id, p.name, pa.area_code)
                     .join(tables.person_roles, pr.person_id == p.id)
                     .join(tables.person_areas, pa.person_id == p.id)
                     .where(pr.role == "community_police", pa.area_code.in_(chain))).all()
    seen: set[str] = set()
    out = []
    for ext, name, area in rows:
        if ext in seen:
            continue
        seen.add(ext)
        out.append(RouteProposal(
            handler_kind="person", handler_id=ext, score=0.9,
            reason=f"治安调解：{name}是{area_name(d, area)}社区民警 (police mediation by the "
                   "community police officer, 治安管理处罚法 Art 9)"))
    return out

"""Legal education: 法治大讲堂 twice a month in every village/community (a compliance figure),
以案说法 and 法律七进 events with attendance, and the 谁执法谁普法 responsibility list (what each
department promised for the year, and what it did — counted from its recorded events)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import sqlalchemy as sa
from litestar.openapi.spec import OpenAPIType, Schema
from sqlalchemy.orm import Session

from suyuan_core import Deployment, ValidationError, tables
from suyuan_core.inputs import FILLED, ranged
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import (
    area_name,
    communities,
    community,
    date_conv,
    month_bounds,
    person,
    roles_of,
    settings,
    today,
)
from suyuan_rule_of_law.vocab import EDUCATION_KINDS, SEVEN_INTO


@attrs.frozen
class LectureInput:
    #: 法律七进 says where the law went (``target`` one of SEVEN_INTO), as the class checks
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {
        "schema_if": Schema(properties={"kind": Schema(const="seven_into")}, required=["kind"]),
        "then": Schema(properties={"target": Schema(type=OpenAPIType.STRING,
                                                    enum=list(SEVEN_INTO))},
                       required=["target"])}

    kind: str = ranged(enum=EDUCATION_KINDS)
    area_code: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    held_on: dt.date = attrs.field(converter=date_conv("held_on"))  # type: ignore[misc]
    topic: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    attendance: int = ranged(minimum=0, maximum=5000)
    #: the roster member who spoke (an advisor must be that community's advisor on the day).
    speaker: str | None = None
    #: the department responsible (谁执法谁普法), e.g. 县司法局.
    department: str | None = attrs.field(default=None)
    #: 法律七进: where the law went.
    target: str | None = None
    #: 以案说法: the case taught from.
    case_id: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind == "seven_into" and self.target not in SEVEN_INTO:
            raise ValidationError(f"{self.target!r} is not one of {', '.join(SEVEN_INTO)}",
                                  field="target", rule="one_of",
                                  hint="法律七进 names where the law went")
        if self.department is not None and not 1 <= len(self.department.strip()) <= 100:
            raise ValidationError("1 to 100 characters", field="department", rule="length")


@attrs.frozen
class DutyInput:
    department: str = ranged(min_length=1, max_length=100, pattern=FILLED)
    year: int = ranged(minimum=2000, maximum=2100)
    item: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    kind: str = ranged(enum=EDUCATION_KINDS)
    target: int = ranged(minimum=1, maximum=10000)


@attrs.frozen
class ComplianceRow:
    area_code: str
    area_name: str
    held: int
    required: int

    @property
    def short(self) -> int:
        return max(0, self.required - self.held)


class Education:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def record(self, item: LectureInput, *, actor: str, session: Session | None = None) -> int:
        d = self.d
        community(d, item.area_code)
        from suyuan_rule_of_law.advisors import ADVISOR_ROLES, Advisors

        with d.transaction(session) as s:
            speaker_id = None
            if item.speaker:
                who = person(s, item.speaker, "speaker")
                speaker_id = who.id
                if set(ADVISOR_ROLES) & roles_of(s, who.id) and not Advisors(d).covers(
                        s, who.id, item.area_code, item.held_on):
                    raise ValidationError(
                        f"{item.speaker} ({who.name}) is not the legal advisor of "
                        f"{item.area_code} ({area_name(d, item.area_code)}) on {item.held_on}: "
                        "an advisor lectures in her own communities", field="area_code",
                        rule="advisor_area", hint="record it in her community, or under the "
                                                  "advisor of this one")
            if item.case_id is not None:
                d.cases.get(item.case_id, s)
            lid = s.execute(m.lectures.insert().returning(m.lectures.c.id).values(
                kind=item.kind, area_code=item.area_code, held_on=item.held_on, topic=item.topic,
                speaker_id=speaker_id, department=item.department.strip() if item.department
                else None, target=item.target, attendance=item.attendance,
                case_id=item.case_id, actor=actor)).scalar_one()
            if item.case_id is not None:
                d.cases.record(item.case_id, "rule_of_law.case_based_teaching", actor=actor,
                               session=s, data={"lecture_id": lid, "attendance": item.attendance})
            return int(lid)

    def find(self, *, area_code: str | None = None, month: str | None = None,
             kind: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        lec, p = m.lectures.c, tables.persons.c
        q = (sa.select(m.lectures, p.external_id.label("speaker"), p.name.label("speaker_name"))
             .outerjoin(tables.persons, p.id == lec.speaker_id)
             .order_by(lec.held_on.desc(), lec.id.desc()).limit(limit))
        if area_code:
            q = q.where(lec.area_code.in_(communities(self.d, area_code)))
        if month:
            start, end = month_bounds(month)
            q = q.where(lec.held_on >= start, lec.held_on < end)
        if kind:
            q = q.where(lec.kind == kind)
        with self.d.reading() as s:
            return [{"id": r.id, "kind": r.kind, "kind_label": EDUCATION_KINDS[r.kind][0],
                     "area_code": r.area_code, "area_name": area_name(self.d, r.area_code),
                     "held_on": r.held_on.isoformat(), "topic": r.topic,
                     "attendance": r.attendance, "speaker": r.speaker,
                     "speaker_name": r.speaker_name, "department": r.department,
                     "target": r.target, "case_id": r.case_id} for r in s.execute(q)]

    def compliance(self, month: str | dt.date, area_code: str | None = None) -> list[ComplianceRow]:
        """法治大讲堂 held per community in a month against ``lectures_per_month`` (2)."""
        start, end = month_bounds(month)
        need = settings(self.d).lectures_per_month
        lec = m.lectures.c
        codes = communities(self.d, area_code)
        with self.d.reading() as s:
            held: dict[str, int] = dict(s.execute(  # type: ignore[arg-type]
                sa.select(lec.area_code, sa.func.count()).where(
                lec.kind == "legal_lecture", lec.held_on >= start, lec.held_on < end)
                .group_by(lec.area_code)).all())
        return [ComplianceRow(area_code=c, area_name=area_name(self.d, c),
                              held=int(held.get(c, 0)), required=need) for c in codes]

    def held_vs_required(self, area_code: str, start: dt.date, end: dt.date) -> tuple[int, int]:
        """Lectures held (capped at the requirement per community-month) ÷ required, over the
        whole months in [start, end) that have ended (the month under way is not yet due)."""
        need = settings(self.d).lectures_per_month
        codes = communities(self.d, area_code)
        lec = m.lectures.c
        months = []
        day = start.replace(day=1)
        done = today(self.d).replace(day=1)  # the month under way is not yet due
        while day < end and day < done:
            months.append(day)
            day = month_bounds(day)[1]
        with self.d.reading() as s:
            counts: dict[tuple[str, str], int] = {}
            for area, held_on in s.execute(sa.select(lec.area_code, lec.held_on).where(
                    lec.kind == "legal_lecture", lec.held_on >= (months[0] if months else start),
                    lec.held_on < end)):
                key = (area, held_on.strftime("%Y-%m"))
                counts[key] = counts.get(key, 0) + 1
        wanted = set(codes)
        held = sum(min(n, need) for (a, _), n in counts.items() if a in wanted)
        return held, need * len(codes) * len(months)

    # -- 谁执法谁普法 ---------------------------------------------------------------------------
    def promise(self, item: DutyInput, *, session: Session | None = None) -> int:
        with self.d.transaction(session) as s:
            du = m.duties.c
            existing = s.scalar(sa.select(du.id).where(
                du.department == item.department, du.year == item.year, du.item == item.item))
            values = {"department": item.department, "year": item.year, "item": item.item,
                      "kind": item.kind, "target": item.target}
            if existing:
                s.execute(m.duties.update().where(du.id == existing).values(**values))
                return int(existing)
            return int(s.execute(m.duties.insert().returning(du.id).values(**values)).scalar_one())

    def duties(self, year: int) -> list[dict[str, Any]]:
        du, lec = m.duties.c, m.lectures.c
        with self.d.reading() as s:
            done = {(dep, kind): int(n) for dep, kind, n in s.execute(
                sa.select(lec.department, lec.kind, sa.func.count()).where(
                    lec.held_on >= dt.date(year, 1, 1), lec.held_on < dt.date(year + 1, 1, 1),
                    lec.department.is_not(None)).group_by(lec.department, lec.kind))}
            return [{"department": r.department, "year": r.year, "item": r.item, "kind": r.kind,
                     "kind_label": EDUCATION_KINDS[r.kind][0], "target": r.target,
                     "done": done.get((r.department, r.kind), 0)}
                    for r in s.execute(sa.select(m.duties).where(du.year == year)
                                       .order_by(du.department, du.item))]

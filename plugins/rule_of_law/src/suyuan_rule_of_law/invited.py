"""特邀调解: invited mediation organisations and invited mediators registered with the court's
mediation platform, and the cases the court delegates (委派, before filing) or entrusts (委托, after
filing) to them, with their deadlines and results.

A delegated case is a core case (source ``court_platform``) whose history is events:
``rule_of_law.delegated`` when it arrives, ``rule_of_law.delegation_result`` when the invited
mediator reports. Figures per organisation and per mediator are counted from the delegations.
Importing is idempotent on the platform's reference: a case already imported is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, NewCase, NotFound, ValidationError, tables
from suyuan_core.inputs import FILLED, ranged
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import (
    calendar,
    date_conv,
    event_time,
    opt_date_conv,
    reading,
    settings,
    tz,
)
from suyuan_rule_of_law.vocab import DELEGATION_MODES, DELEGATION_RESULTS

DELEGATION_FIELDS = ("platform_ref", "mode", "title", "category", "area_code", "organisation",
                     "mediator", "received_on", "due_on", "parties", "description")


def _parties(value: Any) -> tuple[dict[str, str], ...]:
    if not isinstance(value, (list, tuple)):
        raise ValidationError("a list of {name, role}", field="parties", rule="type")
    out = []
    for i, p in enumerate(value):
        if not isinstance(p, Mapping) or not str(p.get("name", "")).strip():
            raise ValidationError("each party is {name, role}", field=f"parties[{i}]",
                                  rule="shape")
        out.append({"name": str(p["name"]), "role": str(p.get("role", "party"))})
    return tuple(out)


@attrs.frozen
class DelegationInput:
    platform_ref: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    mode: str = ranged(enum=DELEGATION_MODES)
    title: str = ranged(min_length=1, max_length=200, pattern=FILLED)
    category: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    area_code: str = ranged(min_length=1, max_length=64, pattern=FILLED)
    #: the invited organisation's external id.
    organisation: str = ranged(min_length=1, max_length=128, pattern=FILLED)
    received_on: dt.date = attrs.field(converter=date_conv("received_on"))  # type: ignore[misc]
    mediator: str | None = None
    due_on: dt.date | None = attrs.field(default=None, converter=opt_date_conv(  # type: ignore[misc]
        "due_on"))
    parties: tuple[dict[str, str], ...] = attrs.field(default=(), converter=_parties)
    description: str = ranged(default="", max_length=4000)

    def __attrs_post_init__(self) -> None:
        if self.due_on is not None and self.due_on < self.received_on:
            raise ValidationError(f"due {self.due_on} before it was received "
                                  f"({self.received_on})", field="due_on", rule="order")


class Invited:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def _org(self, s: Session, external_id: str, field: str = "organisation") -> Any:
        o, r = tables.organisations.c, m.resources.c
        row = s.execute(sa.select(o.id, o.external_id, o.name)
                        .join(m.resources, r.organisation_id == o.id)
                        .where(o.external_id == external_id, r.invited.is_(True))).first()
        if row is None:
            raise NotFound(f"no invited mediation organisation {external_id!r}", field=field,
                           rule="exists", hint="register it in the directory with invited = true")
        return row

    def _mediator(self, s: Session, external_id: str, org_id: int) -> Any:
        p, pr = tables.persons.c, tables.person_roles.c
        row = s.execute(sa.select(p.id, p.organisation_id).join(
            tables.person_roles, pr.person_id == p.id).where(
            p.external_id == external_id, pr.role == "invited_mediator")).first()
        if row is None:
            raise NotFound(f"no invited mediator {external_id!r}", field="mediator",
                           rule="exists")
        if row.organisation_id != org_id:
            raise ValidationError(f"{external_id} is not a mediator of that organisation",
                                  field="mediator", rule="organisation")
        return row

    def receive(self, items: Sequence[DelegationInput], *, actor: str) -> dict[str, int]:
        """Import delegated cases (all or nothing); those already imported are skipped."""
        d = self.d
        days = settings(d).delegation_days
        seen: set[str] = set()
        added = skipped = 0
        with d.transaction() as s:
            existing = set(s.scalars(sa.select(m.delegations.c.platform_ref).where(
                m.delegations.c.platform_ref.in_([i.platform_ref for i in items]))))
            for i, item in enumerate(items):
                if item.platform_ref in existing or item.platform_ref in seen:
                    skipped += 1
                    continue
                seen.add(item.platform_ref)
                org = self._org(s, item.organisation, f"[{i}].organisation")
                mediator_id = self._mediator(s, item.mediator, org.id).id if item.mediator \
                    else None
                due = item.due_on or calendar(d).period_end(item.received_on, days)[0]
                at = dt.datetime.combine(item.received_on, dt.time(9), tz(d))
                case = d.cases.create(NewCase(
                    title=item.title, category=item.category, source="court_platform",
                    area_code=item.area_code, source_ref=item.platform_ref, occurred_at=at,
                    description=item.description, parties=[dict(p) for p in item.parties]),
                    actor=actor, session=s)
                assert case.id is not None
                did = s.execute(m.delegations.insert().returning(m.delegations.c.id).values(
                    platform_ref=item.platform_ref, mode=item.mode, case_id=case.id,
                    organisation_id=org.id, mediator_id=mediator_id,
                    received_on=item.received_on, due_on=due, exported=False)).scalar_one()
                d.cases.record(case.id, "rule_of_law.delegated", actor=actor, session=s,
                               occurred_at=at, data={
                                   "delegation_id": did, "mode": item.mode,
                                   "organisation": item.organisation,
                                   "mediator": item.mediator, "due_on": due.isoformat()})
                added += 1
        return {"added": added, "skipped": skipped}

    def result(self, delegation_id: int, result: str, closed_on: dt.date | str, *, actor: str,
               session: Session | None = None) -> dict[str, Any]:
        if result not in DELEGATION_RESULTS:
            raise ValidationError(f"{result!r} is not one of {', '.join(DELEGATION_RESULTS)}",
                                  field="result", rule="one_of")
        day = date_conv("closed_on")(closed_on)
        d = self.d
        with d.transaction(session) as s:
            row = s.execute(sa.select(m.delegations)
                            .where(m.delegations.c.id == delegation_id)).first()
            if row is None:
                raise NotFound(f"no delegated case {delegation_id}", field="delegation",
                               rule="exists")
            if row.result is not None:
                raise ValidationError(f"delegated case {delegation_id} already ended "
                                      f"({row.result})", field="result", rule="once")
            if day < row.received_on:
                raise ValidationError(f"{day} is before it was received ({row.received_on})",
                                      field="closed_on", rule="order")
            s.execute(m.delegations.update().where(m.delegations.c.id == delegation_id)
                      .values(result=result, closed_on=day, exported=False))
            o = tables.organisations.c
            org = s.scalar(sa.select(o.external_id).where(o.id == row.organisation_id))
            d.cases.record(row.case_id, "rule_of_law.delegation_result", actor=actor, session=s,
                           occurred_at=event_time(d, s, row.case_id, day),
                           data={"delegation_id": delegation_id, "result": result,
                                 "organisation": org, "on_time": day <= row.due_on})
            return self.find(delegation_id=delegation_id, session=s)[0]

    def find(self, *, delegation_id: int | None = None, organisation: str | None = None,
             open_only: bool = False, limit: int = 500,
             session: Session | None = None) -> list[dict[str, Any]]:
        g, o, p = m.delegations.c, tables.organisations.c, tables.persons.c
        q = (sa.select(m.delegations, o.external_id.label("org"), o.name.label("org_name"),
                       p.external_id.label("mediator"), p.name.label("mediator_name"))
             .join(tables.organisations, o.id == g.organisation_id)
             .outerjoin(tables.persons, p.id == g.mediator_id)
             .order_by(g.received_on.desc(), g.id.desc()).limit(limit))
        if delegation_id is not None:
            q = q.where(g.id == delegation_id)
        if organisation:
            q = q.where(o.external_id == organisation)
        if open_only:
            q = q.where(g.result.is_(None))
        with reading(self.d, session) as s:
            return [{"id": r.id, "platform_ref": r.platform_ref, "mode": r.mode,
                     "mode_label": DELEGATION_MODES[r.mode][0], "case_id": r.case_id,
                     "organisation": r.org, "organisation_name": r.org_name,
                     "mediator": r.mediator, "mediator_name": r.mediator_name,
                     "received_on": r.received_on.isoformat(), "due_on": r.due_on.isoformat(),
                     "result": r.result,
                     "closed_on": r.closed_on.isoformat() if r.closed_on else None}
                    for r in s.execute(q)]

    def figures(self, by: str = "organisation") -> list[dict[str, Any]]:
        """Delegated cases, settled, failed and the success rate per organisation or mediator."""
        g, o, p = m.delegations.c, tables.organisations.c, tables.persons.c
        if by == "organisation":
            key, name, join = o.external_id, o.name, (tables.organisations,
                                                      o.id == g.organisation_id)
        elif by == "mediator":
            key, name, join = p.external_id, p.name, (tables.persons, p.id == g.mediator_id)
        else:
            raise ValidationError(f"{by!r} is not organisation or mediator", field="by",
                                  rule="one_of")
        q = (sa.select(key.label("key"), name.label("name"), g.result, sa.func.count())
             .join(*join).group_by(key, name, g.result))
        out: dict[str, dict[str, Any]] = {}
        with self.d.reading() as s:
            for k, n, result, count in s.execute(q):
                e = out.setdefault(k, {"key": k, "name": n, "cases": 0, "settled": 0,
                                       "failed": 0, "withdrawn": 0, "open": 0})
                e["cases"] += count
                e[result or "open"] += count
        for e in out.values():
            ended = e["settled"] + e["failed"]
            e["success_rate"] = round(100.0 * e["settled"] / ended, 2) if ended else None
        return sorted(out.values(), key=lambda e: str(e["key"]))

    def results_to_export(self) -> list[dict[str, Any]]:
        g = m.delegations.c
        with self.d.reading() as s:
            return [{"platform_ref": r.platform_ref, "result": r.result,
                     "closed_on": r.closed_on.isoformat()}
                    for r in s.execute(sa.select(m.delegations).where(
                        g.result.is_not(None), g.exported.is_(False)).order_by(g.id))]

    def mark_exported(self, refs: Sequence[str]) -> None:
        with self.d.transaction() as s:
            s.execute(m.delegations.update().where(m.delegations.c.platform_ref.in_(list(refs)))
                      .values(exported=True))

"""婚姻调解师 + 亲友调解团: a marriage or family dispute goes to a professional marriage mediator
and a non-professional kin mediation team (relatives and friends) *together*.

* routing (``suyuan_case_route``) proposes the nearest marriage mediator and kin mediation team
  for a case of a marriage category, each saying it is one half of the pair;
* :meth:`Marriage.dispatch` assigns both in one ``assign`` event; whichever way a case is
  assigned, :func:`observe` records each channel on the case (``virtue_channels``);
* each channel's outcome is a ``virtue.channel_outcome`` case event, so the success figure per
  channel (metrics ``marriage_mediator_success_rate``, ``kin_team_success_rate``) comes from events
  and drills down to the cases.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import (
    Case,
    CaseEvent,
    Conflict,
    Deployment,
    NotFound,
    RouteProposal,
    ValidationError,
    tables,
)
from suyuan_virtue import models as m
from suyuan_virtue.settings import Settings
from suyuan_virtue.times import now_db

CHANNELS = {"marriage_mediator": ("婚姻调解师", "Marriage mediator"),
            "kin_mediation_team": ("亲友调解团", "Kin mediation team")}
OUTCOMES = ("success", "failure")
KIN_TEAM = "kin_mediation_team"
MEDIATOR_ROLE = "marriage_mediator"


def _settings(d: Deployment) -> Settings:
    return d.settings("virtue")  # type: ignore[no-any-return]


def is_marriage(d: Deployment, case: Case) -> bool:
    return case.category in _settings(d).marriage_categories


def _nearest(d: Deployment, s: Session, area_code: str) -> tuple[Any, Any]:
    """The marriage mediator and the kin team covering the area nearest to it (or None)."""
    tree = d.areas.tree
    ancestors = list(tree.ancestors(area_code)) if area_code in tree else []
    p, pr, pa, o = tables.persons.c, tables.person_roles.c, tables.person_areas.c, \
        tables.organisations.c
    mediators = s.execute(
        sa.select(p.external_id, p.name, pa.area_code)
        .join(tables.person_roles, pr.person_id == p.id)
        .join(tables.person_areas, pa.person_id == p.id)
        .where(pr.role == MEDIATOR_ROLE, pa.area_code.in_(ancestors))).all()
    teams = s.execute(sa.select(o.external_id, o.name, o.area_code)
                      .where(o.kind == KIN_TEAM, o.area_code.in_(ancestors))).all()

    def best(rows: Any) -> Any:
        ranked = sorted(rows, key=lambda r: (ancestors.index(r.area_code), r.external_id))
        return ranked[0] if ranked else None
    return best(mediators), best(teams)


def propose(case: Case, deployment: Deployment, session: Session) -> list[RouteProposal]:
    if not is_marriage(deployment, case):
        return []
    mediator, team = _nearest(deployment, session, case.area_code)
    out = []
    if mediator is not None:
        out.append(RouteProposal("person", mediator.external_id, 0.95,
                                 f"婚姻调解师 {mediator.name}(专业调解), 与亲友调解团一同派单 — "
                                 "marriage mediator; dispatch together with a kin mediation team"))
    if team is not None:
        out.append(RouteProposal("organisation", team.external_id, 0.94,
                                 f"亲友调解团 {team.name}(非专业斡旋), 与婚姻调解师一同派单 — "
                                 "kin mediation team; dispatch together with a marriage mediator"))
    return out


def _channel_of(d: Deployment, s: Session, handler: str) -> str | None:
    kind, _, ext = handler.partition(":")
    if kind == "person":
        p, pr = tables.persons.c, tables.person_roles.c
        found = s.scalar(sa.select(sa.func.count()).select_from(tables.person_roles)
                         .join(tables.persons, p.id == pr.person_id)
                         .where(p.external_id == ext, pr.role == MEDIATOR_ROLE))
        return "marriage_mediator" if found else None
    if kind == "organisation":
        o = tables.organisations.c
        found = s.scalar(sa.select(sa.func.count()).select_from(tables.organisations)
                         .where(o.external_id == ext, o.kind == KIN_TEAM))
        return "kin_mediation_team" if found else None
    return None


def observe(case: Case, event: CaseEvent, deployment: Deployment, session: Session) -> None:
    """On every ``assign`` of a marriage case, record which channel each handler belongs to."""
    if event.kind != "assign" or not is_marriage(deployment, case):
        return
    c = m.channels.c
    for handler in case.assignees:
        channel = _channel_of(deployment, session, handler)
        if channel is None:
            continue
        exists = session.scalar(sa.select(sa.func.count()).select_from(m.channels)
                                .where(c.case_id == case.id, c.channel == channel))
        if exists:
            session.execute(m.channels.update().where(c.case_id == case.id, c.channel == channel)
                            .values(handler=handler))
        else:
            session.execute(m.channels.insert(), {"case_id": case.id, "channel": channel,
                                                  "handler": handler, "assigned_at": now_db()})


class Marriage:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def dispatch(self, case_id: int, *, actor: str, occurred_at: Any = None) -> Case:
        """Assign a marriage case to its nearest marriage mediator *and* kin mediation team."""
        case = self.d.cases.get(case_id)
        if not is_marriage(self.d, case):
            raise Conflict(f"case {case_id} is not a marriage or family dispute",
                           field="case_id", rule="marriage_category",
                           hint="categories: " + ", ".join(_settings(self.d)
                                                                 .marriage_categories))
        with self.d.reading() as s:
            mediator, team = _nearest(self.d, s, case.area_code)
        if mediator is None or team is None:
            missing = "a marriage mediator" if mediator is None else "a kin mediation team"
            raise NotFound(f"no {missing} covers area {case.area_code}", field="case_id",
                           rule="both_channels",
                           hint="add one to the roster (role marriage_mediator / organisation "
                                "kind kin_mediation_team)")
        return self.d.cases.act(case_id, "assign", actor=actor, data={
            "assignees": [f"person:{mediator.external_id}", f"organisation:{team.external_id}"],
            "via": "virtue.dual_channel"}, occurred_at=occurred_at)

    def channels(self, case_id: int) -> list[dict[str, Any]]:
        c = m.channels.c
        with self.d.reading() as s:
            rows = s.execute(sa.select(m.channels).where(c.case_id == case_id)
                             .order_by(c.channel)).all()
        return [{"channel": r.channel, "label": CHANNELS[r.channel][0], "handler": r.handler,
                 "outcome": r.outcome} for r in rows]

    def outcome(self, case_id: int, channel: str, outcome: str, *, actor: str,
                session: Session | None = None, occurred_at: Any = None) -> Case:
        if channel not in CHANNELS:
            raise ValidationError(f"{channel!r} is not a channel", field="channel", rule="one_of",
                                  hint="use " + ", ".join(CHANNELS))
        if outcome not in OUTCOMES:
            raise ValidationError(f"{outcome!r} is not an outcome", field="outcome",
                                  rule="one_of", hint="success or failure")
        c = m.channels.c
        with self.d.transaction(session) as s:
            row = s.execute(sa.select(m.channels).where(c.case_id == case_id,
                                                        c.channel == channel)).first()
            if row is None:
                raise Conflict(f"case {case_id} has no {channel} channel", field="channel",
                               rule="assigned", hint="dispatch the case to both first")
            s.execute(m.channels.update().where(c.id == row.id)
                      .values(outcome=outcome, outcome_at=now_db()))
            return self.d.cases.record(case_id, "virtue.channel_outcome", actor=actor, session=s,
                                       occurred_at=occurred_at,
                                       data={"channel": channel, "outcome": outcome})

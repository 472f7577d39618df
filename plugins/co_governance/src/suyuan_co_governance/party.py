"""党组织 (``party_org``) in dispute work (seed §四 一).

* the Party organisation of each village/community (``branch``), and the Party groups set up
  inside mediation bodies (``group``, hosted by a mediation committee, studio, industry committee
  or invited mediation organisation — "在各类矛盾纠纷调解组织中建立健全党的组织");
* Party members (roster role ``party_member``) and their memberships;
* Party members joining the prevention and mediation teams of a body;
* the figure "mediation bodies with a Party group" and the bodies behind it, with and without.

Party members' part in cases is recorded by :mod:`suyuan_co_governance.participation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
import sqlalchemy as sa
from litestar.openapi.spec import OpenAPIType, Schema
from sqlalchemy.orm import Session

from suyuan_co_governance import models as m
from suyuan_co_governance.common import (
    area_path,
    code_of,
    need_date,
    organisation,
    person,
    roles_of,
    text,
    to_date,
)
from suyuan_co_governance.settings import Settings
from suyuan_co_governance.vocab import PARTY_KINDS, TEAMS
from suyuan_core import Deployment, Organisation, ValidationError, tables
from suyuan_core.inputs import FILLED, accepts
from suyuan_core.times import not_future

ORG_KIND = {"branch": "party_org", "group": "party_group"}



@attrs.frozen
class PartyOrgInput:
    """A village/community Party organisation (``kind = branch``) or a Party group inside a
    mediation body (``kind = group``, ``host`` = the body's id)."""

    #: a group names its host body; a branch has none (what :meth:`Party.save_org` checks)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {
        "schema_if": Schema(properties={"kind": Schema(const="group")}, required=["kind"]),
        "then": Schema(properties={"host": Schema(type=OpenAPIType.STRING, pattern=FILLED)},
                       required=["host"]),
        "schema_else": Schema(properties={"host": Schema(enum=[None, ""])})}

    external_id: str = attrs.field(metadata=accepts(min_length=1, max_length=64, pattern=FILLED))
    name: str = attrs.field(metadata=accepts(min_length=1, max_length=200, pattern=FILLED))
    kind: str = attrs.field(metadata=accepts(enum=PARTY_KINDS))
    area_code: str
    host: str | None = None
    secretary: str | None = None
    founded_on: str | None = attrs.field(default=None, metadata=accepts(not_future=True))


@attrs.frozen
class TeamInput:
    """A person joining a body's prevention or mediation team."""

    person: str
    body: str
    team: str = attrs.field(metadata=accepts(enum=TEAMS))
    joined_on: str = attrs.field(metadata=accepts(not_future=True))


class Party:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    @property
    def settings(self) -> Settings:
        return self.d.settings("co_governance")  # type: ignore[no-any-return]

    def save_org(self, item: PartyOrgInput, *, session: Session | None = None) -> dict[str, Any]:
        d = self.d
        external_id = text(item.external_id, "external_id", max_length=64)
        name = text(item.name, "name")
        kind = code_of(PARTY_KINDS, item.kind, "kind")
        area_path(d, item.area_code)
        founded = to_date(item.founded_on, "founded_on")
        if founded is not None:
            not_future(d, founded, "founded_on")
        with d.transaction(session) as s:
            host_id = None
            if kind == "group":
                if not item.host:
                    raise ValidationError("a Party group sits inside a mediation body",
                                          field="host", rule="required",
                                          hint="give the body's id, e.g. its mediation "
                                               "committee")
                host = organisation(s, item.host, "host", self.settings.mediation_body_kinds)
                host_id = host.id
            elif item.host:
                raise ValidationError("a village/community Party organisation has no host body",
                                      field="host", rule="branch",
                                      hint="use kind group for a Party group inside a body")
            secretary_id = None
            if item.secretary:
                who = person(s, item.secretary, "secretary")
                if "party_member" not in roles_of(s, who.id):
                    raise ValidationError(f"{item.secretary} is not a Party member on the roster",
                                          field="secretary", rule="party_member",
                                          hint="give her the party_member role first")
                secretary_id = who.id
            d.roster.save_organisations([Organisation(external_id=external_id, name=name,
                                                      kind=ORG_KIND[kind],
                                                      area_code=item.area_code)], session=s)
            org = organisation(s, external_id, "external_id")
            if org.kind != ORG_KIND[kind]:
                raise ValidationError(f"{external_id!r} is already a {org.kind}",
                                      field="external_id", rule="kind")
            s.execute(m.party_orgs.delete().where(m.party_orgs.c.organisation_id == org.id))
            s.execute(m.party_orgs.insert(), {
                "organisation_id": org.id, "kind": kind, "area_code": item.area_code,
                "host_id": host_id, "secretary_id": secretary_id, "founded_on": founded})
            return self.org(external_id, s)

    def org(self, external_id: str, session: Session) -> dict[str, Any]:
        found = self.orgs(external_ids=[external_id], session=session)
        return found[0]

    def orgs(self, *, area_paths: Sequence[str] | None = None,
             external_ids: Sequence[str] | None = None,
             session: Session | None = None) -> list[dict[str, Any]]:
        o, po = tables.organisations.c, m.party_orgs.c
        host = tables.organisations.alias("host")
        query = (sa.select(o.external_id, o.name, po.kind, po.area_code, po.founded_on,
                           host.c.external_id.label("host"), host.c.name.label("host_name"),
                           tables.persons.c.external_id.label("secretary"),
                           sa.select(sa.func.count()).where(
                               m.party_memberships.c.party_org_id == o.id)
                           .scalar_subquery().label("members"))
                 .join(m.party_orgs, po.organisation_id == o.id)
                 .outerjoin(host, host.c.id == po.host_id)
                 .outerjoin(tables.persons, tables.persons.c.id == po.secretary_id)
                 .order_by(o.external_id))
        if external_ids is not None:
            query = query.where(o.external_id.in_(list(external_ids)))

        def run(s: Session) -> list[dict[str, Any]]:
            tree = self.d.areas.tree
            out = []
            for r in s.execute(query):
                if area_paths is not None and not any(tree.path(r.area_code).startswith(p)
                                                      for p in area_paths):
                    continue
                out.append({"external_id": r.external_id, "name": r.name, "kind": r.kind,
                            "area_code": r.area_code, "host": r.host, "host_name": r.host_name,
                            "secretary": r.secretary, "members": r.members,
                            "founded_on": r.founded_on.isoformat() if r.founded_on else None})
            return out

        if session is not None:
            return run(session)
        with self.d.reading() as s:
            return run(s)

    def add_member(self, person_id: str, party_org: str, joined_on: str | None = None, *,
                   session: Session | None = None) -> None:
        d = self.d
        joined = to_date(joined_on, "joined_on")
        if joined is not None:
            not_future(d, joined, "joined_on")
        with d.transaction(session) as s:
            who = person(s, person_id, "person")
            if "party_member" not in roles_of(s, who.id):
                raise ValidationError(f"{person_id} does not hold the party_member role",
                                      field="person", rule="party_member",
                                      hint="add the role with `suyuan co-governance people add "
                                           "--force party_member`")
            org = organisation(s, party_org, "party_org", ("party_org", "party_group"))
            pm = m.party_memberships.c
            if s.scalar(sa.select(pm.id).where(pm.person_id == who.id,
                                               pm.party_org_id == org.id)) is None:
                s.execute(m.party_memberships.insert(), {"person_id": who.id,
                                                         "party_org_id": org.id,
                                                         "joined_on": joined})

    def join_team(self, item: TeamInput, *, session: Session | None = None) -> dict[str, Any]:
        d = self.d
        team = code_of(TEAMS, item.team, "team")
        joined = not_future(d, need_date(item.joined_on, "joined_on"), "joined_on")
        with d.transaction(session) as s:
            who = person(s, item.person, "person")
            body = organisation(s, item.body, "body")
            tm = m.team_members.c
            if s.scalar(sa.select(tm.id).where(tm.person_id == who.id, tm.team_id == body.id,
                                               tm.team == team)) is None:
                s.execute(m.team_members.insert(), {"person_id": who.id, "team_id": body.id,
                                                    "team": team, "joined_on": joined})
            return {"person": item.person, "body": item.body, "team": team,
                    "joined_on": joined.isoformat(),
                    "party_member": "party_member" in roles_of(s, who.id)}

    def teams(self, area_paths: Sequence[str] | None = None) -> list[dict[str, Any]]:
        tm, p, o = m.team_members.c, tables.persons.c, tables.organisations.c
        pr = tables.person_roles.c
        party = sa.exists().where(pr.person_id == p.id, pr.role == "party_member")
        query = (sa.select(p.external_id.label("person"), o.external_id.label("body"),
                           o.name.label("body_name"), o.area_code, tm.team, tm.joined_on,
                           party.label("party_member"))
                 .join(tables.persons, p.id == tm.person_id)
                 .join(tables.organisations, o.id == tm.team_id).order_by(tm.id))
        tree = self.d.areas.tree
        with self.d.reading() as s:
            return [{"person": r.person, "body": r.body, "body_name": r.body_name,
                     "area_code": r.area_code, "team": r.team,
                     "joined_on": r.joined_on.isoformat(), "party_member": bool(r.party_member)}
                    for r in s.execute(query)
                    if area_paths is None or (r.area_code in tree and any(
                        tree.path(r.area_code).startswith(x) for x in area_paths))]

    # -- the figure: mediation bodies with a Party group ---------------------------------
    def bodies(self, area_code: str, with_group: bool | None = None,
               on: dt.date | None = None) -> list[dict[str, Any]]:
        """Mediation bodies in the area's subtree, each with its Party group (if any; ``on`` a
        day, only a group founded by then — one without a founding day counts as always there)."""
        o, po = tables.organisations.c, m.party_orgs.c
        group = tables.organisations.alias("grp")
        path = area_path(self.d, area_code, "area")
        tree = self.d.areas.tree
        query = (sa.select(po.host_id, group.c.external_id, group.c.name)
                 .join(group, group.c.id == po.organisation_id).where(po.kind == "group"))
        if on is not None:
            query = query.where(sa.or_(po.founded_on.is_(None), po.founded_on <= on))
        with self.d.reading() as s:
            groups = {r.host_id: (r.external_id, r.name) for r in s.execute(query)}
            rows = s.execute(sa.select(o.id, o.external_id, o.name, o.kind, o.area_code)
                             .where(o.kind.in_(list(self.settings.mediation_body_kinds)))
                             .order_by(o.external_id)).all()
        out = []
        for r in rows:
            if r.area_code not in tree or not tree.path(r.area_code).startswith(path):
                continue
            g = groups.get(r.id)
            if with_group is not None and (g is not None) != with_group:
                continue
            out.append({"external_id": r.external_id, "name": r.name, "kind": r.kind,
                        "area_code": r.area_code, "party_group": g[0] if g else None,
                        "party_group_name": g[1] if g else None})
        return out

    def bodies_figure(self, area_code: str, on: dt.date | None = None) -> tuple[int, int]:
        """(mediation bodies with a Party group, mediation bodies) in the subtree."""
        found = self.bodies(area_code, on=on)
        return sum(1 for b in found if b["party_group"]), len(found)

    def members_in(self, area_code: str) -> int:
        """Party members on the roster covering the area's subtree."""
        pa, pr = tables.person_areas.c, tables.person_roles.c
        codes = self.d.areas.tree.subtree(area_code)
        with self.d.reading() as s:
            return int(s.scalar(sa.select(sa.func.count(sa.distinct(pa.person_id))).where(
                pa.area_code.in_(codes),
                pa.person_id.in_(sa.select(pr.person_id).where(pr.role == "party_member"))))
                or 0)


def branch_coverage(d: Deployment, area_code: str,
                    on: dt.date | None = None) -> tuple[list[str], list[str]]:
    """(communities with a Party organisation of their own — founded by ``on`` when given —,
    communities) in the subtree, as area codes."""
    tree = d.areas.tree
    communities = [c for c in tree.subtree(area_code) if tree.get(c).level.name == "community"]
    po = m.party_orgs.c
    query = sa.select(po.area_code).where(po.kind == "branch")
    if on is not None:
        query = query.where(sa.or_(po.founded_on.is_(None), po.founded_on <= on))
    with d.reading() as s:
        have = set(s.scalars(query))
    return [c for c in communities if c in have], communities

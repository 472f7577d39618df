"""The roster: people, organisations, roles and who covers which area (scoped to your areas)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from suyuan_core.deployment import Deployment
from suyuan_core.domain.roster import Person
from suyuan_core.errors import ValidationError
from suyuan_core.times import now
from suyuan_core.web.api.common import DeploymentDep, PrincipalDep, require_area
from suyuan_core.web.dto import CoverageOut, LabelOut, OrganisationOut, PersonOut, RoleOut

READ = "roster.read"


def _areas(d: Deployment, principal: PrincipalDep, area: str | None) -> list[str]:
    """The area codes to look in: the one asked for (if the caller may), else their own."""
    if area is not None:
        if area not in d.areas.tree:
            raise ValidationError(f"no area with code {area!r}", field="area", rule="exists",
                                  hint="see GET /api/v1/areas")
        require_area(d, principal, READ, area)
        return [area]
    paths = set(principal.scope(READ))
    return sorted({g.area_code for g in principal.grants if g.area_path in paths})


def _person(d: Deployment, p: Person) -> PersonOut:
    """A member as the roster list shows them: the ``persons`` columns declared sensitive
    (the phone, by the core's ``SensitiveField(..., table="persons")``) masked."""
    shown = d.privacy.row("persons", {"phone": p.phone}, False)
    return PersonOut(external_id=p.external_id, name=p.name, roles=list(p.roles),
                     areas=list(p.areas), gender=p.gender, employment=p.employment,
                     specialities=list(p.specialities), capacity=p.capacity,
                     phone=shown["phone"] or None, organisation=p.organisation,
                     active_from=p.active_from.isoformat() if p.active_from else None,
                     active_to=p.active_to.isoformat() if p.active_to else None)


class RosterController(Controller):
    path = "/roster"
    tags = ["roster"]  # noqa: RUF012

    @get("/people", opt={"permission": READ}, sync_to_thread=True,
         summary="Roster members covering an area's subtree (default: your areas)")
    def people(self, deployment: DeploymentDep, principal: PrincipalDep,
               area: Annotated[str | None, Parameter(max_length=64)] = None,
               role: Annotated[str | None, Parameter(max_length=64)] = None,
               limit: Annotated[int, Parameter(ge=1, le=1000)] = 200) -> list[PersonOut]:
        d = deployment
        if role is not None and role not in d.roles:
            raise ValidationError(f"unknown role {role!r}", field="role", rule="exists",
                                  hint="see GET /api/v1/roster/roles")
        found: dict[str, Person] = {}
        for code in _areas(d, principal, area):
            for p in d.roster.list(role=role, area_code=code, limit=limit):
                found.setdefault(p.external_id, p)
        return [_person(d, p) for p in sorted(found.values(), key=lambda p: p.external_id)[:limit]]

    @get("/organisations", opt={"permission": READ}, sync_to_thread=True,
         summary="Organisations in an area's subtree (default: your areas)")
    def organisations(self, deployment: DeploymentDep, principal: PrincipalDep,
                      area: Annotated[str | None, Parameter(max_length=64)] = None,
                      limit: Annotated[int, Parameter(ge=1, le=1000)] = 200) -> list[OrganisationOut]:
        d = deployment
        codes = {c for a in _areas(d, principal, area) for c in d.areas.tree.subtree(a)}
        return [OrganisationOut(o.external_id, o.name, o.kind, o.area_code)
                for o in d.roster.organisations(area_codes=codes, limit=limit)]

    @get("/roles", sync_to_thread=False, summary="Roles from the core and the plugins")
    def roles(self, deployment: DeploymentDep) -> list[RoleOut]:
        return [RoleOut(r.code, LabelOut(r.label.zh, r.label.en), sorted(r.permissions),
                        r.provider) for r in deployment.roles]

    @get("/coverage", opt={"permission": READ}, sync_to_thread=True,
         summary="How many active members of each role work in each area below one area")
    def coverage(self, deployment: DeploymentDep, principal: PrincipalDep,
                 area: Annotated[str | None, Parameter(max_length=64)] = None) -> list[CoverageOut]:
        d = deployment
        tree = d.areas.tree
        out: list[CoverageOut] = []
        today = now().date()
        for root in _areas(d, principal, area):
            rows = sorted(tree.children.get(root, [])) or [root]
            counts: dict[str, dict[str, int]] = {code: {} for code in rows}
            for p in d.roster.list(area_code=root):
                if not p.active_on(today):
                    continue
                hit = {c for a in p.areas if a in tree for c in tree.ancestors(a) if c in counts}
                for code in hit:
                    for role in p.roles:
                        counts[code][role] = counts[code].get(role, 0) + 1
            for code in rows:
                a = tree.get(code)
                out.append(CoverageOut(code, a.name_zh, a.level.name, counts[code]))
        return out

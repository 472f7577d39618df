"""What a route handler needs (public): who is calling, may they act in this area or on this
case, where they call from, and the audit entry of a write. The core's own handlers use these
same helpers, so a plugin's route refuses and audits exactly as the core's do.

A plugin's handler asks for ``deployment`` and ``principal`` by name (the core's router provides
both)::

    from litestar import post
    from suyuan_core import http

    @post("/agreements", opt={"permission": "mypillar.agreements"})
    def add(data: AgreementIn, deployment: http.DeploymentDep, principal: http.PrincipalDep,
            request: http.AnyRequest) -> AgreementOut:
        case = http.readable_case(deployment, principal, data.case_id, "mypillar.agreements")
        with http.audited(deployment, principal, request, "mypillar.agreement.add",
                          record=f"case:{case.id}") as s:
            ...  # write with s: the audit entry commits or rolls back with the change

The rules, as in the core: a record outside the caller's areas is **404** when they may not even
read there (ids reveal nothing), **403** when they may read but not do this; an unknown area code
is **422** naming the field. Every refusal says what the caller holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import attrs
from litestar import Request
from litestar.di import NamedDependency
from litestar.params import Parameter
from sqlalchemy.orm import Session

from suyuan_core import bodies, bounds, inputs
from suyuan_core.accounts.principal import Principal
from suyuan_core.deployment import Deployment
from suyuan_core.domain.cases import Case
from suyuan_core.errors import NotFound, PermissionDenied, ValidationError

__all__ = ["AUDITED", "READ", "AnyRequest", "DeploymentDep", "Id", "PrincipalDep", "UnmaskBody",
           "UnmaskIn", "area_codes",
           "area_path", "audit", "audited", "client_ip", "default_area", "in_scope",
           "listing_scope", "mask_names", "may_unmask", "outside_grid", "page_lang",
           "readable_case", "require_area", "shown_row"]

#: a handler parameter the router fills with the :class:`~suyuan_core.Deployment`.
DeploymentDep = NamedDependency[Deployment]
#: a handler parameter the router fills with the signed-in :class:`~suyuan_core.Principal`.
PrincipalDep = NamedDependency[Principal]
#: any litestar request (the ``request`` parameter of a handler).
AnyRequest = Request[Any, Any, Any]
#: a record id in a path or query (``/things/{thing_id:int}`` → ``thing_id: http.Id``): 1 …
#: :data:`suyuan_core.bounds.MAX_ID`, stated in the document and refused beyond it.
Id = Annotated[int, Parameter(ge=1, le=bounds.MAX_ID)]

def _reason(value: Any) -> str:
    return inputs.text(value, "reason", max_length=500)


@attrs.frozen
class UnmaskIn:
    """Why personal data must be shown in full — kept in the audit log. It travels in a POST
    body, never in a URL (query strings end up in access logs and browser history)."""

    reason: str = attrs.field(converter=_reason, metadata=inputs.accepts(
        min_length=1, max_length=500, pattern=inputs.FILLED))


#: the body of an unmask route (``POST …/{id}/unmask`` with ``{"reason": "…"}``)::
#:
#:     @post("/things/{thing_id:int}/unmask", opt={"permission": READ}, status_code=200)
#:     def unmask(data: http.UnmaskBody, ...) -> dict[str, Any]:
#:         reason = bodies.parse(http.UnmaskIn, data).reason
#:         return http.shown_row(..., unmask=True, reason=reason)
UnmaskBody = Annotated[dict[str, Any], bodies.body(UnmaskIn)]

#: the permission to see a case at all.
READ = "cases.read"
#: ``request.state`` key set once the handler's write has its audit entry (see :func:`audit`).
AUDITED = "suyuan_audited"


def client_ip(request: AnyRequest) -> str:
    """The caller's address as the audit log records it (``-`` when unknown): the peer, or —
    when the peer is one of ``[web] trusted_proxies`` — the nearest address in
    ``X-Forwarded-For`` that is not a proxy (a client cannot forge its address by sending the
    header itself)."""
    from suyuan_core.web.addresses import client_address

    d = request.app.state.get("deployment")
    trusted = d.config.core.web.trusted_proxies if d is not None else ()
    return client_address(request.scope, trusted)


def page_lang(request: AnyRequest) -> str:
    """The language a page is rendered in (``zh-Hans`` or ``en``), as the core's pages choose
    it: the visitor's choice (``/lang/<code>`` sets it), else the browser's Accept-Language,
    Chinese by default — for a plugin's own public pages at the site root."""
    from suyuan_core.web.pages.i18n import LANG_COOKIE, pick

    return pick(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def _held(principal: Principal) -> str:
    return ", ".join(f"{g.role}@{g.area_code}" for g in principal.grants) or "nothing"


def area_path(d: Deployment, area_code: str, field: str = "area_code") -> str:
    """The area's materialised path (``/C/C.T1/``); 422 naming ``field`` for an unknown code."""
    if not isinstance(area_code, str) or area_code not in d.areas.tree:
        raise ValidationError(f"no area with code {area_code!r}", field=field, rule="exists",
                              hint="see GET /api/v1/areas for the codes")
    return d.areas.tree.path(area_code)


def require_area(d: Deployment, principal: Principal, permission: str, area_code: str,
                 field: str = "area_code") -> str:
    """The area's path if the caller holds ``permission`` there (or above); else 403 naming the
    permission, the area and the roles the caller does hold."""
    path = area_path(d, area_code, field)
    if not principal.can(permission, path):
        if principal.granted(permission, path):
            raise outside_grid(principal, area_code, field)
        raise PermissionDenied(f"you may not {permission} in area {area_code}", field=field,
                               rule=permission, hint=f"your roles cover: {_held(principal)}")
    return path


def outside_grid(principal: Principal, area_code: str, field: str = "area_code") -> PermissionDenied:
    """The refusal of a grid worker's account acting outside its grid (rule ``acts_for_grid``)."""
    return PermissionDenied(f"账号只代表网格 {principal.grid}，不能在 {area_code} 办理: your "
                            f"account acts for grid {principal.grid} only, not {area_code}",
                            field=field, rule="acts_for_grid",
                            hint="a grid worker's account acts in its own grid only; an "
                                 "administrator rebinds it (suyuan users bind NAME grid:AREA)")


def in_scope(d: Deployment, principal: Principal, permission: str, area_code: str) -> bool:
    """Whether the caller holds ``permission`` in ``area_code`` (False for an unknown area)."""
    return area_code in d.areas.tree and principal.can(permission, d.areas.tree.path(area_code))


def readable_case(d: Deployment, principal: Principal, case_id: int,
                  permission: str | None = None, *, session: Session | None = None) -> Case:
    """The case if the caller may read it — else 404, as if it did not exist, so that ids outside
    one's remit reveal nothing — and, when ``permission`` is given, may act on it with that
    permission in its area (else 403). With ``session``, read in that transaction."""
    try:
        case = d.cases.get(case_id, session)
    except NotFound:
        case = None
    if case is not None and principal.granted(READ, d.areas.tree.path(case.area_code)) and \
            not principal.in_grid(d.areas.tree.path(case.area_code)):
        raise outside_grid(principal, case.area_code, "case_id")
    if case is None or not principal.can(READ, d.areas.tree.path(case.area_code)):
        raise NotFound(f"no case with id {case_id}", field="case_id", rule="exists",
                       hint="check the id; cases outside your areas are not shown")
    if permission is not None:
        require_area(d, principal, permission, case.area_code, field="case_id")
    return case


def default_area(principal: Principal, permission: str, field: str = "area_code") -> str:
    """The highest area where the caller holds ``permission`` (their natural starting point, e.g.
    for a listing without ``?area=``); 403 when they hold it nowhere."""
    best: tuple[str, str] | None = None
    for g in principal.grants:
        if permission in g.permissions and (best is None or len(g.area_path) < len(best[1])):
            best = (g.area_code, g.area_path)
    if best is not None and principal.grid is not None and principal.grid_path is not None \
            and not principal.in_grid(best[1]):
        best = (principal.grid, principal.grid_path) if principal.can(
            permission, principal.grid_path) else None
    if best is None:
        raise PermissionDenied(f"you hold {permission} for no area", field=field,
                               rule=permission, hint="ask an administrator for a role")
    return best[0]


def listing_scope(d: Deployment, principal: Principal, permission: str, area: str | None,
                  field: str = "area") -> list[str]:
    """The area *paths* a listing covers: ``area``'s (if the caller holds ``permission`` there,
    else 403) or every path where they hold it. Filter rows with
    :func:`suyuan_core.sql.within` (``within(table.c.area_path, paths)``)."""
    if area is not None:
        return [require_area(d, principal, permission, area, field)]
    return principal.scope(permission)


def area_codes(d: Deployment, principal: Principal, permission: str, area: str | None,
               field: str = "area") -> list[str]:
    """Like :func:`listing_scope`, as area *codes* (for tables keyed by ``area_code``): the one
    asked for, else each area where the caller holds ``permission``; 403 when none."""
    if area is not None:
        require_area(d, principal, permission, area, field)
        return [area]
    paths = set(principal.scope(permission))
    codes = sorted({g.area_code for g in principal.grants if g.area_path in paths})
    if principal.grid is not None and principal.grid_path in paths:
        codes = [principal.grid]
    if not codes:
        raise PermissionDenied(f"you hold {permission} for no area", field=field,
                               rule=permission, hint="ask an administrator for a role")
    return codes


def audit(d: Deployment, session: Session | None, principal: Principal | str,
          request: AnyRequest | None, action: str, record: str | None = None,
          reason: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Write the audit entry of a change, in ``session``'s transaction (it commits or rolls back
    with the change). ``action`` follows the naming convention ``<plugin>.<what>`` (e.g.
    ``self_governance.agreement.sign``), ``record`` names what changed (``case:12``,
    ``self_governance_agreement:3``). Marks the request audited, so the core's automatic entry
    for a plugin's write route is not written twice."""
    actor = principal if isinstance(principal, str) else principal.actor
    d.audit.write(session, actor=actor, action=action, record=record, reason=reason,
                  ip=client_ip(request) if request is not None else None, detail=detail)
    if request is not None:
        request.state[AUDITED] = True


@contextmanager
def audited(d: Deployment, principal: Principal | str, request: AnyRequest | None, action: str,
            record: str | None = None, reason: str | None = None,
            detail: dict[str, Any] | None = None) -> Iterator[Session]:
    """A write transaction whose audit entry is written at its end, inside it: both commit, or
    neither does. The handler may name the record once it knows it (a new row's id) through
    ``session.info["audit_record"]`` and add ``session.info["audit_detail"]``."""
    with d.transaction() as s:
        s.info["audit_record"] = record
        s.info["audit_detail"] = dict(detail or {})
        yield s
        audit(d, s, principal, request, action, record=s.info.get("audit_record"),
              reason=reason, detail=s.info.get("audit_detail") or None)


def may_unmask(d: Deployment, principal: Principal, area_code: str, unmask: bool,
               reason: str | None) -> bool:
    """Whether to show personal data: only when asked (``unmask``), by a caller holding
    ``personal_data.unmask`` in the area, with a reason (else 403 / 422). The caller audits the
    read (``http.audit(..., "<plugin>.unmask", reason=reason)``)."""
    if not unmask:
        return False
    d.privacy.check_unmask(principal, d.areas.tree.path(area_code), reason)
    return True


def shown_row(d: Deployment, principal: Principal, request: AnyRequest | None, table: str,
              row: Mapping[str, Any], *, area_code: str, record: str, unmask: bool = False,
              reason: str | None = None) -> dict[str, Any]:
    """A row of the plugin's ``table`` for the response: its declared sensitive columns
    (``SensitiveField(column, kind, table=table)``) masked — or, when the caller asks
    (``unmask``), holds ``personal_data.unmask`` in ``area_code`` and gives a ``reason``, shown
    whole, with the ``personal_data.unmask`` audit entry naming ``record``."""
    if not unmask:
        return d.privacy.row(table, row, False)
    d.privacy.unmask(principal, area_path(d, area_code), reason, record=record,
                     ip=client_ip(request) if request is not None else None)
    return d.privacy.row(table, row, True)


def mask_names(d: Deployment, names: Sequence[str], reveal: bool) -> dict[str, str]:
    """Each person's name as the viewer may see it (``张*`` unless ``reveal``)."""
    if reveal:
        return {n: n for n in names}
    shown = d.privacy.parties([{"name": n} for n in names], False)
    return {n: p["name"] for n, p in zip(names, shown, strict=True)}

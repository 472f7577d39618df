"""Helpers the API modules share: area scoping and how a case is shown to a caller."""

from __future__ import annotations

import datetime as dt

import attrs
from sqlalchemy.orm import Session

from suyuan_core import times
from suyuan_core.accounts.principal import Principal
from suyuan_core.deployment import Deployment
from suyuan_core.domain.cases import Case
from suyuan_core.http import (
    DeploymentDep,
    PrincipalDep,
    client_ip,
    default_area,
    readable_case,
    require_area,
)
from suyuan_core.web.dto import CaseOut, case_out

#: which permission each lifecycle action needs.
ACTION_PERMISSION = {"assign": "cases.assign", "escalate": "cases.escalate"}


def action_permission(action: str) -> str:
    return ACTION_PERMISSION.get(action, "cases.transition")


def readable_case_path(d: Deployment, principal: Principal, case_id: int,
                       session: Session | None = None) -> tuple[Case, str]:
    """:func:`suyuan_core.http.readable_case`, with the case's area path (to check more rights)."""
    case = readable_case(d, principal, case_id, session=session)
    return case, d.areas.tree.path(case.area_code)


def present(d: Deployment, case: Case, reveal: bool, now: dt.datetime | None = None) -> CaseOut:
    """A case as the caller sees it: parties and declared sensitive fields masked, and the
    phone and ID numbers in its title and description masked, unless ``reveal``."""
    parties = d.privacy.parties([p.as_dict() for p in case.parties], reveal)
    if not reveal:
        case = attrs.evolve(case, title=d.privacy.text(case.title, False) or case.title,
                            description=d.privacy.text(case.description, False) or "")
    return case_out(case, parties=parties, data=d.privacy.data(case.data, reveal),
                    masked=not reveal, now=now or times.now())


__all__ = ["DeploymentDep", "PrincipalDep", "action_permission", "client_ip", "default_area",
           "present", "readable_case_path", "require_area"]

"""The rules every sensitive register of the pillar obeys, enforced here in the service layer
(never by a page): who may read, unmasking with a reason, sealing, the PIA gate and the access
trail.

* **Read**: ``virtue.<register>.read`` for the record's area. Anyone else — a town official of the
  same town included — gets "not found" (the refusal does not even confirm the record exists),
  and the refusal is audited.
* **Masked by default**: every encrypted column is declared to the core
  (:mod:`suyuan_virtue.sensitive`), which decrypts and masks it by its kind (``张*``,
  ``110***********1234``, ``***``).
* **Unmask**: ``virtue.<register>.unmask`` for the area *and* a reason — the core's rule
  (``privacy.check_unmask``) and the core's ``personal_data.unmask`` audit entry.
* **Sealed**: a minor's record (under 18 at the offence: 刑诉法 Art 286; 社区矫正法 Art 54; a
  child in the children's registers: 未成年人保护法 Art 72/103) is readable only with
  ``virtue.sealed.read``, which only the roles the law names hold (司法机关).
* **PIA first** (PIPL Art 55-56): nothing is written to a register before an impact assessment
  for it is recorded and still current.
* Every read, unmask, refusal, write and purge is an entry in the core's append-only audit log
  (record ``virtue.<register>:<id>``), which the access report reads back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, NotFound, PermissionDenied, Principal, ValidationError
from suyuan_virtue import models as m
from suyuan_virtue.settings import Settings

#: the sensitive registers: code → (zh, en).
REGISTERS: dict[str, tuple[str, str]] = {
    "community_correction": ("社区矫正", "Community correction"),
    "resettlement": ("安置帮教", "Resettlement"),
    "counselling": ("社区心理服务", "Counselling"),
    "guardianship": ("留守儿童委托监护", "Guardianship of left-behind children"),
    "adoption": ("收养送养登记审查", "Adoption and placement review"),
}
SEALED = "virtue.sealed.read"
ADMIN = "virtue.registers.admin"
#: the roles the law names for sealed minors' records (社区矫正法 Art 54: 司法机关 only).
SEALED_ROLES = ("judicial_authority",)


def read_perm(register: str) -> str:
    return f"virtue.{register}.read"


def write_perm(register: str) -> str:
    return f"virtue.{register}.write"


def unmask_perm(register: str) -> str:
    return f"virtue.{register}.unmask"


def record_ref(register: str, record_id: int | str) -> str:
    return f"virtue.{register}:{record_id}"


def check_register(register: str, field: str = "register") -> str:
    if register not in REGISTERS:
        raise ValidationError(f"{register!r} is not a register", field=field, rule="one_of",
                              hint="use " + ", ".join(REGISTERS))
    return register


@attrs.frozen
class Access:
    """Who asks, from where and why; what the audit entry records."""

    principal: Principal
    ip: str | None = None
    reason: str | None = None


class Refused(Exception):
    """Carries a refusal out of the refused transaction; see :func:`audit_refusals`."""

    def __init__(self, error: Exception, guard: Guard, access: Access, register: str,
                 record: int | str | None, why: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.guard, self.access, self.register, self.record, self.why = (
            guard, access, register, record, why)

    def write(self) -> None:
        self.guard.audit(None, self.access, "refused", self.register, self.record,
                         {"why": self.why})


P = ParamSpec("P")
R = TypeVar("R")


def audit_refusals(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap a service method: a refusal inside it is audited, then raised as its real error."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Refused as refused:
            refused.write()
            raise refused.error from None
    return wrapper


class Guard:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    @property
    def settings(self) -> Settings:
        return self.d.settings("virtue")  # type: ignore[no-any-return]

    # -- the audit trail -------------------------------------------------------------------------
    def audit(self, s: Session | None, access: Access, action: str, register: str,
              record: int | str | None, detail: dict[str, Any] | None = None,
              reason: str | None = None) -> None:
        self.d.audit.write(s, actor=access.principal.actor, action=f"virtue.register.{action}",
                           record=record_ref(register, record if record is not None else "*"),
                           reason=reason if reason is not None else access.reason,
                           ip=access.ip, detail={"register": register, **(detail or {})})

    def refuse(self, access: Access, register: str, record: int | str | None, why: str,
               error: Exception) -> Refused:
        """A refusal to raise: :func:`audit_refusals` writes its audit entry once the refused
        transaction is gone (the entry must outlive the rollback)."""
        return Refused(error, self, access, register, record, why)

    # -- who may --------------------------------------------------------------------------------
    def may_read(self, principal: Principal, register: str, area_path: str, sealed: bool) -> bool:
        if not principal.can(read_perm(register), area_path):
            return False
        return not sealed or principal.can(SEALED, area_path)

    def require_read(self, access: Access, register: str, record_id: int, area_path: str,
                     sealed: bool) -> None:
        if not self.may_read(access.principal, register, area_path, sealed):
            why = "sealed" if sealed and access.principal.can(read_perm(register), area_path) \
                else "no_read_right"
            raise self.refuse(access, register, record_id, why,
                              NotFound(f"no {register} record {record_id}", field="id",
                                       rule="exists"))

    def require_write(self, access: Access, register: str, area_code: str) -> str:
        path = self.area_path(area_code)
        if not access.principal.can(write_perm(register), path):
            held = ", ".join(f"{g.role}@{g.area_code}" for g in access.principal.grants) or "nothing"
            raise self.refuse(access, register, None, "no_write_right", PermissionDenied(
                f"you may not write the {register} register in area {area_code}",
                field="area_code", rule=write_perm(register), hint=f"your roles cover: {held}"))
        return path

    def check_unmask(self, access: Access, register: str, record_id: int, area_path: str) -> str:
        """The reason, if the caller may unmask here and gave one; else refused (and audited).
        The rule is the core's (:meth:`Privacy.check_unmask`) with the register's own restricted
        right in place of ``personal_data.unmask``."""
        try:
            self.d.privacy.check_unmask(access.principal, area_path, access.reason,
                                        permission=unmask_perm(register))
        except PermissionDenied as exc:
            raise self.refuse(access, register, record_id, "no_unmask_right", exc) from None
        except ValidationError as exc:
            raise self.refuse(access, register, record_id, "no_reason", exc) from None
        return (access.reason or "").strip()

    def unmasked(self, s: Session, access: Access, register: str, record_id: int,
                 area_path: str, reason: str, detail: dict[str, Any] | None = None) -> None:
        """The core's ``personal_data.unmask`` audit entry for a record shown unmasked, in the
        reading transaction (the access report finds it by the record)."""
        self.d.privacy.unmask(access.principal, area_path, reason,
                              record=record_ref(register, record_id), session=s, ip=access.ip,
                              permission=unmask_perm(register),
                              detail={"register": register, **(detail or {})})

    def area_path(self, area_code: str, field: str = "area_code") -> str:
        tree = self.d.areas.tree
        if area_code not in tree:
            raise ValidationError(f"no area with code {area_code!r}", field=field, rule="exists",
                                  hint="see GET /api/v1/areas")
        return tree.path(area_code)

    def scope(self, principal: Principal, register: str) -> list[str]:
        return principal.scope(read_perm(register))

    # -- the PIA gate ----------------------------------------------------------------------------
    def require_pia(self, s: Session, register: str, on: dt.date) -> None:
        p = m.pias.c
        due = s.scalar(sa.select(sa.func.max(p.review_due)).where(p.register == register))
        if due is None:
            raise ValidationError(
                f"no personal-information impact assessment is recorded for the {register} "
                "register: processing may not start before one (PIPL Art 55-56)",
                field="register", rule="pia_required",
                hint=f"record it with `suyuan virtue pia record {register} …` or "
                     "POST /api/v1/virtue/pias")
        if due < on:
            raise ValidationError(
                f"the impact assessment of the {register} register was due for review on "
                f"{due.isoformat()}", field="register", rule="pia_current",
                hint="record a new assessment before writing more records")

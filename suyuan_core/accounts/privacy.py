"""What a viewer sees of a case's personal data: masked unless they may unmask and gave a reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from suyuan_core.accounts.masking import SensitiveField, mask_data, mask_party, mask_value
from suyuan_core.accounts.principal import Principal
from suyuan_core.errors import PermissionDenied, ValidationError

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

UNMASK = "personal_data.unmask"


class Privacy:
    """Masking personal data by declaration (``deployment.privacy``): parties, the ``case.data``
    keys and the plugin table columns the plugins declare sensitive."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self._fields: list[SensitiveField] | None = None

    @property
    def declared(self) -> list[SensitiveField]:
        """Everything the core and the plugins declared sensitive (``case.data`` keys and plugin
        table columns), each credited to its plugin."""
        if self._fields is None:
            found: list[SensitiveField] = []
            for name, items in self.d.call_each("suyuan_register_sensitive_fields"):
                for item in items or ():
                    found.append(SensitiveField(item.path, item.kind, item.label, provider=name,
                                                table=item.table))
            self._fields = found
        return self._fields

    @property
    def fields(self) -> list[SensitiveField]:
        """The sensitive ``case.data`` fields the core and the plugins declared."""
        return [f for f in self.declared if f.table is None]

    def columns(self, table: str) -> list[SensitiveField]:
        """The declared sensitive columns of a plugin's ``table``."""
        return [f for f in self.declared if f.table == table]

    def row(self, table: str, row: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
        """A row of a plugin's ``table`` (a mapping, e.g. ``result.mappings()``) as a viewer
        sees it: every declared sensitive column masked unless ``reveal``."""
        out = dict(row)
        if not reveal:
            for f in self.columns(table):
                if f.path in out:
                    out[f.path] = mask_value(f.kind, out[f.path])
        return out

    def unmask(self, principal: Principal, area_path: str, reason: str | None, *, record: str,
               session: Session | None = None, ip: str | None = None) -> None:
        """Check the right to unmask here and the reason (:meth:`check_unmask`), then write the
        ``personal_data.unmask`` audit entry naming ``record`` — the one way to show personal
        data unmasked."""
        self.check_unmask(principal, area_path, reason)
        self.d.audit.write(session, actor=principal.actor, action="personal_data.unmask",
                           record=record, reason=reason, ip=ip)

    def check_unmask(self, principal: Principal, area_path: str, reason: str | None) -> None:
        """Refuse unmasking without the right for this area, or without a reason."""
        if not principal.can(UNMASK, area_path):
            raise PermissionDenied("you may not see unmasked personal data here",
                                   field="unmask", rule=UNMASK,
                                   hint="ask for a role granting personal_data.unmask")
        if not reason or len(reason.strip()) < 4:
            raise ValidationError("unmasking personal data needs a reason", field="reason",
                                  rule="required",
                                  hint="say why, e.g. 回访当事人 (at least 4 characters)")

    def parties(self, parties: Sequence[Mapping[str, Any]], reveal: bool) -> list[dict[str, Any]]:
        """Case parties as a viewer sees them: masked (``王*``, ``139****5678``) unless
        ``reveal``."""
        return [dict(p) for p in parties] if reveal else [mask_party(p) for p in parties]

    def data(self, data: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
        """A case's ``data`` with every declared sensitive key masked unless ``reveal``."""
        return dict(data) if reveal else mask_data(data, self.fields)

    def event_data(self, data: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
        """An event's data: its parties and its ``case_data`` masked like the case's."""
        if reveal:
            return dict(data)
        out = dict(data)
        if isinstance(out.get("parties"), list):
            out["parties"] = [mask_party(p) for p in out["parties"] if isinstance(p, Mapping)]
        if isinstance(out.get("case_data"), Mapping):
            out["case_data"] = mask_data(out["case_data"], self.fields)
        return out

"""What a viewer sees of a case's personal data: masked unless they may unmask and gave a reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from suyuan_core.accounts.masking import SensitiveField, mask_data, mask_party
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
    def fields(self) -> list[SensitiveField]:
        """The sensitive ``case.data`` fields the core and the plugins declared."""
        if self._fields is None:
            found: list[SensitiveField] = []
            for name, items in self.d.call_each("suyuan_register_sensitive_fields"):
                for item in items or ():
                    found.append(SensitiveField(item.path, item.kind, item.label, provider=name))
            self._fields = found
        return self._fields

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

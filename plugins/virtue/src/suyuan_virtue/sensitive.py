"""The pillar's personal data, declared to the core column by column
(``SensitiveField(column, kind, table=..., encrypted=True)``): the core encrypts them at rest
(``deployment.privacy.encrypt``, the key from ``[privacy]``, never in the database), decrypts and
masks them (``privacy.row``), audits every unmasking (``privacy.unmask``) and re-encrypts them
under a new key (``suyuan keys rotate``). The columns keep an ``_enc`` suffix so the schema says
what they hold; the services see them without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from suyuan_core import Deployment, SensitiveField, ValidationError
from suyuan_virtue import models as m

#: every encrypted column of the pillar: table → field (the column without ``_enc``) → kind.
COLUMNS: dict[str, dict[str, str]] = {
    m.register_records.name: {"name": "name", "id_number": "id_number", "phone": "phone",
                              "address": "address", "birth_date": "hidden", "offence": "hidden",
                              "notes": "hidden"},
    m.register_entries.name: {"detail": "hidden"},
    m.referrals.name: {"name": "name", "phone": "phone", "concern": "hidden"},
    m.counselling_sessions.name: {"notes": "hidden"},
    m.adoption_reviews.name: {"child": "hidden", "applicants": "hidden"},
    m.guardianships.name: {"child_name": "name", "child_id_number": "id_number",
                           "child_birth_date": "hidden", "guardian_name": "name",
                           "guardian_phone": "phone", "parents": "hidden"},
    m.guardianship_reviews.name: {"note": "hidden"},
}
LABELS = {"name": ("姓名", "Name"), "id_number": ("身份证号", "ID number"),
          "phone": ("电话", "Phone"), "address": ("住址", "Address")}


def declared() -> list[SensitiveField]:
    """What ``suyuan_register_sensitive_fields`` returns for the pillar's tables."""
    return [SensitiveField(f"{field}_enc", kind, LABELS.get(kind, ("敏感信息", "Sensitive data")),
                           table=table, encrypted=True)
            for table, fields in COLUMNS.items() for field, kind in fields.items()]


def sealed(d: Deployment, values: Mapping[str, str | None]) -> dict[str, str | None]:
    """The columns to write: each value encrypted by the core under the newest key."""
    return {f"{k}_enc": d.privacy.encrypt(v) for k, v in values.items()}


def shown(d: Deployment, table: str, row: Any, reveal: bool) -> dict[str, Any]:
    """The encrypted fields of ``row`` as the viewer sees them, through the core's privacy
    service: decrypted, and masked by their declared kind unless ``reveal`` (the caller has
    checked and audited the unmasking)."""
    mapping = row._mapping if hasattr(row, "_mapping") else row
    out = d.privacy.row(table, mapping, reveal)
    return {k: out.get(f"{k}_enc") for k in COLUMNS[table]}


def need_text(value: object, field: str, max_len: int = 200) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("required", field=field, rule="required")
    if len(value) > max_len:
        raise ValidationError(f"at most {max_len} characters", field=field, rule="max_length")
    return value.strip()

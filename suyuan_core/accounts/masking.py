"""Personal data masking (DOMAIN-RULES §5, GB/T 35273): parties' names, phones, ID numbers and
addresses are masked in every output unless the viewer may unmask them and gave a reason.

A party who asked to stay anonymous (Guangzhou 12345 rules, Art 7) is hidden from the handling
unit entirely: only an unmasking viewer sees who they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from suyuan_core.domain.labels import Label, label
from suyuan_core.errors import ValidationError

ANONYMOUS = "匿名"
KINDS = ("name", "phone", "id_number", "address", "email", "hidden")


def mask_name(value: str) -> str:
    """``张三`` → ``张*``; ``欧阳娜娜`` → ``欧***``: the surname's first character stays."""
    value = value.strip()
    return value[:1] + "*" * max(len(value) - 1, 1) if value else value


def mask_phone(value: str) -> str:
    """``13812341234`` → ``138****1234``; short numbers keep only their last two digits."""
    digits = value.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_id_number(value: str) -> str:
    """``110101199001011234`` → ``110***********1234`` (region prefix and last four stay)."""
    v = value.strip()
    if len(v) >= 8:
        return v[:3] + "*" * (len(v) - 7) + v[-4:]
    return "*" * len(v)


def mask_address(value: str) -> str:
    """Keep the start (province/city/county, at most six characters) and hide the rest."""
    v = value.strip()
    keep = min(6, len(v) // 3)
    return v[:keep] + "****"


def mask_hidden(value: Any) -> str:
    return "***"


def mask_email(value: str) -> str:
    """``zhangsan@example.cn`` → ``z***@example.cn``."""
    local, at, domain = value.strip().partition("@")
    return (local[:1] + "***" + at + domain) if at else mask_hidden(value)


MASKERS: Mapping[str, Callable[[Any], str]] = {
    "name": mask_name, "phone": mask_phone, "id_number": mask_id_number,
    "address": mask_address, "email": mask_email, "hidden": mask_hidden}

#: personal data a resident writes into free text (a description, a note): ID numbers (18
#: characters, GB 11643), mobile and landline numbers, e-mail addresses.
_IN_TEXT = [
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), mask_id_number),
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),
     lambda v: mask_phone(re.sub(r"[^\d]", "", v)[-11:])),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), mask_phone),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), mask_email),
]


def mask_free_text(text: str | None) -> str | None:
    """Free text with the phone numbers, ID numbers and e-mail addresses found in it masked
    (on every masked or public view of a title, description, note or reason)."""
    if not text:
        return text
    for pattern, masker in _IN_TEXT:
        text = pattern.sub(lambda m, f=masker: f(m.group(0)), text)  # type: ignore[misc]
    return text

#: a party's personal fields and how each is masked (the core's declaration of its own).
PARTY_FIELDS = {"name": "name", "phone": "phone", "id_number": "id_number", "address": "address",
                "email": "email"}


def _kind(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in KINDS:
        raise ValidationError(f"{value!r} is not a kind of personal data",
                              field="SensitiveField.kind", rule="one_of",
                              hint="use " + ", ".join(KINDS))


@attrs.frozen
class SensitiveField:
    """Personal data, declared by ``suyuan_register_sensitive_fields``: a key of ``case.data``
    (dotted for nested dicts, e.g. ``virtue.correction.id_number``) or, with ``table``, a column
    of the plugin's own table (``SensitiveField("phone", "phone", table="virtue_volunteers")``),
    masked by ``deployment.privacy.row(table, row, reveal)`` and ``suyuan_core.http.shown_row``.
    With ``encrypted=True`` the column is stored encrypted (``deployment.privacy.encrypt``, the
    key from ``[privacy]``, never in the database) and ``row`` decrypts it before masking."""

    path: str
    kind: str = attrs.field(validator=_kind)
    label: Label = attrs.field(default=Label("个人信息", "Personal data"), converter=label)
    provider: str = "suyuan_core"
    #: the plugin table whose column ``path`` is; None for a key of ``case.data``.
    table: str | None = attrs.field(default=None, kw_only=True)
    #: the column holds ciphertext (``deployment.privacy.encrypt``), decrypted by
    #: ``privacy.row`` and re-encrypted by ``suyuan keys rotate``; only with ``table``.
    encrypted: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.encrypted and self.table is None:
            raise ValidationError("only a plugin table's column can be encrypted at rest",
                                  field="SensitiveField.encrypted", rule="table_required",
                                  hint="give table=\"<your_table>\"")


def mask_party(party: Mapping[str, Any]) -> dict[str, Any]:
    """A party as a viewer without the unmask right sees them."""
    if party.get("anonymous"):
        return {"name": ANONYMOUS, "role": party.get("role", "party"), "anonymous": True}
    out = dict(party)
    for key, kind in PARTY_FIELDS.items():
        if out.get(key):
            out[key] = MASKERS[kind](str(out[key]))
    return out


def mask_value(kind: str, value: Any) -> Any:
    """One value as a viewer without the unmask right sees it (empty values stay empty; a list —
    e.g. the names of the people a ledger issue affects — is masked item by item)."""
    if value in (None, ""):
        return value
    if isinstance(value, (list, tuple)):
        return [mask_value(kind, v) for v in value]
    return MASKERS[kind](value) if isinstance(value, str) or kind == "hidden" else "***"


def mask_data(data: Mapping[str, Any], fields: Iterable[SensitiveField]) -> dict[str, Any]:
    """``data`` with every registered sensitive field masked (a copy; nested dicts copied)."""
    out: dict[str, Any] = dict(data)
    for f in fields:
        parts = f.path.split(".")
        node: dict[str, Any] = out
        for key in parts[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                break
            node[key] = dict(child)
            node = node[key]
        else:
            last = parts[-1]
            if last in node:
                node[last] = mask_value(f.kind, node[last])
    return out

"""What a viewer sees of a case's personal data: masked unless they may unmask and gave a reason."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core.accounts.cipher import Cipher, new_key
from suyuan_core.accounts.masking import (
    SensitiveField,
    mask_data,
    mask_free_text,
    mask_party,
    mask_value,
)
from suyuan_core.accounts.principal import Principal
from suyuan_core.errors import ConfigError, PermissionDenied, ValidationError

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

UNMASK = "personal_data.unmask"
_CIPHERS: dict[tuple[str, ...], Cipher] = {}
#: keys of event data that hold free text a resident or an official wrote.
FREE_TEXT = ("text", "description", "title", "summary", "content")


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
                                                table=item.table, encrypted=item.encrypted))
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
        sees it: the encrypted columns decrypted, every declared sensitive column masked unless
        ``reveal``."""
        out = dict(row)
        for f in self.columns(table):
            if f.path not in out:
                continue
            if f.encrypted:
                out[f.path] = self.decrypt(out[f.path])
            if not reveal:
                out[f.path] = mask_value(f.kind, out[f.path])
        return out

    # -- encryption at rest ----------------------------------------------------------------------
    def encrypted_columns(self) -> dict[str, list[str]]:
        """The declared encrypted columns, per plugin table."""
        out: dict[str, list[str]] = {}
        for f in self.declared:
            if f.encrypted and f.table is not None:
                out.setdefault(f.table, []).append(f.path)
        return out

    @property
    def key_path(self) -> Path:
        """The key file (``[privacy] key_file``, relative to suyuan.toml)."""
        return self.d.config.resolve(self.d.config.core.privacy.key_file)

    def keys(self) -> list[str]:
        """The configured keys, newest first: the environment variable (comma-separated), else
        the key file (one a line, ``#`` comments); none when neither exists."""
        section = self.d.config.core.privacy
        raw = os.environ.get(section.keys_env, "")
        if raw.strip():
            return [k.strip() for k in raw.split(",") if k.strip()]
        if not self.key_path.exists():
            return []
        return [line.strip() for line in self.key_path.read_text(encoding="ascii").splitlines()
                if line.strip() and not line.startswith("#")]

    @staticmethod
    def new_key() -> str:
        """A new random key for the key file (what ``suyuan keys new`` prints)."""
        return new_key()

    def ensure_key(self) -> bool:
        """Create the key file with a new key when no key is configured (a demo, a first
        start); True when it made one."""
        if self.keys():
            return False
        self.key_path.write_text("# suyuan encryption keys, newest first (never in the "
                                 "database)\n" + new_key() + "\n", encoding="ascii")
        return True

    @property
    def cipher(self) -> Cipher:
        """The cipher for the keys configured *now* (re-read each time, so a rotated key file
        takes effect at once; cached per key list)."""
        keys = tuple(self.keys())
        if not keys:
            section = self.d.config.core.privacy
            raise ConfigError("no encryption key is configured for the encrypted columns",
                              hint=f"set {section.keys_env} or create {self.key_path} with "
                                   "`suyuan keys new`")
        found = _CIPHERS.get(keys)
        if found is None:
            found = _CIPHERS[keys] = Cipher(list(keys))
        return found

    def encrypt(self, value: str | None) -> str | None:
        """``value`` as stored in a declared encrypted column (None and "" stay None)."""
        return None if value in (None, "") else self.cipher.encrypt(value)

    def decrypt(self, token: str | None) -> str | None:
        """The plaintext of an encrypted column's value."""
        return None if token is None else self.cipher.decrypt(token)

    def rotate(self, *, actor: str) -> dict[str, int]:
        """Re-encrypt every declared encrypted column under the newest key, in one transaction,
        then an audit entry; afterwards the old key can leave the key file."""
        cipher = self.cipher
        counts: dict[str, int] = {}
        with self.d.transaction() as s:
            for name, columns in sorted(self.encrypted_columns().items()):
                table = sa.Table(name, sa.MetaData(), autoload_with=s.connection())
                key = list(table.primary_key.columns)
                n = 0
                for row in s.execute(sa.select(*key, *(table.c[c] for c in columns))).all():
                    values = {c: cipher.rotate(getattr(row, c)) for c in columns}
                    s.execute(table.update().where(*(k == getattr(row, k.name) for k in key))
                              .values(**values))
                    n += 1
                counts[name] = n
            self.d.audit.write(s, actor=actor, action="privacy.keys.rotate", record="keys:*",
                               detail={"rows": counts, "keys": cipher.key_count})
        return counts

    # -- unmasking ---------------------------------------------------------------------------------
    def unmask(self, principal: Principal, area_path: str, reason: str | None, *, record: str,
               session: Session | None = None, ip: str | None = None,
               permission: str = UNMASK, detail: dict[str, Any] | None = None) -> None:
        """Check the right to unmask here and the reason (:meth:`check_unmask`), then write the
        ``personal_data.unmask`` audit entry naming ``record`` — the one way to show personal
        data unmasked. ``permission``: a plugin's own (restricted) right for its records."""
        self.check_unmask(principal, area_path, reason, permission=permission)
        self.d.audit.write(session, actor=principal.actor, action="personal_data.unmask",
                           record=record, reason=reason, ip=ip, detail=detail)

    def check_unmask(self, principal: Principal, area_path: str, reason: str | None, *,
                     permission: str = UNMASK) -> None:
        """Refuse unmasking without ``permission`` (default ``personal_data.unmask``) for this
        area, or without a reason of ``[privacy] unmask_reason_min`` characters."""
        if not principal.can(permission, area_path):
            raise PermissionDenied("you may not see unmasked personal data here",
                                   field="unmask", rule=permission,
                                   hint=f"ask for a role granting {permission}")
        least = self.d.config.core.privacy.unmask_reason_min
        if not reason or len(reason.strip()) < least:
            raise ValidationError("unmasking personal data needs a reason", field="reason",
                                  rule="required",
                                  hint=f"say why, e.g. 回访当事人 (at least {least} characters)")

    def parties(self, parties: Sequence[Mapping[str, Any]], reveal: bool) -> list[dict[str, Any]]:
        """Case parties as a viewer sees them: masked (``王*``, ``139****5678``) unless
        ``reveal``."""
        return [dict(p) for p in parties] if reveal else [mask_party(p) for p in parties]

    def data(self, data: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
        """A case's ``data`` with every declared sensitive key masked unless ``reveal``."""
        return dict(data) if reveal else mask_data(data, self.fields)

    def text(self, value: str | None, reveal: bool) -> str | None:
        """Free text as the viewer sees it: phone and ID numbers found in it masked."""
        return value if reveal else mask_free_text(value)

    def event_data(self, data: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
        """An event's data: its parties and its ``case_data`` masked like the case's, and the
        phone and ID numbers in its free text (a note, a description) masked."""
        if reveal:
            return dict(data)
        out = dict(data)
        for key in FREE_TEXT:
            if isinstance(out.get(key), str):
                out[key] = mask_free_text(out[key])
        if isinstance(out.get("parties"), list):
            out["parties"] = [mask_party(p) for p in out["parties"] if isinstance(p, Mapping)]
        if isinstance(out.get("case_data"), Mapping):
            out["case_data"] = mask_data(out["case_data"], self.fields)
        return out

"""Encryption at rest of the sensitive registers (PIPL Art 51): Fernet (AES-128-CBC + HMAC-SHA256)
from the ``cryptography`` library, several keys at once through ``MultiFernet`` so keys rotate
without downtime.

The keys come from the environment (``[plugins.virtue] keys_env``) or a key file beside the
configuration (``key_file``), never from the database: a copy of the database alone reveals
nothing. Rotation: put a new key first, run ``suyuan virtue keys rotate`` (every ciphertext is
re-encrypted under it, :meth:`Vault.rotate`), then drop the old key.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from suyuan_core import ConfigError, Deployment, ValidationError
from suyuan_virtue.settings import Settings

HINT = ("create a key with `suyuan virtue keys new >> virtue-keys.txt` and set "
        "[plugins.virtue] key_file = \"virtue-keys.txt\" (or the SUYUAN_VIRTUE_KEYS variable)")


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class Vault:
    """Encrypts and decrypts one field at a time; the first key encrypts, every key decrypts."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ConfigError("the virtue registers have no encryption key", hint=HINT)
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError):
            raise ConfigError("a virtue register key is not a Fernet key (32 url-safe base64 "
                              "bytes)", hint=HINT) from None
        self.key_count = len(keys)

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ConfigError("a register field does not decrypt with the configured keys",
                              hint="the key that encrypted it was removed before "
                                   "`suyuan virtue keys rotate` ran; put it back") from None

    def rotate(self, token: str | None) -> str | None:
        """The same plaintext under the newest key."""
        if token is None:
            return None
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")


def key_path(deployment: Deployment) -> Path:
    settings: Settings = deployment.settings("virtue")
    return Path(deployment.config.resolve(settings.key_file))


def keys_of(deployment: Deployment) -> list[str]:
    """The configured keys, newest first: the environment variable, else the key file (none when
    neither exists — :func:`vault` then refuses with a hint)."""
    settings: Settings = deployment.settings("virtue")
    raw = os.environ.get(settings.keys_env, "")
    if raw.strip():
        return [k.strip() for k in raw.split(",") if k.strip()]
    path = key_path(deployment)
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="ascii").splitlines()
            if line.strip() and not line.startswith("#")]


_VAULTS: dict[tuple[str, ...], Vault] = {}


def vault(deployment: Deployment) -> Vault:
    """The vault for the keys configured *now* (re-read each time, so a rotated key file takes
    effect at once; the Fernet objects are cached per key list)."""
    keys = tuple(keys_of(deployment))
    if not keys:
        settings: Settings = deployment.settings("virtue")
        raise ConfigError("the virtue registers have no encryption key",
                          hint=f"set {settings.keys_env} or create {key_path(deployment)} "
                               "with `suyuan virtue keys new`")
    found = _VAULTS.get(keys)
    if found is None:
        found = _VAULTS[keys] = Vault(list(keys))
    return found


def need_text(value: object, field: str, max_len: int = 200) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("required", field=field, rule="required")
    if len(value) > max_len:
        raise ValidationError(f"at most {max_len} characters", field=field, rule="max_length")
    return value.strip()

"""Encryption at rest of the plugin columns declared ``SensitiveField(..., table=..., encrypted=True)``
(PIPL Art 51): Fernet (AES-128-CBC + HMAC-SHA256) from the ``cryptography`` library, several keys
at once through ``MultiFernet`` so keys rotate without downtime.

The keys come from the environment (``[privacy] keys_env``) or a key file beside the configuration
(``[privacy] key_file``), never from the database: a copy of the database alone reveals nothing.
Rotation: put a new key first, run ``suyuan keys rotate`` (every declared encrypted column is
re-encrypted under it), then drop the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from suyuan_core.errors import ConfigError

HINT = ("create a key with `suyuan keys new >> suyuan-keys.txt` and set [privacy] key_file = "
        "\"suyuan-keys.txt\" (or the SUYUAN_KEYS variable)")


def new_key() -> str:
    """A new random Fernet key (32 url-safe base64 bytes)."""
    return Fernet.generate_key().decode("ascii")


class Cipher:
    """Encrypts and decrypts one value at a time; the first key encrypts, every key decrypts."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ConfigError("no encryption key is configured for the encrypted columns",
                              hint=HINT)
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError):
            raise ConfigError("an encryption key is not a Fernet key (32 url-safe base64 bytes)",
                              hint=HINT) from None
        self.key_count = len(keys)

    def encrypt(self, value: str | None) -> str | None:
        """The ciphertext of ``value`` under the newest key (None and "" stay None)."""
        if value is None or value == "":
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        """The plaintext; a token no configured key opens is a one-line configuration error."""
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ConfigError("an encrypted field does not decrypt with the configured keys",
                              hint="the key that encrypted it was removed before "
                                   "`suyuan keys rotate` ran; put it back") from None

    def rotate(self, token: str | None) -> str | None:
        """The same plaintext under the newest key."""
        if token is None:
            return None
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")

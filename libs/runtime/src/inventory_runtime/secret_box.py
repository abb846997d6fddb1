"""Secrets stored in a database (webhook secrets, SMTP passwords), encrypted at rest.

`SecretBox` encrypts with AES-256-GCM under the key of the setting DATA_ENCRYPTION_KEY (base64
of 32 random bytes, e.g. ``python -c "import os,base64;print(base64.b64encode(os.urandom(32))
.decode())"``). A token reads ``enc:v1:<key id>:<base64 of nonce + ciphertext + tag>``, with a
fresh random 96-bit nonce each time; the key id (from a hash of the key) names the key, so a
token written under another key is refused by name rather than as tampering. A stored value
without the ``enc:v1:`` prefix is a legacy plaintext written before encryption: `decrypt`
returns it as is, and the next write of that row stores it encrypted.

A service storing secrets declares the setting (see `DATA_ENCRYPTION_KEY_RULE`)::

    data_encryption_key: DataEncryptionKey = DEV_DATA_ENCRYPTION_KEY
    secrets = {**ServiceSettings.secrets, "data_encryption_key": DATA_ENCRYPTION_KEY_RULE}
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from typing import Annotated

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import AfterValidator

from inventory_runtime.settings import PLACEHOLDER, SecretSetting

PREFIX = "enc:v1:"
NONCE_BYTES = 12
KEY_BYTES = 32

DEV_DATA_ENCRYPTION_KEY = base64.b64encode(b"inventory-development-key-public").decode()
"""The development default: public (it is in the repository), refused outside development."""


class SecretBoxError(ValueError):
    """A stored secret cannot be decrypted: another key wrote it, or it was altered."""


def parse_key(value: str) -> bytes:
    """The 32 key bytes of `value` (base64); ValueError when it is not exactly that."""
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("DATA_ENCRYPTION_KEY must be base64 (of 32 random bytes)") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"DATA_ENCRYPTION_KEY must be base64 of {KEY_BYTES} bytes, not {len(key)}")
    return key


def _valid_key(value: str) -> str:
    if PLACEHOLDER not in value:  # a placeholder is refused by the secrets check, by name
        parse_key(value)
    return value


DataEncryptionKey = Annotated[str, AfterValidator(_valid_key)]
"""The type of a DATA_ENCRYPTION_KEY setting: base64 of exactly 32 bytes."""

DATA_ENCRYPTION_KEY_RULE = SecretSetting(
    frozenset({DEV_DATA_ENCRYPTION_KEY}), required=True, min_length=44
)
"""Outside development the key must be set, and not to the development default."""


class SecretBox:
    """Encrypts and decrypts the secrets a service stores, under one key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a SecretBox key has {KEY_BYTES} bytes")
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(b"inventory secret box key id:" + key).hexdigest()[:12]
        self._header = f"{PREFIX}{self.key_id}:"

    @classmethod
    def from_setting(cls, value: str) -> SecretBox:
        """The box of a DATA_ENCRYPTION_KEY value (base64 of 32 bytes)."""
        return cls(parse_key(value))

    def encrypt(self, plaintext: str) -> str:
        """A token for `plaintext`; two calls with the same plaintext give different tokens."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), self._header.encode())
        return self._header + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, stored: str) -> str:
        """The plaintext of `stored`: a token of `encrypt`, or a legacy plaintext (as is).

        Raises `SecretBoxError` for a token of another key or one that was altered.
        """
        if not stored.startswith(PREFIX):
            return stored
        key_id, _, body = stored[len(PREFIX) :].partition(":")
        if key_id != self.key_id:
            raise SecretBoxError(
                f"stored secret was encrypted with key {key_id!r}, not the DATA_ENCRYPTION_KEY "
                f"configured ({self.key_id!r})"
            )
        try:
            raw = base64.b64decode(body, validate=True)
            nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
            plaintext = self._aead.decrypt(nonce, sealed, self._header.encode())
        except (binascii.Error, ValueError, InvalidTag):
            raise SecretBoxError("stored secret is damaged or was altered") from None
        return plaintext.decode()

    def is_encrypted(self, stored: str) -> bool:
        """Whether `stored` is a token (rather than a legacy plaintext)."""
        return stored.startswith(PREFIX)

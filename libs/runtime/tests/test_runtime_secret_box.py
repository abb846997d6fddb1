"""Secrets at rest: AES-256-GCM tokens that differ each time, refuse a wrong key or any
alteration, and leave legacy plaintext readable; the key setting refused outside development
when left at the development default, missing or malformed."""

from __future__ import annotations

import base64
import os
from typing import ClassVar

import pytest
from inventory_runtime.secret_box import (
    DATA_ENCRYPTION_KEY_RULE,
    DEV_DATA_ENCRYPTION_KEY,
    DataEncryptionKey,
    SecretBox,
    SecretBoxError,
)
from inventory_runtime.settings import SecretSetting, ServiceSettings, undeclared_secrets
from pydantic import ValidationError


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


BOX = SecretBox.from_setting(new_key())


def test_a_secret_round_trips_and_the_token_does_not_contain_it() -> None:
    token = BOX.encrypt("smtp-p@ssw0rd-测试")
    assert token.startswith(f"enc:v1:{BOX.key_id}:")
    assert "smtp-p@ssw0rd" not in token
    assert BOX.decrypt(token) == "smtp-p@ssw0rd-测试"
    assert BOX.is_encrypted(token)


def test_two_encryptions_of_the_same_secret_differ() -> None:
    first, second = BOX.encrypt("same-secret"), BOX.encrypt("same-secret")
    assert first != second
    assert BOX.decrypt(first) == BOX.decrypt(second) == "same-secret"


def flip(token: str, index: int) -> str:
    header, _, body = token.rpartition(":")
    raw = bytearray(base64.b64decode(body))
    raw[index] ^= 0x01
    return f"{header}:{base64.b64encode(bytes(raw)).decode()}"


@pytest.mark.parametrize("index", [0, 12, -1])  # the nonce, the ciphertext, the tag
def test_an_altered_token_is_refused(index: int) -> None:
    token = BOX.encrypt("webhook-secret")
    with pytest.raises(SecretBoxError, match="damaged or was altered"):
        BOX.decrypt(flip(token, index))


def test_a_truncated_or_garbled_token_is_refused() -> None:
    token = BOX.encrypt("webhook-secret")
    for bad in (token[:-8], token + "AAAA", token[: token.rfind(":") + 1] + "not base64!"):
        with pytest.raises(SecretBoxError):
            BOX.decrypt(bad)


def test_a_token_moved_to_another_key_id_is_refused() -> None:
    other = SecretBox.from_setting(new_key())
    token = BOX.encrypt("webhook-secret")
    forged = token.replace(BOX.key_id, other.key_id, 1)
    with pytest.raises(SecretBoxError, match="damaged or was altered"):
        other.decrypt(forged)


def test_a_wrong_key_is_refused_by_name_never_returning_garbage() -> None:
    token = BOX.encrypt("webhook-secret")
    with pytest.raises(SecretBoxError, match=r"encrypted with key .* not the DATA_ENCRYPTION_KEY"):
        SecretBox.from_setting(new_key()).decrypt(token)


def test_a_legacy_plaintext_reads_as_is() -> None:
    assert BOX.decrypt("written-before-encryption") == "written-before-encryption"
    assert not BOX.is_encrypted("written-before-encryption")


@pytest.mark.parametrize("bad", ["", "short", base64.b64encode(b"x" * 16).decode(), "@@@@"])
def test_a_key_that_is_not_base64_of_32_bytes_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="DATA_ENCRYPTION_KEY must be base64"):
        SecretBox.from_setting(bad)


class KeyedSettings(ServiceSettings):
    service_name: str = "keyed"
    secrets: ClassVar[dict[str, SecretSetting]] = {
        **ServiceSettings.secrets,
        "data_encryption_key": DATA_ENCRYPTION_KEY_RULE,
    }
    data_encryption_key: DataEncryptionKey = DEV_DATA_ENCRYPTION_KEY


PRODUCTION_DB = "postgresql+asyncpg://keyed:a-strong-password@db:5432/keyed"


def test_development_uses_the_development_key() -> None:
    settings = KeyedSettings()
    assert settings.data_encryption_key == DEV_DATA_ENCRYPTION_KEY
    assert undeclared_secrets(KeyedSettings) == []
    assert "data_encryption_key='***'" in repr(settings)


@pytest.mark.parametrize("environment", ["production", "test"])
def test_outside_development_the_development_key_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="DATA_ENCRYPTION_KEY is a development default"):
        KeyedSettings(environment=environment, database_url=PRODUCTION_DB)


def test_outside_development_an_empty_or_placeholder_key_is_refused() -> None:
    for value in ("", "REPLACE_ME_DATA_ENCRYPTION_KEY"):
        with pytest.raises(ValidationError, match="DATA_ENCRYPTION_KEY"):
            KeyedSettings(
                environment="production", database_url=PRODUCTION_DB, data_encryption_key=value
            )


def test_a_malformed_key_is_refused_in_any_environment() -> None:
    with pytest.raises(ValidationError, match="must be base64 of 32 bytes"):
        KeyedSettings(data_encryption_key=base64.b64encode(b"k" * 31).decode())


def test_production_accepts_a_real_key() -> None:
    key = new_key()
    settings = KeyedSettings(
        environment="production", database_url=PRODUCTION_DB, data_encryption_key=key
    )
    assert (
        SecretBox.from_setting(settings.data_encryption_key).decrypt(
            SecretBox.from_setting(key).encrypt("s")
        )
        == "s"
    )

"""Which parts of a channel config are encrypted at rest, and that sending gets them back."""

from __future__ import annotations

import base64
import os

import pytest
from alerting.adapters.channels import opened, redacted, sealed
from inventory_runtime.secret_box import SecretBox, SecretBoxError

BOX = SecretBox.from_setting(base64.b64encode(os.urandom(32)).decode())


def test_only_the_secret_fields_are_sealed_and_opening_gives_them_back() -> None:
    config = {
        "host": "smtp.example.com",
        "username": "alerts",
        "password": "pw-123456",
        "to": ["a@b.c"],
    }
    stored = sealed(config, BOX)
    assert stored["password"] != "pw-123456" and stored["password"].startswith("enc:v1:")
    assert {k: v for k, v in stored.items() if k != "password"} == {
        k: v for k, v in config.items() if k != "password"
    }
    assert opened(stored, BOX) == config
    assert redacted(stored)["password"] == "***"
    webhook = {"url": "https://hooks.example.com/x", "secret": None}
    assert sealed(webhook, BOX) == webhook  # no secret set: nothing to seal


def test_a_legacy_plaintext_config_opens_as_is_and_a_foreign_key_is_refused() -> None:
    legacy = {"url": "https://hooks.example.com/x", "secret": "plain-secret"}
    assert opened(legacy, BOX) == legacy
    other = SecretBox.from_setting(base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(SecretBoxError):
        opened(sealed(legacy, other), BOX)

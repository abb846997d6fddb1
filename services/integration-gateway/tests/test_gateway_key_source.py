"""The gateway's verifier keys: its own signing keys with the configured issuer's, the
configured source skipped when it would only fetch the gateway's own JWKS, and its failure
tolerated while the gateway has keys of its own."""

from __future__ import annotations

import pytest
from integration_gateway.adapters.key_source import GatewayKeySource, fetches_only_own_keys
from inventory_runtime.auth.principal import Unauthenticated
from inventory_runtime.auth.testing import TEST_ISSUER, other_key
from joserfc.jwk import KeySet

OWN = "https://gateway.example"
UNREACHABLE = "http://127.0.0.1:9/jwks"


def test_the_configured_source_is_skipped_only_when_it_is_the_gateways_own_jwks() -> None:
    def only_own(**urls: str) -> bool:
        return fetches_only_own_keys(
            OWN,
            inline_jwks=urls.get("inline", ""),
            jwks_url=urls.get("jwks", ""),
            discovery_url=urls.get("discovery", ""),
        )

    assert only_own()  # discovery under the own issuer
    assert only_own(jwks=f"{OWN}/oauth/jwks")
    assert not only_own(inline=TEST_ISSUER.jwks_json())
    assert not only_own(jwks="https://keycloak.example/certs")
    assert not only_own(discovery="https://gateway.example.evil/.well-known/openid-configuration")


class FakeOwnKeys(GatewayKeySource):
    """Own keys from memory instead of the signing_keys table."""

    def __init__(self, own: KeySet, **configured: str) -> None:
        super().__init__(lambda: None, own_issuer=OWN, issuer=OWN, **configured)  # type: ignore[arg-type, return-value]
        self.own = own
        self.reads = 0

    async def _read_own(self) -> KeySet:
        self.reads += 1
        return self.own


async def test_own_keys_and_the_configured_ones_together() -> None:
    own = KeySet([other_key()])
    source = FakeOwnKeys(own, inline_jwks=TEST_ISSUER.jwks_json())
    kids = {key.kid for key in (await source.keys()).keys}
    assert kids == {own.keys[0].kid, TEST_ISSUER.key.kid}
    await source.keys()
    assert source.reads == 1  # cached
    await source.keys(refresh=True)  # an unknown kid: read again (a rotation elsewhere)
    assert source.reads == 2


async def test_an_unreachable_configured_issuer_is_tolerated_with_own_keys() -> None:
    own = KeySet([other_key()])
    source = FakeOwnKeys(own, jwks_url=UNREACHABLE)
    assert [key.kid for key in (await source.keys()).keys] == [own.keys[0].kid]
    without_own = FakeOwnKeys(KeySet([]), jwks_url=UNREACHABLE)
    with pytest.raises(Unauthenticated):
        await without_own.keys()

"""Managing API keys: create, rotate (the old key keeps working for an overlap window),
revoke; each audited as `api_client` with the client before and after (never a key or hash)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from inventory_runtime.auth.principal import Principal

from integration_gateway import domain
from integration_gateway.domain.api_key_admin import (
    ApiClientExists,
    ApiKeyInfo,
    UnknownApiClient,
    key_hint,
)
from integration_gateway.ports import ApiKeyUoW


def _record(info: ApiKeyInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "scopes": list(info.scopes),
        "active": info.active,
        "key_hint": info.key_hint,
        "previous_key_valid_until": (
            None if info.previous_key_valid_until is None
            else info.previous_key_valid_until.isoformat()
        ),
    }  # fmt: skip


async def create_key(
    uow: ApiKeyUoW,
    actor: Principal,
    name: str,
    scopes: Sequence[str],
    rate_per_second: float | None = None,
    burst: int | None = None,
) -> tuple[ApiKeyInfo, str]:
    """A new API client and its key (returned once). Raises `ApiClientExists`."""
    key = domain.generate_api_key()
    async with uow:
        created = await uow.api_keys.add(
            name, domain.hash_api_key(key), key_hint(key), scopes, rate_per_second, burst
        )
        if created is None:
            raise ApiClientExists(name)
        uow.audit(actor, "create", "api_client", name, after=_record(created) | {"key": "issued"})
        await uow.commit()
    return created, key


async def rotate_key(
    uow: ApiKeyUoW, actor: Principal, name: str, overlap: timedelta
) -> tuple[ApiKeyInfo, str]:
    """A new key for client `name`; its current key keeps working for `overlap` (0: stops
    now). Raises `UnknownApiClient` (also for a revoked client)."""
    key = domain.generate_api_key()
    async with uow:
        before = await uow.api_keys.get(name, for_update=True)
        if before is None or not before.active:
            raise UnknownApiClient(name)
        await uow.api_keys.rotate(name, domain.hash_api_key(key), key_hint(key), overlap)
        after = await uow.api_keys.get(name)
        assert after is not None
        uow.audit(
            actor, "rotate", "api_client", name,
            before=_record(before), after=_record(after) | {"key": "changed"},
        )  # fmt: skip
        await uow.commit()
    return after, key


async def revoke_key(uow: ApiKeyUoW, actor: Principal, name: str) -> None:
    """Client `name`'s keys stop working at once. Raises `UnknownApiClient`."""
    async with uow:
        before = await uow.api_keys.get(name, for_update=True)
        if before is None:
            raise UnknownApiClient(name)
        await uow.api_keys.revoke(name)
        after = await uow.api_keys.get(name)
        assert after is not None
        uow.audit(actor, "revoke", "api_client", name, before=_record(before), after=_record(after))
        await uow.commit()

"""An integrator's day on the running gateway, only through its typed client (generated from
the published OpenAPI document): an API key made by the administrator, a bulk import with a
bad row, a subscription with its deliveries and a replay, then the key rotated and revoked.

Every answer is parsed into the document's models, so an answer off the document fails here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from inventory_gateway_client import AuthenticatedClient
from inventory_gateway_client.api.api_keys import create_key, list_keys, revoke_key, rotate_key
from inventory_gateway_client.api.imports import get_import, import_errors, import_file
from inventory_gateway_client.api.write_back import (
    create_subscription,
    delete_subscription,
    list_deliveries,
    list_subscriptions,
    replay_deliveries,
)
from inventory_gateway_client.models import (
    ApiKeyBody,
    ApiKeyIssued,
    ErrorBody,
    ImportFileFilesBody,
    ImportJobView,
    ReplayBody,
    Replayed,
    RotateBody,
    RowErrorView,
    SubscriptionBody,
    SubscriptionView,
)
from inventory_gateway_client.types import File
from inventory_testkit.platform import gateway, unique
from inventory_testkit.standins import WebhookReceiver
from inventory_testkit.tokens import ADMIN_LOGIN


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    erp = WebhookReceiver()
    erp.start()
    yield erp
    erp.stop()


async def new_key(name: str) -> ApiKeyIssued:
    body = ApiKeyBody(name=name, scopes=["master-data:write", "subscriptions:admin"])
    async with gateway(login=ADMIN_LOGIN) as admin:
        created = await create_key.asyncio_detailed(client=admin, body=body)
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, ApiKeyIssued)
    return created.parsed


async def import_items(client: AuthenticatedClient, prefix: str) -> ImportJobView:
    """Two items, the second with a negative cost, as a CSV file in a multipart form (the
    client sends a raw body from a sync file object, which its async transport refuses);
    answered when applied."""
    rows = (
        "sku,name,name_zh,unit_of_measure,category,unit_cost\n"
        f"{prefix}-LJ,Longjing green tea 250 g,龙井绿茶 250克,box,茶叶,84.00\n"
        f"{prefix}-BLC,Biluochun 100 g,碧螺春 100克,box,茶叶,-1\n"
    )
    csv = File(payload=io.BytesIO(rows.encode()), file_name="items.csv", mime_type="text/csv")
    form = ImportFileFilesBody(file=csv)
    done = await import_file.asyncio_detailed(client=client, body=form, kind="items", wait=True)
    assert done.status_code == 200, done.content
    assert isinstance(done.parsed, ImportJobView)
    return done.parsed


async def test_an_integrator_imports_subscribes_replays_and_rotates_through_the_client(
    receiver: WebhookReceiver,
) -> None:
    name = unique("erp-client")
    issued = await new_key(name)
    async with gateway(api_key=issued.key) as erp:
        job = await import_items(erp, unique("CLI"))
        assert (job.status, job.applied, job.rejected) == ("completed", 1, 1)
        errors = await import_errors.asyncio_detailed(job.id, client=erp)
        assert isinstance(errors.parsed, list)
        assert [(e.row, e.field) for e in errors.parsed if isinstance(e, RowErrorView)] == [
            (3, "unit_cost")
        ]

        body = SubscriptionBody(
            url=receiver.url, secret="client-e2e-secret", event_types=["inventory.stock.voucher.v1"]
        )
        created = await create_subscription.asyncio_detailed(client=erp, body=body)
        assert created.status_code == 201 and isinstance(created.parsed, SubscriptionView)
        subscription = created.parsed.id
        listed = await list_subscriptions.asyncio_detailed(client=erp)
        assert isinstance(listed.parsed, list)
        assert subscription in [s.id for s in listed.parsed if isinstance(s, SubscriptionView)]
        replay = ReplayBody(subscription_id=subscription, statuses=["failed"])
        replayed = await replay_deliveries.asyncio_detailed(client=erp, body=replay)
        assert isinstance(replayed.parsed, Replayed) and replayed.parsed.replayed == 0
        deliveries = await list_deliveries.asyncio_detailed(client=erp, limit=5)
        assert deliveries.status_code == 200 and isinstance(deliveries.parsed, list)
        gone = await delete_subscription.asyncio_detailed(subscription, client=erp)
        assert gone.status_code == 204
        again = await delete_subscription.asyncio_detailed(subscription, client=erp)
        assert again.status_code == 404 and isinstance(again.parsed, ErrorBody)

    async with gateway(login=ADMIN_LOGIN) as admin:
        keys = await list_keys.asyncio_detailed(client=admin)
        assert isinstance(keys.parsed, list)
        mine = [k for k in keys.parsed if k.name == name]
        assert mine and mine[0].last_used_at is not None
        rotated = await rotate_key.asyncio_detailed(
            name, client=admin, body=RotateBody(overlap_seconds=600)
        )
        assert isinstance(rotated.parsed, ApiKeyIssued) and rotated.parsed.key != issued.key
    for key in (issued.key, rotated.parsed.key):  # both work in the overlap window
        async with gateway(api_key=key) as erp:
            seen = await get_import.asyncio_detailed(job.id, client=erp)
            assert isinstance(seen.parsed, ImportJobView) and seen.parsed.applied == 1

    async with gateway(login=ADMIN_LOGIN) as admin:
        revoked = await revoke_key.asyncio_detailed(name, client=admin)
        assert revoked.status_code == 204
    async with gateway(api_key=rotated.parsed.key) as erp:
        refused = await get_import.asyncio_detailed(job.id, client=erp)
        assert refused.status_code == 401 and isinstance(refused.parsed, ErrorBody)

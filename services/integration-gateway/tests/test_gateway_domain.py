"""Unit tests of the gateway's pure rules."""

from __future__ import annotations

import hashlib

from integration_gateway import domain
from integration_gateway.domain import AcceptedMessage, ApiClient, KeyReused, Replay, StoredResponse
from inventory_contracts.events.master_data import LocationUpserted


def test_api_keys_are_random_and_only_their_hash_is_kept() -> None:
    first, second = domain.generate_api_key(), domain.generate_api_key()
    assert first != second and first.startswith("igw_") and len(first) > 40
    assert domain.hash_api_key(first) == hashlib.sha256(first.encode()).hexdigest()
    assert first not in domain.hash_api_key(first)


def test_scopes_are_checked_and_inactive_clients_may_nothing() -> None:
    erp = ApiClient("c1", "erp", ("orders:write",), active=True)
    admin = ApiClient("c2", "ops", ("*",), active=True)
    retired = ApiClient("c3", "old", ("*",), active=False)
    assert erp.may("orders:write") and not erp.may("subscriptions:admin")
    assert admin.may("subscriptions:admin")
    assert not retired.may("orders:write")


def test_fingerprint_ignores_key_order_but_not_content_method_or_path() -> None:
    body = {"order_id": "SO-1", "lines": [{"sku": "A", "location": "W", "quantity": "5"}]}
    same = {"lines": [{"quantity": "5", "location": "W", "sku": "A"}], "order_id": "SO-1"}
    changed = {"order_id": "SO-1", "lines": [{"sku": "A", "location": "W", "quantity": "6"}]}
    base = domain.request_fingerprint("POST", "/v1/orders", body)
    assert domain.request_fingerprint("post", "/v1/orders", same) == base
    assert domain.request_fingerprint("POST", "/v1/orders", changed) != base
    assert domain.request_fingerprint("PUT", "/v1/orders", body) != base
    assert domain.request_fingerprint("POST", "/v1/receipts", body) != base


def test_repeat_with_same_request_replays_and_with_another_is_refused() -> None:
    stored = StoredResponse("abc", 202, {"event_id": "e1"})
    assert domain.judge_repeat(stored, "abc") == Replay(stored)
    assert domain.judge_repeat(stored, "abd") == KeyReused()


def test_idempotency_key_format() -> None:
    assert domain.valid_idempotency_key("3f2a9c1e-0000-4000-8000-000000000001")
    assert not domain.valid_idempotency_key("")
    assert not domain.valid_idempotency_key("has space")
    assert not domain.valid_idempotency_key("x" * 256)
    assert not domain.valid_idempotency_key("键")


def test_presented_key_is_the_bearer_token_else_the_x_api_key_header() -> None:
    assert domain.presented_key("Bearer  k-1 ", "k-2") == "k-1"
    assert domain.presented_key("bearer k-1", "") == "k-1"
    assert domain.presented_key("Basic x", " k-2 ") == "k-2"
    assert domain.presented_key("Bearer ", "") is None


def test_an_accepted_message_records_its_event_and_answers_with_the_id_it_got() -> None:
    event = LocationUpserted(location="WH1", name="Main")
    message = AcceptedMessage.accept(event, "WH1")
    assert message.events == [event]
    message.queued_as("e-1")
    assert message.answer() == {
        "event_id": "e-1",
        "type": "inventory.location.upserted.v1",
        "topic": event.topic,
    }

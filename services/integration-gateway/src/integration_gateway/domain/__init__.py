"""The gateway's rules, free of I/O: API keys, idempotency, accepted messages, write-back."""

from integration_gateway.domain.api_keys import (
    ALL_SCOPES,
    API_KEY_PREFIX,
    SCOPES,
    ApiClient,
    Scope,
    generate_api_key,
    hash_api_key,
    presented_key,
)
from integration_gateway.domain.idempotency import (
    IdempotencyKeyReused,
    KeyReused,
    Replay,
    StoredResponse,
    judge_repeat,
    request_fingerprint,
    valid_idempotency_key,
)
from integration_gateway.domain.inbound import AcceptedMessage
from integration_gateway.domain.rate_limits import RateLimit, RateLimiter, retry_after_seconds
from integration_gateway.domain.write_back import (
    DELIVERABLE_TYPES,
    WRITE_BACK_EVENTS,
    WebhookSubscription,
    WriteBack,
    new_id,
    subscribed,
)

__all__ = [
    "ALL_SCOPES",
    "API_KEY_PREFIX",
    "DELIVERABLE_TYPES",
    "SCOPES",
    "WRITE_BACK_EVENTS",
    "AcceptedMessage",
    "ApiClient",
    "IdempotencyKeyReused",
    "KeyReused",
    "RateLimit",
    "RateLimiter",
    "Replay",
    "Scope",
    "StoredResponse",
    "WebhookSubscription",
    "WriteBack",
    "generate_api_key",
    "hash_api_key",
    "judge_repeat",
    "new_id",
    "presented_key",
    "request_fingerprint",
    "retry_after_seconds",
    "subscribed",
    "valid_idempotency_key",
]

"""The platform's HMAC signature of outbound HTTP bodies (webhooks), and its check."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"


def signature(body: bytes, secret: str) -> str:
    """``sha256=<hex HMAC-SHA256 of body with secret>``: the ``X-Signature`` header value."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_matches(body: bytes, secret: str, header: str) -> bool:
    """True when `header` is the signature of `body` with `secret` (constant-time compare)."""
    return hmac.compare_digest(signature(body, secret), header)


def signed_headers(body: bytes, secret: str | None, now: datetime) -> dict[str, str]:
    """The timestamp header, and the signature of `body` when there is a `secret`."""
    headers = {TIMESTAMP_HEADER: str(int(now.timestamp()))}
    if secret:
        headers[SIGNATURE_HEADER] = signature(body, secret)
    return headers

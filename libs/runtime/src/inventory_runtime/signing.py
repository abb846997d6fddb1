"""The platform's HMAC signature of outbound HTTP bodies (webhooks), and its check.

The signature covers the timestamp and the body: ``X-Signature: sha256=<hex HMAC-SHA256 of
"<X-Signature-Timestamp>.<body>">``. A receiver recomputes it over the exact bytes it got and
refuses a timestamp outside its replay window (`verify`), so a captured request cannot be sent
again later, nor with a fresh timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
REPLAY_WINDOW_SECONDS = 300


def signature(body: bytes, secret: str, timestamp: int | str) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with secret>``: the ``X-Signature``."""
    signed = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(body: bytes, secret: str | None, now: datetime) -> dict[str, str]:
    """The timestamp header (seconds), and the signature of it and `body` when there is a
    `secret`."""
    timestamp = str(int(now.timestamp()))
    headers = {TIMESTAMP_HEADER: timestamp}
    if secret:
        headers[SIGNATURE_HEADER] = signature(body, secret, timestamp)
    return headers


def verify(
    body: bytes,
    secret: str,
    signature_header: str | None,
    timestamp_header: str | None,
    *,
    now: datetime | None = None,
    window_seconds: float = REPLAY_WINDOW_SECONDS,
) -> bool:
    """True when a received webhook is authentic and fresh: the timestamp is within
    `window_seconds` of `now` (either way) and the signature is that of the timestamp and the
    exact `body` under `secret` (constant-time compare). For receivers and tests."""
    if not signature_header or not timestamp_header:
        return False
    if not (timestamp_header.isascii() and timestamp_header.isdigit()):
        return False
    current = (now or datetime.now(UTC)).timestamp()
    if abs(current - int(timestamp_header)) > window_seconds:
        return False
    expected = signature(body, secret, timestamp_header)
    return hmac.compare_digest(expected.encode("ascii"), signature_header.encode("utf-8"))

"""The HMAC signature of outbound bodies: the value a receiver checks, and the headers sent."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from inventory_runtime.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
    signature_matches,
    signed_headers,
)

BODY = b'{"order_id": "o-1"}'
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_signature_is_sha256_and_the_hex_hmac_of_the_body() -> None:
    # RFC 4231, test case 2: HMAC-SHA256 of "what do ya want for nothing?" with key "Jefe".
    assert signature(b"what do ya want for nothing?", "Jefe") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", signature(BODY, "s3cret"))


def test_a_receiver_accepts_only_the_signature_of_the_same_body_and_secret() -> None:
    header = signature(BODY, "s3cret")
    assert signature_matches(BODY, "s3cret", header)
    assert not signature_matches(BODY + b" ", "s3cret", header)
    assert not signature_matches(BODY, "other", header)
    assert not signature_matches(BODY, "s3cret", header.removeprefix("sha256="))
    assert not signature_matches(BODY, "s3cret", "")


def test_signed_headers_carry_the_timestamp_and_the_signature_with_a_secret() -> None:
    assert signed_headers(BODY, "s3cret", NOW) == {
        TIMESTAMP_HEADER: str(int(NOW.timestamp())),
        SIGNATURE_HEADER: signature(BODY, "s3cret"),
    }
    assert (TIMESTAMP_HEADER, SIGNATURE_HEADER) == ("X-Signature-Timestamp", "X-Signature")


def test_without_a_secret_only_the_timestamp_is_sent() -> None:
    unsigned = {TIMESTAMP_HEADER: "1767603600"}
    assert signed_headers(BODY, None, NOW) == unsigned
    assert signed_headers(BODY, "", NOW) == unsigned

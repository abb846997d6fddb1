"""The HMAC signature of outbound bodies: what a receiver checks, what it refuses (a replay, a
changed timestamp or body, another secret), and the headers sent."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from inventory_runtime.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
    signed_headers,
    verify,
)

BODY = b'{"order_id": "o-1"}'
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
STAMP = str(int(NOW.timestamp()))
SECRET = "s3cret"


def _received(at: datetime = NOW) -> dict[str, str]:
    return signed_headers(BODY, SECRET, at)


def _verify(
    headers: dict[str, str], body: bytes = BODY, secret: str = SECRET, now: datetime = NOW
) -> bool:
    signed, stamp = headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER)
    return verify(body, secret, signed, stamp, now=now)


def test_signature_is_the_hex_hmac_sha256_of_timestamp_dot_body() -> None:
    # computed apart, with openssl:
    # printf '%s' '1767603600.{"order_id": "o-1"}' | openssl dgst -sha256 -hmac s3cret
    assert STAMP == "1767603600"
    assert signature(BODY, SECRET, STAMP) == (
        "sha256=8b7b0f52668ab23d721e58fed7795cf3a7f6e42933ca59503637bd7a0e2f4ebe"
    )
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", signature(BODY, SECRET, 1))


def test_signed_headers_carry_the_timestamp_and_its_signature_with_the_body() -> None:
    assert _received() == {
        TIMESTAMP_HEADER: STAMP,
        SIGNATURE_HEADER: signature(BODY, SECRET, STAMP),
    }
    assert (TIMESTAMP_HEADER, SIGNATURE_HEADER) == ("X-Signature-Timestamp", "X-Signature")


def test_a_fresh_request_signed_with_the_shared_secret_is_accepted() -> None:
    assert _verify(_received())
    assert _verify(_received(), now=NOW + timedelta(seconds=299))  # slow network, skewed clock
    assert _verify(_received(), now=NOW - timedelta(seconds=299))


def test_a_replay_of_a_captured_request_after_the_window_is_refused() -> None:
    captured = _received()
    assert not _verify(captured, now=NOW + timedelta(seconds=301))
    assert not _verify(captured, now=NOW + timedelta(days=30))


def test_a_timestamp_far_in_the_future_is_refused() -> None:
    assert not _verify(_received(at=NOW + timedelta(minutes=10)))


def test_a_replay_with_a_fresh_timestamp_is_refused() -> None:
    captured = _received(at=NOW - timedelta(hours=1))
    replayed = {**captured, TIMESTAMP_HEADER: STAMP}
    assert not _verify(replayed)


def test_a_changed_body_wrong_secret_or_mangled_header_is_refused() -> None:
    headers = _received()
    assert not _verify(headers, body=BODY + b" ")
    assert not _verify(headers, body=b'{"order_id": "o-2"}')
    assert not _verify(headers, secret="other-secret")
    bare = {**headers, SIGNATURE_HEADER: headers[SIGNATURE_HEADER].removeprefix("sha256=")}
    assert not _verify(bare)


def test_missing_or_malformed_headers_are_refused() -> None:
    headers = _received()
    assert not _verify({TIMESTAMP_HEADER: STAMP})
    assert not _verify({SIGNATURE_HEADER: headers[SIGNATURE_HEADER]})
    assert not _verify({**headers, TIMESTAMP_HEADER: f"{STAMP}.0"})
    assert not _verify({**headers, TIMESTAMP_HEADER: "-" + STAMP})
    assert not _verify({**headers, TIMESTAMP_HEADER: "١٧٦٧٦٠٣٦٠٠"})  # digits, not ASCII
    assert not _verify({**headers, SIGNATURE_HEADER: "sha256=é"})


def test_without_a_secret_only_the_timestamp_is_sent() -> None:
    unsigned = {TIMESTAMP_HEADER: STAMP}
    assert signed_headers(BODY, None, NOW) == unsigned
    assert signed_headers(BODY, "", NOW) == unsigned

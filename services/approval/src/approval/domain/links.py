"""Signed task links (pure): a token in a message that opens one step of one request for one
assignee, until it expires, once.

The token is ``<base64url JSON claim>.<hex HMAC-SHA256 of it>`` under the
``APPROVAL_LINK_SECRET`` (compared in constant time). The claim binds the link's id (its
database row, which records the single use), the request, the step, the assignee's login and
the expiry. What it opens is decided by `judge`; the signature only proves the service wrote
it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

LinkVerdict = Literal["open", "not_yours", "used", "expired", "invalid"]


class BadLink(ValueError):
    """A token that is not one this service signed (or was altered)."""


@dataclass(frozen=True)
class LinkClaim:
    """What a task link opens, for whom, until when."""

    link_id: str
    request_id: str
    step_no: int
    login: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkRow:
    """A task link as stored: for whom, and whether it was used."""

    link_id: str
    request_id: str
    step_no: int
    login: str
    expires_at: datetime
    used_at: datetime | None


def _signature(payload: str, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).hexdigest()


def sign(claim: LinkClaim, secret: str) -> str:
    """The token of `claim`."""
    expires = int(claim.expires_at.timestamp())
    body = {
        "l": claim.link_id,
        "r": claim.request_id,
        "s": claim.step_no,
        "u": claim.login,
        "e": expires,
    }
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    payload = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return f"{payload}.{_signature(payload, secret)}"


def read(token: str, secret: str) -> LinkClaim:
    """The claim of a token this service signed; `BadLink` for anything else."""
    payload, _, mac = token.strip().partition(".")
    try:
        padded = payload + "=" * (-len(payload) % 4)
        body = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        expires = int(body["e"])
        claim = LinkClaim(
            link_id=str(body["l"]),
            request_id=str(body["r"]),
            step_no=int(body["s"]),
            login=str(body["u"]),
            expires_at=datetime.fromtimestamp(expires, UTC),
        )
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        raise BadLink("the link is damaged") from None
    expected = _signature(payload, secret)
    if not hmac.compare_digest(expected.encode("ascii"), mac.encode("utf-8", "replace")):
        raise BadLink("the link's signature does not match")
    return claim


def judge(
    claim: LinkClaim,
    request_id: str,
    viewer: str,
    used_at: datetime | None,
    known: bool,
    now: datetime,
) -> LinkVerdict:
    """What opening `claim` at `/inbox/<request_id>` as `viewer` does: open the task (and use
    the link), or refuse: another person's link, used already, expired, or not a link of ours
    for this request (`known`: its row exists)."""
    if not known or claim.request_id != request_id:
        return "invalid"
    if claim.login != viewer:
        return "not_yours"
    if used_at is not None:
        return "used"
    if now >= claim.expires_at:
        return "expired"
    return "open"

"""The identity rules without a database: the throttle, PKCE, passwords, the page language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from integration_gateway.api.login_html import language, login_page
from integration_gateway.domain.passwords import Passwords, login_locked
from integration_gateway.domain.people import password_problem, valid_login
from integration_gateway.domain.tokens import granted_scope, pkce_matches, s256

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def test_five_failures_within_fifteen_minutes_lock_for_fifteen_minutes() -> None:
    five = [T0 - timedelta(minutes=m) for m in (0, 1, 2, 3, 4)]
    assert login_locked(five, T0 + timedelta(minutes=14))
    assert not login_locked(five, T0 + timedelta(minutes=15))
    assert not login_locked(five[:4], T0)
    spread = [T0 - timedelta(minutes=m) for m in (0, 4, 8, 12, 16)]
    assert not login_locked(spread, T0)


def test_pkce_s256_and_malformed_verifiers() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 B
    assert pkce_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    assert not pkce_matches("short", s256("short"))
    assert not pkce_matches(verifier + "x", s256(verifier))


def test_password_rules_and_rehash() -> None:
    assert password_problem("li.finance", "short") is not None
    assert password_problem("li.finance.x1", "LI.FINANCE.X1") is not None
    assert password_problem("li.finance", "twelve chars!") is None
    assert valid_login("wang.manager") and not valid_login("Wang") and not valid_login("a")
    weak = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    hashed = weak.hash("twelve chars!")
    assert weak.verify(hashed, "twelve chars!") and not weak.verify(hashed, "twelve chars?")
    assert not weak.verify(None, "twelve chars!")
    assert Passwords().needs_rehash(hashed)


def test_scope_and_language_choice() -> None:
    assert granted_scope(None) == "openid profile email"
    assert granted_scope("email openid admin") == "openid email"
    assert language("en zh-CN", "zh-CN") == "en"
    assert language(None, "fr, en;q=0.8, zh;q=0.9") == "zh-CN"
    assert language(None, "en-GB") == "en"
    assert language(None, None) == "zh-CN"


def test_the_page_escapes_every_reflected_value() -> None:
    payload = '"><script>alert(1)</script>'
    html = login_page("en", {"state": payload, "redirect_uri": payload}, "c", login=payload)
    assert "<script>" not in html and html.count("&quot;&gt;&lt;script&gt;") >= 3

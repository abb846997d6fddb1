"""The sign-in page of the built-in issuer, in Simplified Chinese and English.

Every value that came with the request is escaped with `html.escape` (quotes too) before it is
put into the page. The page has no script, and its one inline style block is allowed by its
hash in the Content-Security-Policy, so nothing injected could run or load.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import urlencode, urlsplit

Lang = str
TEXTS: Mapping[Lang, Mapping[str, str]] = {
    "zh-CN": {
        "title": "登录 · 库存平台",
        "heading": "登录库存平台",
        "login": "登录名",
        "password": "密码",
        "submit": "登录",
        "wrong": "登录名或密码错误。",
        "expired": "表单已过期，请重新登录。",
        "bad_request": "登录请求无效：未知的应用或回调地址。",
        "other": "English",
    },
    "en": {
        "title": "Sign in · Inventory platform",
        "heading": "Sign in to the inventory platform",
        "login": "Login",
        "password": "Password",
        "submit": "Sign in",
        "wrong": "Wrong login or password.",
        "expired": "The form expired; please sign in again.",
        "bad_request": "Invalid sign-in request: unknown application or redirect URI.",
        "other": "简体中文",
    },
}

CSS = (
    "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,'PingFang SC',"
    "'Noto Sans CJK SC','Microsoft YaHei',sans-serif;background:#f3f5f8;color:#1d2733}"
    "main{max-width:420px;margin:8vh auto;padding:28px 24px;background:#fff;border-radius:10px;"
    "box-shadow:0 2px 12px rgba(0,0,0,.08)}h1{font-size:1.35rem;margin:0 0 20px}"
    "label{display:block;margin:14px 0 6px;font-weight:600}"
    "input{width:100%;padding:11px 12px;font-size:1rem;border:1px solid #b8c2cc;border-radius:6px}"
    "button{width:100%;margin-top:22px;padding:12px;font-size:1rem;font-weight:600;color:#fff;"
    "background:#1f6feb;border:0;border-radius:6px;cursor:pointer}"
    ".error{padding:10px 12px;background:#fdecea;color:#8a1c12;border-radius:6px}"
    ".lang{margin-top:18px;text-align:right}a{color:#1f6feb}"
    "@media (max-width:480px){main{margin:0;min-height:100vh;border-radius:0;box-shadow:none}}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()


def language(ui_locales: str | None, accept_language: str | None) -> Lang:
    """`zh-CN` or `en`: the first of `ui_locales` we have, else Accept-Language (by q), else
    Simplified Chinese."""
    for tag in (ui_locales or "").split():
        if found := _known(tag):
            return found
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, position, tag))
    for q, _, tag in sorted(ranked):
        if q < 0 and (found := _known(tag)):
            return found
    return "zh-CN"


def _known(tag: str) -> Lang | None:
    tag = tag.strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def content_security_policy(redirect_uris: Iterable[str]) -> str:
    """No script, no frames; the form may post here and be redirected to the clients."""
    origins = sorted({f"{u.scheme}://{u.netloc}" for u in map(urlsplit, redirect_uris)})
    return (
        "default-src 'none'; "
        f"style-src 'sha256-{_STYLE_HASH}'; "
        f"form-action 'self' {' '.join(origins)}; "
        "frame-ancestors 'none'; base-uri 'none'"
    ).replace("  ", " ")


def page(lang: Lang, body: str) -> str:
    texts = TEXTS[lang]
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(texts['title'])}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def error_page(lang: Lang, message_key: str) -> str:
    texts = TEXTS[lang]
    body = f'<h1>{escape(texts["heading"])}</h1><p class="error">{escape(texts[message_key])}</p>'
    return page(lang, body)


def login_page(
    lang: Lang, params: Mapping[str, str], csrf: str, *, login: str = "", error: str | None = None
) -> str:
    """The sign-in form; `params` (the authorization request) travel as hidden fields."""
    texts = TEXTS[lang]
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in {**params, "csrf": csrf}.items()
    )
    other = "en" if lang == "zh-CN" else "zh-CN"
    switch = "/oauth/authorize?" + urlencode({**params, "ui_locales": other})
    problem = f'<p class="error" role="alert">{escape(texts[error])}</p>' if error else ""
    body = (
        f"<h1>{escape(texts['heading'])}</h1>{problem}"
        f'<form method="post" action="/oauth/authorize">{hidden}'
        f'<label for="login">{escape(texts["login"])}</label>'
        f'<input id="login" name="login" value="{escape(login)}" autocomplete="username" '
        'autocapitalize="none" spellcheck="false" required autofocus>'
        f'<label for="password">{escape(texts["password"])}</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        f'<button type="submit">{escape(texts["submit"])}</button></form>'
        f'<p class="lang"><a href="{escape(switch)}">{escape(texts["other"])}</a></p>'
    )
    return page(lang, body)

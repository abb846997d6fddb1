"""Examples of the identity, API-key and OIDC issuer bodies, for the OpenAPI document (the
inbound and write-back ones are in `examples`)."""

from __future__ import annotations

from typing import Any

ISSUER = "https://inventory.example.com"
PERSON_ID = "6f1c2b7a-4d3e-4f5a-9b8c-1d2e3f4a5b6c"
PROFILE = {
    "display_name": "王芳",
    "department": "采购部",
    "manager_login": "li.na",
    "roles": ["planner", "approver"],
    "email": "wang.fang@example.com",
    "locale": "zh-CN",
    "dingtalk_user_id": "manager4711",
    "wecom_user_id": None,
    "feishu_user_id": None,
    "slack_user_id": None,
    "active": True,
}
PERSON_BODY = {
    "login": "wang.fang",
    "display_name": "王芳",
    "department": "采购部",
    "manager_login": "li.na",
    "roles": ["planner", "approver"],
    "email": "wang.fang@example.com",
    "locale": "zh-CN",
    "dingtalk_user_id": "manager4711",
    "password": "Longjing-2026-spring",
}
PERSON_PATCH = {"department": "财务部", "roles": ["finance"], "wecom_user_id": None}
PERSON_VIEW = {
    "id": PERSON_ID,
    "login": "wang.fang",
    **PROFILE,
    "created_at": "2026-03-02T08:15:00Z",
    "updated_at": "2026-03-02T08:15:00Z",
}
PASSWORD = {"password": "Biluochun-2026-summer"}
OWN_PASSWORD = {"old_password": "Longjing-2026-spring", "new_password": "Biluochun-2026-summer"}
SERVICE_ACCOUNT_BODY = {"client_id": "erp-sap", "name": "SAP ERP 集成", "roles": ["integration"]}
SERVICE_ACCOUNT_PATCH = {"roles": ["integration", "auditor"]}
SERVICE_ACCOUNT_VIEW = {
    "client_id": "erp-sap",
    "name": "SAP ERP 集成",
    "roles": ["integration"],
    "active": True,
    "created_at": "2026-03-02T08:15:00Z",
}
SERVICE_ACCOUNT_CREATED = SERVICE_ACCOUNT_VIEW | {"client_secret": "sa-9hT4kQ2mVx7Lp3Wz8Rb1"}
ROLES_TABLE = {
    "roles": [{"name": "auditor", "permissions": ["audit:read", "identity:read"]}],
    "permissions": [
        {
            "name": "identity:read",
            "meaning": "read people, service accounts and roles",
            "roles": ["admin", "auditor"],
        }
    ],
}

API_KEY_BODY = {
    "name": "crm-salesforce",
    "scopes": ["orders:write"],
    "rate_per_second": 20.0,
    "burst": 40,
}
API_KEY_VIEW = {
    "id": "c2b7a4d3-1f5e-4a9b-8c1d-2e3f4a5b6c7d",
    "name": "crm-salesforce",
    "scopes": ["orders:write"],
    "active": True,
    "created_at": "2026-03-02T08:15:00Z",
    "key_hint": "…x7Qp",
    "last_used_at": "2026-03-03T10:42:00Z",
    "previous_key_valid_until": None,
    "rate_per_second": 20.0,
    "burst": 40,
}
API_KEY_ISSUED = API_KEY_VIEW | {
    "key": "ik_live_4Jd8sK2pQ9vXz7Lm3Wb6Rt1Yh5Nc0x7Qp",
    "last_used_at": None,
}
API_KEY_ROTATED = API_KEY_ISSUED | {"previous_key_valid_until": "2026-03-04T08:15:00Z"}
ROTATE = {"overlap_seconds": 3600}

DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/oauth/authorize",
    "token_endpoint": f"{ISSUER}/oauth/token",
    "jwks_uri": f"{ISSUER}/oauth/jwks",
    "userinfo_endpoint": f"{ISSUER}/oauth/userinfo",
    "revocation_endpoint": f"{ISSUER}/oauth/revoke",
    "response_types_supported": ["code"],
    "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
    "code_challenge_methods_supported": ["S256"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "profile", "email", "offline_access"],
    "ui_locales_supported": ["zh-CN", "en"],
}
JWKS = {
    "keys": [
        {
            "kty": "RSA",
            "kid": "2026-03-01-a1b2",
            "use": "sig",
            "alg": "RS256",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxu",
            "e": "AQAB",
        }
    ]
}
TOKEN_FORM = {
    "schema": {
        "type": "object",
        "properties": {
            name: {"type": "string"}
            for name in (
                "grant_type",
                "code",
                "redirect_uri",
                "code_verifier",
                "client_id",
                "client_secret",
                "refresh_token",
                "username",
                "password",
                "scope",
            )
        },
        "required": ["grant_type"],
    },
    "examples": {
        "client_credentials": {
            "summary": "a service account signs in (Basic auth may carry the secret instead)",
            "value": {
                "grant_type": "client_credentials",
                "client_id": "erp-sap",
                "client_secret": "sa-9hT4kQ2mVx7Lp3Wz8Rb1",
            },
        },
        "refresh_token": {
            "summary": "a new access token for a refresh token",
            "value": {"grant_type": "refresh_token", "refresh_token": "rt_Yh5Nc0x7Qp4Jd8sK"},
        },
    },
}
TOKENS = {
    "access_token": "eyJhbGciOiJSUzI1NiIsImtpZCI6IjIwMjYtMDMtMDEifQ.eyJzdWIiOiJlcnAtc2FwIn0.c2ln",
    "token_type": "Bearer",
    "expires_in": 900,
    "scope": "openid profile",
    "refresh_token": "rt_Yh5Nc0x7Qp4Jd8sK",
}
REVOKE_FORM = {
    "schema": {
        "type": "object",
        "properties": {"token": {"type": "string"}, "client_id": {"type": "string"}},
    },
    "example": {"token": "rt_Yh5Nc0x7Qp4Jd8sK", "client_id": "inventory-web"},
}
USERINFO = {
    "sub": PERSON_ID,
    "preferred_username": "wang.fang",
    "name": "王芳",
    "email": "wang.fang@example.com",
    "roles": ["planner", "approver"],
    "department": "采购部",
    "locale": "zh-CN",
}
SIGN_IN_FORM = {
    "schema": {
        "type": "object",
        "properties": {
            name: {"type": "string"}
            for name in (
                "login",
                "password",
                "csrf",
                "client_id",
                "redirect_uri",
                "response_type",
                "code_challenge",
                "code_challenge_method",
                "scope",
                "state",
                "nonce",
                "ui_locales",
            )
        },
        "required": ["login", "password", "csrf", "client_id", "redirect_uri"],
    },
    "example": {
        "login": "wang.fang",
        "password": "Longjing-2026-spring",
        "csrf": "Zx8pQ2vK9mL4",
        "client_id": "inventory-web",
        "redirect_uri": "https://inventory.example.com/auth/callback",
        "response_type": "code",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        "scope": "openid profile",
        "state": "af0ifjsldkj",
    },
}
HTML, FORM = "text/html", "application/x-www-form-urlencoded"
ERROR_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><title>无法登录</title></head>'
    "<body><p>登录请求无效，请从应用重新打开登录页。</p></body></html>"
)
SIGN_IN_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><title>登录 · 库存平台</title></head>'
    '<body><form method="post"><input name="login"><input name="password" type="password">'
    "<button>登录</button></form></body></html>"
)


def oauth_error_answer(error: str, description: str, summary: str) -> dict[str, Any]:
    """An OAuth error answer (RFC 6749 5.2) with its example."""
    value = {"error": error, "error_description": description}
    return {
        "description": summary,
        "content": {"application/json": {"schema": OAUTH_ERROR, "example": value}},
    }


OAUTH_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
    "required": ["error"],
}


def form_body(media: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` of a route reading a form itself: its documented request body."""
    return {"requestBody": {"content": {FORM: media}, "required": True}}

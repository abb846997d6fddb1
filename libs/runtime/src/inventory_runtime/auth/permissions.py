"""Roles and permissions: the platform's one permission table.

A person or service account holds roles (from the token's roles claim); a route declares the
one permission it needs (`inventory_runtime.auth.require`). Which roles grant which permission
is decided here and nowhere else, and `docs/security.md` prints this table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, get_args

Role = Literal["operator", "planner", "approver", "finance", "admin", "auditor", "integration"]
ROLES: tuple[Role, ...] = get_args(Role)

Permission = Literal[
    "stock:read",
    "stock:write",
    "forms:admin",
    "reservation:read",
    "reservation:write",
    "planning:read",
    "planning:write",
    "approval:read",
    "approval:decide",
    "approval:admin",
    "alerts:read",
    "alerts:write",
    "channels:admin",
    "integration:write",
    "subscriptions:admin",
    "identity:read",
    "identity:admin",
    "audit:read",
    "account:self",
]
PERMISSIONS: tuple[Permission, ...] = get_args(Permission)

PERMISSION_MEANINGS: Mapping[Permission, str] = {
    "stock:read": "read stock, documents, ledger reports, counts and forms",
    "stock:write": "create and post documents, receipts and counts",
    "forms:admin": "define document forms and their fields",
    "reservation:read": "read reservations and available-to-promise",
    "reservation:write": "reserve and release stock for orders",
    "planning:read": "read demand, forecasts, policies, suggestions and purchase orders",
    "planning:write": "change policies, run planning, accept suggestions, manage purchasing",
    "approval:read": "read approval requests, their timelines and flows",
    "approval:decide": "approve or reject a step assigned to oneself (or as a delegate)",
    "approval:admin": "define approval flows and approvers",
    "alerts:read": "read alerts and alert rules",
    "alerts:write": "acknowledge, snooze and resolve alerts; write alert rules",
    "channels:admin": "define notification channels (e-mail, IM, webhooks)",
    "integration:write": "send orders, master data, shipments and receipts from ERP/CRM",
    "subscriptions:admin": "define write-back webhook subscriptions",
    "identity:read": "read people, roles and service accounts",
    "identity:admin": "manage people, roles, service accounts and API keys",
    "audit:read": "read the audit log",
    "account:self": "read one's own profile and change one's own password",
}

_EVERY_READ: tuple[Permission, ...] = (
    "account:self",
    "stock:read",
    "reservation:read",
    "planning:read",
    "approval:read",
    "alerts:read",
)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    "operator": frozenset(
        {
            "stock:read",
            "stock:write",
            "reservation:read",
            "reservation:write",
            "alerts:read",
            "account:self",
        }
    ),
    "planner": frozenset({*_EVERY_READ, "planning:write", "alerts:write"}),
    "approver": frozenset(
        {
            "stock:read",
            "planning:read",
            "approval:read",
            "approval:decide",
            "alerts:read",
            "account:self",
        }
    ),
    "finance": frozenset({*_EVERY_READ, "approval:decide"}),
    "admin": frozenset(set(PERMISSIONS) - {"approval:decide"}),
    "auditor": frozenset({*_EVERY_READ, "identity:read", "audit:read"}),
    "integration": frozenset(
        {
            "stock:read",
            "stock:write",
            "reservation:read",
            "reservation:write",
            "planning:read",
            "integration:write",
            "account:self",
        }
    ),
}
"""Which permissions each role grants. Nobody holds ``approval:decide`` through ``admin``: an
administrator who also approves is given ``approver`` too, so approving stays a person's
decision on a step assigned to them, never an administrative override."""


def permissions_of(roles: Iterable[str]) -> frozenset[Permission]:
    """Every permission the `roles` grant together (unknown role names grant nothing)."""
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())  # type: ignore[call-overload]
    return frozenset(granted)


def roles_granting(permission: Permission) -> tuple[Role, ...]:
    """The roles that grant `permission`, in the table's order (for messages and docs)."""
    return tuple(role for role in ROLES if permission in ROLE_PERMISSIONS[role])

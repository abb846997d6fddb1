"""The demo's people, made in development only: `make demo` and the e2e suite seed them through
the integration gateway's admin API with the bootstrap admin's token. No migration makes them,
so a production database has no demo people. They all have `DEMO_PASSWORD` (development only,
documented in the gateway's README)."""

from __future__ import annotations

from typing import Any

from inventory_gateway_client import AuthenticatedClient
from inventory_gateway_client.api.identity import create_person, get_person
from inventory_gateway_client.models import PersonBody

DEMO_PASSWORD = "demo-password-2025"
"""The development password of every demo person; never use it outside development."""

DEMO_PEOPLE: list[dict[str, Any]] = [
    {
        "login": "wang.manager",
        "display_name": "王经理 / Wang (purchasing manager)",
        "roles": ["approver"],
        "department": "purchasing",
        "email": "wang.manager@example.com",
        "dingtalk_user_id": "13800000001",
    },
    {
        "login": "li.finance",
        "display_name": "李总监 / Li (finance)",
        "roles": ["finance"],
        "email": "li.finance@example.com",
        "locale": "en",
    },
    {
        "login": "zhao.operator",
        "display_name": "赵操作员 / Zhao (warehouse operator)",
        "roles": ["operator"],
        "department": "warehouse",
    },
    {
        "login": "chen.planner",
        "display_name": "陈计划 / Chen (planner)",
        "roles": ["planner"],
        "department": "purchasing",
        "manager_login": "wang.manager",
    },
    {"login": "sun.auditor", "display_name": "孙审计 / Sun (auditor)", "roles": ["auditor"]},
    {
        "login": "zhao.warehouse",
        "display_name": "赵主管 / Zhao (warehouse manager)",
        "roles": ["approver", "operator"],
        "department": "warehouse",
    },
    {
        "login": "zhou.production",
        "display_name": "周经理 / Zhou (production manager)",
        "roles": ["approver"],
        "department": "production",
    },
]
"""In creation order: a manager comes before the people who report to them. The demo
approvers are notified on DingTalk (wang.manager) and by e-mail in English (li.finance)."""


async def seed_demo_people(gateway: AuthenticatedClient) -> list[str]:
    """Create each demo person through `gateway` (the gateway's typed client, signed in as the
    administrator); idempotent: a person already there is left as they are. Returns the logins
    newly added."""
    added = []
    for person in DEMO_PEOPLE:
        existing = await get_person.asyncio_detailed(person["login"], client=gateway)
        if existing.status_code == 200:
            continue
        body = PersonBody.from_dict({**person, "password": DEMO_PASSWORD})
        created = await create_person.asyncio_detailed(client=gateway, body=body)
        if created.status_code != 201:
            raise RuntimeError(f"{person['login']} not created: {created.content!r}")
        added.append(person["login"])
    return added

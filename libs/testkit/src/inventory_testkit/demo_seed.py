"""Development data for `make demo` and the e2e suite, seeded through the APIs as the bootstrap
administrator: the demo people in the gateway's directory (who can log in) and the demo
approvers' roles in the approval service (which steps they decide). Idempotent."""

from __future__ import annotations

from inventory_testkit.demo_approvers import seed_demo_approvers
from inventory_testkit.demo_people import seed_demo_people
from inventory_testkit.platform import http, tokens
from inventory_testkit.tokens import ADMIN_LOGIN


async def seed_demo() -> tuple[list[str], list[str]]:
    """Seed people then approvers; the logins newly added to each."""
    admin_token = await tokens().token(ADMIN_LOGIN)
    async with http("integration-gateway", login=None) as gateway:
        people = await seed_demo_people(gateway, admin_token)
    async with http("approval") as approval:
        approvers = await seed_demo_approvers(approval)
    return people, approvers

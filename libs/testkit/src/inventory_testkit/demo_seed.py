"""Development data for `make demo` and the e2e suite, seeded through the APIs as the bootstrap
administrator: the demo people in the gateway's directory (who can log in) and the demo
approvers' roles in the approval service (which steps they decide). Idempotent."""

from __future__ import annotations

from inventory_testkit.demo_approvers import seed_demo_approvers
from inventory_testkit.demo_people import seed_demo_people
from inventory_testkit.platform import gateway, http
from inventory_testkit.tokens import ADMIN_LOGIN


async def seed_demo() -> tuple[list[str], list[str]]:
    """Seed people then approvers; the logins newly added to each."""
    async with gateway(login=ADMIN_LOGIN) as admin:
        people = await seed_demo_people(admin)
    async with http("approval") as approval:
        approvers = await seed_demo_approvers(approval)
    return people, approvers

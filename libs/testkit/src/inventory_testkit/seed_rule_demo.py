"""The alerting step of `make demo` (scripts/demo.py): a planner writes the seed's rule from
the documented JSON file ("class A items whose weekly sell-through fell by more than 20% two
weeks in a row: e-mail the purchasing manager"), back-tests it and switches it on; the
purchasing manager's e-mail is shown; then last week's late shipments are posted and the alert
resolves.

Four weeks of history reach alerting as the ledger publishes movements (past posting times) and
the ABC classes as planning publishes them (`inventory_testkit.seed_rule`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from inventory_testkit.platform import http, poll, unique
from inventory_testkit.seed_rule import Weeks, classified, planners_rule, publish
from inventory_testkit.standins import SmtpServer, body_of, subject_of

PLANNER, MANAGER = "chen.planner", "wang.manager@example.com"


async def _ok(response: httpx.Response, *codes: int) -> Any:
    if response.status_code not in codes:
        raise SystemExit(f"   ! {response.request.url}: {response.status_code} {response.text}")
    return response.json()


async def _history(bootstrap: str, where: str) -> tuple[Weeks, ...]:
    skus = [unique(p) for p in ("TEA-LJ", "TEA-BLR", "TEA-PU", "CUP-CER")]
    weeks = (
        Weeks(skus[0], where, [50, 50, 35, 20]),
        Weeks(skus[1], where, [50, 40, 30, 20]),
        Weeks(skus[2], where, [50, 50, 50, 50]),
        Weeks(skus[3], where, [50, 50, 35, 20]),
    )
    await publish(bootstrap, [e for w in weeks for e in w.movements()], "/services/stock-ledger")
    classes = [classified(w.sku, where, "A") for w in weeks[:3]] + [
        classified(weeks[3].sku, where, "C")
    ]
    await publish(bootstrap, classes, "/services/replenishment")
    return weeks


async def _manager_channel(smtp: SmtpServer) -> str:
    """The admin adds the purchasing manager's e-mail channel (to the demo's SMTP stand-in)."""
    config = {"host": "127.0.0.1", "port": smtp.port, "to": [MANAGER],
              "from_address": "alerts@inventory.local"}  # fmt: skip
    body = {"kind": "email", "name": unique("purchasing manager"), "config": config}
    async with http("alerting") as admin:
        channel = await _ok(await admin.post("/v1/channels", json=body), 201)
    return str(channel["id"])


async def _write_backtest_enable(
    alerting: httpx.AsyncClient, rule: dict[str, Any], say: Callable[[str], None]
) -> None:
    rule_id = rule["id"]
    await _ok(await alerting.post("/v1/rules", json=rule), 201)
    say(f"{PLANNER} saved rule {rule_id} (disabled), e-mail to {MANAGER}")

    async def backtest() -> Any:
        return await _ok(await alerting.post(f"/v1/rules/{rule_id}/backtest?weeks=4"), 200)

    tried = await poll(backtest, lambda t: t["alerts"] >= 1, what="the history in the store")
    for happening in tried["happenings"]:
        say(
            f"back-test: {happening['action']} on {happening['on']}: {happening['items']}, "
            f"{happening['messages']} message(s)"
        )
    await _ok(await alerting.post(f"/v1/rules/{rule_id}/enable"), 200)
    say("enabled; the schedule evaluates it every minute")


async def seed_rule(
    bootstrap: str, smtp: SmtpServer, number: int, say: Callable[[str], None]
) -> None:
    """Write, back-test and enable the seed's rule; show the e-mail and the resolution."""
    print(
        f"\n\033[1m{number}. The seed's alert rule, written by a planner from "
        "services/alerting/examples/class-a-sell-through-drop.json (alerting)\033[0m"
    )
    where = unique("WH-ALERT")
    weeks = await _history(bootstrap, where)
    say(
        f"4 weeks at {where}: {weeks[0].sku} and {weeks[1].sku} (class A) sell 50% -> 35%/30% "
        f"-> 20%; {weeks[2].sku} (A) steady 50%; {weeks[3].sku} (class C) falls too"
    )
    rule_id = unique("class-a-drop").lower()
    rule = planners_rule(rule_id, await _manager_channel(smtp), where)
    async with http("alerting", login=PLANNER) as alerting:
        await _write_backtest_enable(alerting, rule, say)

        async def alerts() -> Any:
            return await _ok(await alerting.get("/v1/alerts", params={"rule_id": rule_id}), 200)

        await poll(alerts, bool, timeout=120, what="the alert")
        mail = await poll(
            lambda: [m for m in smtp.messages if weeks[0].sku in body_of(m)],
            bool,
            timeout=90,
            what="the e-mail",
        )
        say(f"e-mail to {mail[0]['To']}: {subject_of(mail[0])}")
        for line in body_of(mail[0]).splitlines()[:12]:
            print(f"     | {line}")
        late = [weeks[0].late_issue(30), weeks[1].late_issue(30)]
        await publish(bootstrap, late, "/services/stock-ledger")
        say("last week's late shipments posted: both sold 50% last week, up again")
        [done] = await poll(
            alerts, lambda a: a[0]["status"] == "resolved", timeout=180, what="the alert to resolve"
        )
        say(f"alert {done['id']} resolved ({done['resolution']}); e-mails sent: {len(mail)}")

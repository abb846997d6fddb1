"""The seed's rule on the running system (issue 17, Done when): a planner writes "class A items
whose weekly sell-through fell by more than 20% two weeks in a row: e-mail the purchasing
manager" from the documented JSON file, back-tests it and switches it on; the purchasing manager
gets one e-mail naming the right items; when sell-through recovers the alert resolves.

History is weeks old while the services run on the wall clock: the weeks before this one reach
alerting as the ledger publishes movements (`StockMoved` with past posting times) and the ABC
classes as replenishment's planning publishes them (`inventory_testkit.seed_rule`).
"""

from __future__ import annotations

from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from inventory_gateway_client.api.inbound import upsert_item
from inventory_gateway_client.models import ItemBody
from inventory_testkit.platform import gateway, http, poll, unique
from inventory_testkit.seed_rule import Weeks, classified, planners_rule, publish, this_monday
from inventory_testkit.standins import SmtpServer, body_of, subject_of

PLANNER, MANAGER = "chen.planner", "wang.manager@example.com"
TITLE_ZH = "A 类物料周去化率连续两周下降超过 20%"


@pytest.fixture(scope="module")
def manager_mailbox() -> Iterator[SmtpServer]:
    """The purchasing manager's mail server (only this module's channel sends to it)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def seed_mails(mailbox: SmtpServer) -> list[Message]:
    return [m for m in mailbox.messages if TITLE_ZH in subject_of(m)]


async def add_items(skus: list[str]) -> None:
    async with gateway() as gw:
        for sku in skus:
            body = ItemBody(name=f"Tea {sku}", name_zh=f"茶叶 {sku}", unit_of_measure="tin",
                            category="tea", unit_cost="10")  # fmt: skip
            response = await upsert_item.asyncio_detailed(sku, client=gw, body=body)
            assert response.status_code in (200, 202), response.content


async def manager_channel(mailbox: SmtpServer) -> str:
    """The admin adds the purchasing manager's e-mail channel."""
    config = {"host": "127.0.0.1", "port": mailbox.port, "to": [MANAGER],
              "from_address": "alerts@inventory.local", "language": "bilingual"}  # fmt: skip
    async with http("alerting") as alerting:
        response = await alerting.post(
            "/v1/channels",
            json={"kind": "email", "name": unique("purchasing manager"), "config": config},
        )
    assert response.status_code == 201, response.text
    channel_id: str = response.json()["id"]
    return channel_id


async def alerts_of(rule_id: str) -> list[dict[str, Any]]:
    async with http("alerting", login=PLANNER) as alerting:
        response = await alerting.get("/v1/alerts", params={"rule_id": rule_id})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_a_planner_writes_backtests_and_enables_the_seed_rule_which_mails_once_and_resolves(
    kafka_bootstrap: str, services_up: None, manager_mailbox: SmtpServer
) -> None:
    where = unique("WH-ALERT")
    a1, a2, a3, c1 = (unique(prefix) for prefix in ("TEA-A1", "TEA-A2", "TEA-A3", "CUP-C1"))
    falling_a1, falling_a2 = Weeks(a1, where, [50, 50, 35, 20]), Weeks(a2, where, [50, 40, 30, 20])
    steady, falling_c1 = Weeks(a3, where, [50, 50, 50, 50]), Weeks(c1, where, [50, 50, 35, 20])
    await add_items([a1, a2, a3, c1])
    history = [e for w in (falling_a1, falling_a2, steady, falling_c1) for e in w.movements()]
    await publish(kafka_bootstrap, history, "/services/stock-ledger")
    # Planning classified A1 and A3 as A, A2 as B, C1 as C.
    classes = [classified(a1, where, "A"), classified(a2, where, "B"), classified(a3, where, "A"),
               classified(c1, where, "C")]  # fmt: skip
    await publish(kafka_bootstrap, classes, "/services/replenishment")

    rule_id = unique("class-a-drop").lower()
    rule = planners_rule(rule_id, await manager_channel(manager_mailbox), where)
    async with http("alerting", login=PLANNER) as alerting:
        written = await alerting.post("/v1/rules", json=rule)
        assert written.status_code == 201, written.text
        assert written.json()["enabled"] is False  # the file leaves it off: back-test first

        async def backtest() -> dict[str, Any]:
            tried = await alerting.post(f"/v1/rules/{rule_id}/backtest", params={"weeks": 2})
            assert tried.status_code == 200, tried.text
            answer: dict[str, Any] = tried.json()
            return answer

        tried = await poll(backtest, lambda t: t["alerts"] == 1, what="the history in the store")
        [would] = tried["happenings"]
        assert (would["on"], would["subject"], would["messages"]) == (
            this_monday().isoformat(), "class-A", 1,
        )  # fmt: skip
        assert would["items"] == [f"{a1}@{where}"]  # A2 is class B yet

        # The next planning run moves A2 to class A: it enters the rule's scope.
        await publish(kafka_bootstrap, [classified(a2, where, "A", "B")], "/services/replenishment")
        await poll(backtest, lambda t: t["happenings"][0]["items"] == sorted([
            f"{a1}@{where}", f"{a2}@{where}"]), what=f"{a2} reclassified to A")  # fmt: skip
        enabled = await alerting.post(f"/v1/rules/{rule_id}/enable")
        assert enabled.status_code == 200 and enabled.json()["enabled"] is True, enabled.text

    [alert] = await poll(lambda: alerts_of(rule_id), bool, timeout=120, what="the alert")
    assert (alert["subject"], alert["status"]) == ("class-A", "raised")
    assert sorted(i["sku"] for i in alert["details"]["items"]) == sorted([a1, a2])
    [mail] = await poll(lambda: seed_mails(manager_mailbox), bool, timeout=90, what="the e-mail")
    assert mail["To"] == MANAGER
    body = body_of(mail)
    assert a1 in body and a2 in body and "去化率" in body and "sell-through" in body
    assert a3 not in body and c1 not in body

    # Last week's late shipments are posted: A1 and A2 sold 50 of 100, up from 35 and 30.
    late = [falling_a1.late_issue(30), falling_a2.late_issue(30)]
    await publish(kafka_bootstrap, late, "/services/stock-ledger")
    [resolved] = await poll(
        lambda: alerts_of(rule_id),
        lambda found: found[0]["status"] == "resolved",
        timeout=180,
        what="the alert to resolve when sell-through recovers",
    )
    assert resolved["resolution"] == "condition_recovered"
    assert len(seed_mails(manager_mailbox)) == 1  # it fired once

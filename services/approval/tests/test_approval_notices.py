"""Who is told what, in which language, on which channel, and what a task link opens: the pure
rules (plain objects, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from approval.domain import ApprovalInstance, Assignment, FlowStep
from approval.domain.flows import legacy_flow
from approval.domain.links import BadLink, LinkClaim, judge, read, sign
from approval.domain.messages import choose_channel, language_of, render
from approval.domain.notices import NoticeWatch
from approval.domain.people import Person
from approval.domain.timers import EscalationTarget, escalate, remind
from inventory_contracts.events.approvals import ApprovalRequested

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
FLOW = legacy_flow(
    "purchase-requisition",
    "purchase_requisition",
    "Purchase requisition",
    (
        FlowStep(role="department_manager", time_limit_hours=24),
        FlowStep(role="finance_director", min_amount_exclusive=D("50000")),
    ),
)
MANAGER = [Assignment("wang.manager", "Wang", "department_manager", "purchasing")]
SECRET = "a-test-link-secret-of-some-length"


def started(amount: str = "60000") -> ApprovalInstance:
    request = ApprovalRequested(
        request_id="REQ-1",
        subject_type="purchase_requisition",
        subject_id="PR-1",
        amount=D(amount),
        department="purchasing",
        requested_by="chen.planner",
        summary="restock green tea",
    )
    return ApprovalInstance.start(request, FLOW, NOW)


def watch(instance: ApprovalInstance) -> NoticeWatch:
    """A watch on `instance` as loaded in a later transaction (its timeline written)."""
    instance.new_audit.clear()
    watcher = NoticeWatch()
    watcher.track(instance)
    return watcher


def test_a_started_request_tells_the_holders_of_the_first_steps_role() -> None:
    watcher = NoticeWatch()
    watcher.track(started())
    (notice,) = watcher.take()
    assert (notice.kind, notice.step_no, notice.to, notice.to_role) == (
        "new_task", 1, (), "department_manager"
    )  # fmt: skip
    assert notice.department == "purchasing" and "chen.planner" in notice.excluded
    assert notice.facts["amount"] == "60,000.00" and notice.facts["subject_id"] == "PR-1"


def test_an_approval_tells_the_next_step_and_the_last_one_tells_the_requester() -> None:
    instance = started()
    watcher = watch(instance)
    instance.approve("wang.manager", MANAGER, NOW, "ok")
    watcher.note_events()
    (notice,) = watcher.take()
    assert (notice.kind, notice.step_no, notice.to_role) == ("new_task", 2, "finance_director")
    assert notice.excluded == {"chen.planner", "wang.manager"}  # four eyes

    watcher = watch(instance)
    finance = [Assignment("li.finance", "Li", "finance_director", "*")]
    instance.approve("li.finance", finance, NOW, "fine")
    watcher.note_events()
    instance.events.clear()  # taken by the unit of work: the watch noted them before
    (decision,) = watcher.take()
    assert (decision.kind, decision.to) == ("decision", ("chen.planner",))
    assert decision.facts["status"] == "approved" and decision.facts["decided_by"] == "li.finance"


def test_a_reminder_goes_to_the_assignees_and_an_escalation_to_both_sides() -> None:
    instance = started()
    task = instance.current_task
    assert task is not None
    watcher = watch(instance)
    remind(instance, task, ["wang.manager"], NOW + timedelta(hours=12))
    watcher.note_events()
    (reminder,) = watcher.take()
    assert (reminder.kind, reminder.to) == ("reminder", ("wang.manager",))
    assert reminder.facts["due_at"] == "2026-12-06 08:00 UTC"
    instance.events.clear()  # taken by the unit of work

    watcher = watch(instance)
    target = EscalationTarget(assignees=("zhou.director",), reason="overdue")
    escalate(instance, task, ["wang.manager"], target, NOW + timedelta(hours=24))
    watcher.note_events()
    kinds = {(n.kind, n.to) for n in watcher.take()}
    assert kinds == {("escalation", ("zhou.director",)), ("escalated_away", ("wang.manager",))}


def test_a_change_that_leaves_the_step_with_the_same_people_tells_nobody() -> None:
    instance = started()
    watcher = watch(instance)
    watcher.note_events()
    assert watcher.take() == []


def test_the_message_is_in_the_persons_language_with_the_link_last() -> None:
    facts = {"subject_type": "purchase_requisition", "subject_id": "PR-1", "summary": "tea",
             "amount": "60,000.00", "currency": "CNY", "step_no": "1",
             "role": "department_manager"}  # fmt: skip
    zh = render("new_task", facts, language_of("zh-CN"), "https://x/inbox/REQ-1?link=T", 72)
    assert zh.title == "待您审批：采购申请 PR-1"
    assert zh.body.splitlines()[-1] == "https://x/inbox/REQ-1?link=T"
    assert "金额：60,000.00 CNY" in zh.body and "72 小时内有效" in zh.body
    assert "步骤：第 1 步（部门经理）" in zh.body
    assert "截止时间" not in zh.body  # no due time, no line for it
    en = render("decision", {**facts, "status": "rejected", "reason": "too dear"}, "en")
    assert en.title == "Decision: purchase requisition PR-1 rejected"
    assert "Reason: too dear" in en.body and "link" not in en.body
    reminder = render("reminder", {**facts, "due_at": "2026-12-06 08:00 UTC"}, "en", "L", 72)
    assert "Step 1 (department manager)" in reminder.body
    assert reminder.title == "Reminder: purchase requisition PR-1 is due 2026-12-06 08:00 UTC"
    assert language_of("en") == "en" and language_of(None) == "zh"


def person(**contacts: str) -> Person:
    return Person("wang.manager", None, "purchasing", True, NOW, **contacts)


def test_the_preferred_im_id_wins_over_email_when_its_channel_is_configured() -> None:
    both = person(email="wang@example.com", slack_user_id="U1", dingtalk_user_id="138")
    assert choose_channel(both, ["email", "dingtalk", "slack"]) == ("dingtalk", "138")
    assert choose_channel(both, ["email", "slack"]) == ("slack", "U1")
    assert choose_channel(both, ["email"]) == ("email", "wang@example.com")
    assert choose_channel(person(slack_user_id="U1"), ["email"]) is None
    assert choose_channel(None, ["email"]) is None


def claim(**changes: object) -> LinkClaim:
    expires = NOW + timedelta(hours=72)
    values: dict[str, object] = {"link_id": "L1", "request_id": "REQ-1", "step_no": 1,
                                 "login": "wang.manager", "expires_at": expires}  # fmt: skip
    return LinkClaim(**(values | changes))  # type: ignore[arg-type]


def test_a_link_token_reads_back_and_any_change_breaks_it() -> None:
    token = sign(claim(), SECRET)
    assert read(token, SECRET) == claim()
    payload, _, mac = token.partition(".")
    other = sign(claim(login="li.finance"), SECRET).partition(".")[0]
    for forged in (f"{other}.{mac}", f"{payload}.{mac[:-1]}0", payload, "", "x.y"):
        with pytest.raises(BadLink):
            read(forged, SECRET)
    with pytest.raises(BadLink):
        read(token, "another-secret-of-some-length")


def test_a_link_opens_once_for_its_person_before_it_expires() -> None:
    link = claim()
    assert judge(link, "REQ-1", "wang.manager", None, True, NOW) == "open"
    assert judge(link, "REQ-1", "li.finance", None, True, NOW) == "not_yours"
    assert judge(link, "REQ-1", "wang.manager", NOW, True, NOW) == "used"
    assert judge(link, "REQ-1", "wang.manager", None, True, NOW + timedelta(hours=72)) == (
        "expired"
    )
    assert judge(link, "REQ-2", "wang.manager", None, True, NOW) == "invalid"
    assert judge(link, "REQ-1", "wang.manager", None, False, NOW) == "invalid"

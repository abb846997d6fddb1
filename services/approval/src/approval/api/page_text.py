"""What the inbox pages say in zh-CN and English, how the language is chosen, and the security
headers every page and page file carries (a strict CSP: no inline script or style)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from inventory_runtime.auth.principal import Principal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "inbox": "我的待办审批", "signed_in": "当前用户", "sign_out": "退出登录",
        "other_lang": "English", "flow": "流程", "subject": "单据", "amount": "金额",
        "requester": "申请人", "step": "步骤", "due": "截止时间", "overdue": "已逾期",
        "sort_due": "按截止时间 ↑", "sort_due_desc": "按截止时间 ↓", "empty": "没有待办审批",
        "back": "返回待办", "summary": "摘要", "department": "部门", "status": "状态",
        "details": "申请内容", "steps": "审批步骤", "role": "角色", "approver": "审批人",
        "assignees": "指定处理人", "timeline": "处理记录", "at": "时间", "actor": "操作人",
        "action": "动作", "comment": "意见", "approve": "同意", "reject": "驳回",
        "transfer": "转交", "transfer_to": "转交给（登录名）", "decide": "审批",
        "done_approve": "已同意", "done_reject": "已驳回", "done_transfer": "已转交",
        "refused": "操作被拒绝", "requested_at": "申请时间", "none": "—",
        "sku": "物料", "quantity": "数量", "supplier_id": "供应商", "unit_cost": "单价",
        "location": "库位", "item": "物料", "supplier": "供应商", "unit_price": "单价",
        "pending": "待审批", "approved": "已同意", "rejected": "已驳回",
        "withdrawn": "已撤回", "cancelled": "已取消", "waiting": "未开始",
        "act_requested": "提交申请", "act_approved": "同意", "act_rejected": "驳回",
        "act_granted": "审批通过", "act_commented": "评论", "act_transferred": "转交",
        "act_reminded": "催办提醒", "act_escalated": "超时升级", "act_withdrawn": "撤回",
        "act_resubmitted": "重新提交", "on_behalf_of": "代理审批（委托人）",
        "mode_all_of": "会签（须全部同意）", "mode_any_of": "或签（一人同意即可）",
        "undecided": "未处理", "act_unassigned": "无可审批人，转交角色",
        "add_comment": "发表评论", "withdraw": "撤回申请", "withdraw_reason": "撤回原因",
        "resubmit": "重新提交", "resubmit_comment": "修改说明（重新提交）",
        "done_comment": "已评论", "done_withdraw": "已撤回", "done_resubmit": "已重新提交",
        "delegations": "我的委托", "delegate_new": "委托他人代为审批",
        "delegate_to": "受托人（登录名）", "starts_at": "开始时间", "ends_at": "结束时间",
        "flows_all": "流程（不选即全部流程）", "delegate": "委托", "given": "我委托的",
        "received": "委托给我的", "delegator": "委托人", "delegate_person": "受托人",
        "window": "期间", "state": "状态", "running": "生效中", "upcoming": "未开始",
        "ended": "已结束", "cancel": "取消委托", "done_delegate": "委托已创建",
        "done_cancel": "委托已取消", "times_in": "时间按本机时区填写",
        "no_delegations": "暂无委托",
        "procurement_type": "采购方式（make 自制 / buy 外购）",
        "production_lead_time_days": "生产提前期（天）", "due_date": "计划完工日期",
        "inventory_position": "库存净额", "reorder_point": "再订货点",
    },
    "en": {
        "inbox": "My approvals", "signed_in": "Signed in as", "sign_out": "Sign out",
        "other_lang": "中文", "flow": "Flow", "subject": "Subject", "amount": "Amount",
        "requester": "Requester", "step": "Step", "due": "Due", "overdue": "Overdue",
        "sort_due": "Due ↑", "sort_due_desc": "Due ↓", "empty": "Nothing waits for you",
        "back": "Back to the inbox", "summary": "Summary", "department": "Department",
        "status": "Status", "details": "Request details", "steps": "Steps", "role": "Role",
        "approver": "Approver", "assignees": "Assignees", "timeline": "Timeline", "at": "At",
        "actor": "By", "action": "Action", "comment": "Comment", "approve": "Approve",
        "reject": "Reject", "transfer": "Transfer", "transfer_to": "Transfer to (login)",
        "decide": "Decide", "done_approve": "Approved", "done_reject": "Rejected",
        "done_transfer": "Transferred", "refused": "Refused", "requested_at": "Requested",
        "none": "—", "sku": "Item", "quantity": "Quantity", "supplier_id": "Supplier",
        "unit_cost": "Unit price", "location": "Location", "item": "Item",
        "supplier": "Supplier", "unit_price": "Unit price", "pending": "Pending",
        "approved": "Approved", "rejected": "Rejected", "withdrawn": "Withdrawn",
        "cancelled": "Cancelled", "waiting": "Waiting", "act_requested": "requested",
        "act_approved": "approved", "act_rejected": "rejected", "act_granted": "granted",
        "act_commented": "commented", "act_transferred": "transferred",
        "act_reminded": "reminded", "act_escalated": "escalated", "act_withdrawn": "withdrawn",
        "act_resubmitted": "resubmitted", "on_behalf_of": "On behalf of",
        "mode_all_of": "Countersign (all must approve)",
        "mode_any_of": "Or-sign (any one approves)", "undecided": "Not decided yet",
        "act_unassigned": "nobody to assign; handed to a role",
        "add_comment": "Add a comment", "withdraw": "Withdraw the request",
        "withdraw_reason": "Why withdraw", "resubmit": "Resubmit",
        "resubmit_comment": "What changed (resubmit)", "done_comment": "Comment added",
        "done_withdraw": "Withdrawn", "done_resubmit": "Resubmitted",
        "delegations": "My delegations", "delegate_new": "Let someone decide for me",
        "delegate_to": "Delegate (login)", "starts_at": "From", "ends_at": "Until",
        "flows_all": "Flows (none ticked: every flow)", "delegate": "Delegate",
        "given": "Given by me", "received": "Given to me", "delegator": "Delegator",
        "delegate_person": "Delegate", "window": "Window", "state": "State",
        "running": "Running", "upcoming": "Upcoming", "ended": "Ended",
        "cancel": "Cancel it", "done_delegate": "Delegation created",
        "done_cancel": "Delegation cancelled", "times_in": "Times in this device's time zone",
        "no_delegations": "No delegations",
        "procurement_type": "Procurement type (make / buy)",
        "production_lead_time_days": "Production lead time (days)", "due_date": "Due date",
        "inventory_position": "Inventory position", "reorder_point": "Reorder point",
    },
}  # fmt: skip


def _from_tag(tag: str | None) -> Lang | None:
    primary = (tag or "").strip().split(";")[0].strip().lower().split("-")[0]
    return "zh" if primary == "zh" else "en" if primary == "en" else None


def choose_lang(query: str | None, actor: Principal, accept_language: str) -> Lang:
    """`?lang=`, then the token's `locale`, then the first known Accept-Language; zh else."""
    if query in LANGS:
        return query
    for tag in [actor.locale, *accept_language.split(",")]:
        lang = _from_tag(tag)
        if lang is not None:
            return lang
    return "zh"


def when(moment: datetime | None) -> str:
    """A moment as people read it (UTC)."""
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def shown(value: Any) -> str:
    """A detail's value as text (JSON for lists and objects)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

"""What a notice says, in the person's language (zh-CN or English), and on which channel it
goes (pure). Terms as in the platform glossary: 采购申请 purchase requisition, 审批人
approver, 超时升级 escalation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from approval.domain.notices import NoticeKind
from approval.domain.people import Person

MessageLang = Literal["zh", "en"]
IM_ORDER: Final = ("dingtalk", "wecom", "feishu", "slack")
"""A person's IM ids, in the order the preferred one is chosen."""

SUBJECTS: Final[dict[str, dict[MessageLang, str]]] = {
    "purchase_requisition": {"zh": "采购申请", "en": "purchase requisition"},
    "stock_count_variance": {"zh": "盘点差异", "en": "stock count variance"},
    "production_work_order": {"zh": "生产工单", "en": "production work order"},
}
ROLES: Final[dict[str, dict[MessageLang, str]]] = {
    "department_manager": {"zh": "部门经理", "en": "department manager"},
    "finance_director": {"zh": "财务总监", "en": "finance director"},
    "warehouse_manager": {"zh": "仓库主管", "en": "warehouse manager"},
    "production_manager": {"zh": "生产经理", "en": "production manager"},
}
OUTCOMES: Final[dict[str, dict[MessageLang, str]]] = {
    "approved": {"zh": "已通过", "en": "approved"},
    "rejected": {"zh": "已驳回", "en": "rejected"},
}

TITLES: Final[dict[NoticeKind, dict[MessageLang, str]]] = {
    "new_task": {
        "zh": "待您审批：{subject} {subject_id}",
        "en": "Waiting for your approval: {subject} {subject_id}",
    },
    "reminder": {
        "zh": "催办提醒：{subject} {subject_id} 将于 {due_at} 到期",
        "en": "Reminder: {subject} {subject_id} is due {due_at}",
    },
    "escalation": {
        "zh": "超时升级给您：{subject} {subject_id}",
        "en": "Escalated to you: {subject} {subject_id}",
    },
    "escalated_away": {
        "zh": "超时升级：{subject} {subject_id} 已转由他人审批",
        "en": "Escalated: {subject} {subject_id} went to someone else",
    },
    "decision": {
        "zh": "审批结果：{subject} {subject_id} {outcome}",
        "en": "Decision: {subject} {subject_id} {outcome}",
    },
}
LINES: Final[dict[MessageLang, dict[str, str]]] = {
    "zh": {
        "summary": "摘要：{summary}",
        "amount": "金额：{amount} {currency}",
        "step": "步骤：第 {step_no} 步（{role}）",
        "due": "截止时间：{due_at}",
        "reason": "原因：{reason}",
        "decided_by": "审批人：{decided_by}",
        "open": "打开并审批（链接仅限您本人使用一次，{hours} 小时内有效）：",
        "away": "该步骤已超时，已升级给其他审批人，您无需再处理。",
    },
    "en": {
        "summary": "Summary: {summary}",
        "amount": "Amount: {amount} {currency}",
        "step": "Step {step_no} ({role})",
        "due": "Due: {due_at}",
        "reason": "Reason: {reason}",
        "decided_by": "Decided by: {decided_by}",
        "open": "Open and decide (this link is for you only, works once, for {hours} hours):",
        "away": "The step was overdue and went to another approver; nothing is left for you.",
    },
}
BODY_LINES: Final[dict[NoticeKind, tuple[str, ...]]] = {
    "new_task": ("summary", "amount", "step", "due"),
    "reminder": ("summary", "amount", "step", "due"),
    "escalation": ("summary", "amount", "step"),
    "escalated_away": ("summary", "amount", "step", "away"),
    "decision": ("summary", "amount", "decided_by", "reason"),
}


@dataclass(frozen=True)
class Message:
    """A rendered message: its language, title and body."""

    lang: MessageLang
    title: str
    body: str


def language_of(locale: str | None) -> MessageLang:
    """English for an ``en`` locale, else Simplified Chinese (the platform's default)."""
    return "en" if (locale or "").lower().startswith("en") else "zh"


def render(
    kind: NoticeKind,
    facts: dict[str, str],
    lang: MessageLang,
    link: str | None = None,
    link_hours: int = 72,
) -> Message:
    """The title and body of a `kind` notice in `lang`; a task link at the end when given."""
    values = dict(facts)
    subject = SUBJECTS.get(facts.get("subject_type", ""))
    values["subject"] = subject[lang] if subject else facts.get("subject_type", "")
    values["outcome"] = OUTCOMES.get(facts.get("status", ""), {}).get(lang, facts.get("status", ""))
    values["hours"] = str(link_hours)
    role = facts.get("role", "")
    values["role"] = ROLES.get(role, {}).get(lang, role)
    title = TITLES[kind][lang].format_map(_Blank(values))
    lines = [
        LINES[lang][name].format_map(_Blank(values))
        for name in BODY_LINES[kind]
        if name == "away" or _has(values, LINES[lang][name])
    ]
    if link is not None:
        lines += [LINES[lang]["open"].format_map(_Blank(values)), link]
    return Message(lang, title, "\n".join(lines))


def _has(values: dict[str, str], line: str) -> bool:
    """Whether every placeholder of `line` has a value (a missing due time drops its line)."""
    names = [part.split("}", 1)[0] for part in line.split("{")[1:]]
    return all(values.get(name) for name in names)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def choose_channel(person: Person | None, enabled: Iterable[str]) -> tuple[str, str] | None:
    """The channel kind and address to reach `person`: their first IM id whose channel is
    enabled, else their e-mail when e-mail is; None when neither."""
    if person is None or not person.active:
        return None
    usable = set(enabled)
    for kind in IM_ORDER:
        address = getattr(person, f"{kind}_user_id")
        if address and kind in usable:
            return kind, address
    if person.email and "email" in usable:
        return "email", person.email
    return None

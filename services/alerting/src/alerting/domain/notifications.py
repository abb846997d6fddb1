"""What a channel sends about an alert: the texts of an email, a chat message or a webhook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

SEVERITY_ZH = {"info": "提示", "warning": "警告", "critical": "严重"}


@dataclass(frozen=True)
class Notification:
    """What a channel sends about an alert."""

    alert_id: str
    rule_id: str
    severity: str
    subject: str
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    details: dict[str, Any]
    raised_at: datetime

    @property
    def headline(self) -> str:
        """One line, Chinese first: ``库存低于再订货点 / Stock below reorder point: A @ W``."""
        return f"{self.title_zh} / {self.title_en}: {self.subject.replace('@', ' @ ')}"

    @property
    def email_subject(self) -> str:
        """The subject line of an email notification."""
        level = f"{SEVERITY_ZH.get(self.severity, self.severity)} {self.severity}"
        return f"[预警 Alert · {level}] {self.headline}"

    def _zh(self) -> str:
        raised = self.raised_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return (
            f"{self.title_zh}\n{self.message_zh}\n"
            f"级别：{SEVERITY_ZH.get(self.severity, self.severity)}　规则：{self.rule_id}"
            f"　预警编号：{self.alert_id}　时间：{raised}\n"
        )

    def _en(self) -> str:
        raised = self.raised_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return (
            f"{self.title_en}\n{self.message_en}\n"
            f"Severity: {self.severity}  Rule: {self.rule_id}  Alert: {self.alert_id}"
            f"  Raised: {raised}\n"
        )

    def plain_text(self) -> str:
        """The body of an email (or chat) notification: Chinese, then English."""
        return f"{self._zh()}\n{self._en()}"

    def title_in(self, language: str) -> str:
        """The title (e-mail subject) in a channel's language: ``zh-CN``, ``en`` or both."""
        where = self.subject.replace("@", " @ ")
        if language == "zh-CN":
            level = SEVERITY_ZH.get(self.severity, self.severity)
            return f"[预警 · {level}] {self.title_zh}：{where}"
        if language == "en":
            return f"[Alert · {self.severity}] {self.title_en}: {where}"
        return self.email_subject

    def text_in(self, language: str) -> str:
        """The body in a channel's language: ``zh-CN``, ``en`` or both (Chinese first)."""
        if language == "zh-CN":
            return self._zh()
        if language == "en":
            return self._en()
        return self.plain_text()

    def as_json(self) -> dict[str, Any]:
        """The body of a webhook notification."""
        return {
            "alert_id": self.alert_id,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "status": "raised",
            "subject": self.subject,
            "title": f"{self.title_zh} / {self.title_en}",
            "message": f"{self.message_zh}\n{self.message_en}",
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": self.details,
            "raised_at": self.raised_at.isoformat(),
        }

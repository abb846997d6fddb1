"""The demo approvers' messages as a person would read them, from the development stand-ins.

In development the approval service sends a task message to the IM webhook stand-in on
`APPROVAL_IM_PORT` (every IM kind, JSON with the person's IM id as "to") or to the SMTP
stand-in on `APPROVAL_SMTP_PORT` (scripts/services.sh). `make demo` starts both, shows the
message a manager received with its link, and the e2e suite reads the links from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from inventory_gateway_client.api.identity import update_person
from inventory_gateway_client.models import PersonPatch

from inventory_testkit.demo_people import DEMO_PASSWORD, DEMO_PEOPLE
from inventory_testkit.platform import gateway, http, poll
from inventory_testkit.standins import (
    APPROVAL_IM_PORT,
    APPROVAL_SMTP_PORT,
    SmtpServer,
    WebhookReceiver,
    body_of,
    subject_of,
)
from inventory_testkit.tokens import ADMIN_LOGIN

TASK_LINK = re.compile(r"https?://\S+/inbox/\S+\?link=\S+")
CONTACT_FIELDS = ("email", "locale", "dingtalk_user_id")


@dataclass(frozen=True)
class TaskMessage:
    """One message as it arrived: the channel, its address, subject, text and task link."""

    channel: str
    to: str
    subject: str
    text: str

    @property
    def link(self) -> str | None:
        found = TASK_LINK.search(self.text)
        return found.group(0) if found else None


def start_standins() -> tuple[WebhookReceiver, SmtpServer]:
    """The approvers' IM webhook and SMTP server, started on the ports approval sends to."""
    im, mailbox = WebhookReceiver(port=APPROVAL_IM_PORT), SmtpServer(port=APPROVAL_SMTP_PORT)
    try:
        im.start()
        mailbox.start()
    except OSError as busy:
        im.stop()
        raise SystemExit(
            f"   ! the approvers' stand-ins need ports {APPROVAL_IM_PORT} and "
            f"{APPROVAL_SMTP_PORT} ({busy}): is the e2e suite running?"
        ) from busy
    return im, mailbox


def chats_about(im: WebhookReceiver, subject_id: str) -> list[TaskMessage]:
    """The IM messages about `subject_id`, oldest first."""
    return [
        TaskMessage(r.path.rsplit("/", 1)[-1], str(r.json.get("to")), r.json["title"],
                    str(r.json.get("message", "")))
        for r in im.received
        if subject_id in str(r.json.get("title", ""))
    ]  # fmt: skip


def mails_about(mailbox: SmtpServer, subject_id: str) -> list[TaskMessage]:
    """The e-mails about `subject_id`, oldest first."""
    return [
        TaskMessage("email", str(m["To"]), subject_of(m), body_of(m))
        for m in mailbox.messages
        if subject_id in subject_of(m)
    ]


async def announce_contacts(logins: tuple[str, ...] = ("wang.manager", "li.finance")) -> None:
    """The demo approvers' addresses and languages, as the demo seeds them, announced afresh:
    cleared, then set (an unchanged profile publishes nothing, and approval learns addresses
    only from `PersonChanged`, so a stack whose approval database is newer than its people
    would otherwise not know them)."""
    async with gateway(login=ADMIN_LOGIN) as gw:
        for person in DEMO_PEOPLE:
            if person["login"] not in logins:
                continue
            contacts = {k: person[k] for k in CONTACT_FIELDS if k in person}
            cleared = {k: None for k in contacts if k != "locale"}
            for change in (cleared, contacts):
                body = PersonPatch.from_dict(change)
                response = await update_person.asyncio_detailed(
                    person["login"], client=gw, body=body
                )
                if response.status_code != 200:
                    raise RuntimeError(f"{person['login']} not changed: {response.content!r}")


Inbox = tuple[str, Callable[[], list[TaskMessage]]]
"""An approver's login and how to read the messages they received."""


async def _message(login: str, inbox: Callable[[], list[TaskMessage]]) -> TaskMessage:
    def linked() -> list[TaskMessage]:
        return [m for m in inbox() if m.link]

    got = await poll(linked, bool, timeout=60, what=f"{login}'s message")
    return got[-1]


async def _decided(admin: httpx.AsyncClient, request_id: str, step_no: int) -> str:
    """The request's status once a person decided step `step_no` (waits up to 15 minutes)."""

    def decided(response: httpx.Response) -> bool:
        return bool(response.json()["steps"][step_no]["status"] != "pending")

    done = await poll(
        lambda: admin.get(f"/v1/approvals/{request_id}"), decided,
        timeout=900, what=f"step {step_no + 1} to be decided",
    )  # fmt: skip
    return str(done.json()["status"])


async def act_on_messages(
    request: dict[str, Any], inboxes: list[Inbox], *, by_hand: bool, say: Callable[[str], None]
) -> None:
    """`make demo`'s approvals: for each approver in turn (step by step), show the message
    they received with its link, then approve in their place through the API, or, `by_hand`,
    wait (up to 15 minutes) for a person to approve from the link."""
    request_id = request["request_id"]
    async with http("approval") as admin:
        for step_no, (login, inbox) in enumerate(inboxes):
            message = await _message(login, inbox)
            say(f"{login}'s {message.channel} message to {message.to}: {message.subject}")
            for line in message.text.replace(str(message.link), "(link below)").splitlines():
                print(f"       | {line}")
            say(
                f"open this link, sign in as {login} / {DEMO_PASSWORD} and see why the purchase "
                f"is proposed: {message.link}"
            )
            if by_hand:
                say("waiting for you to approve it from the link ...")
                if await _decided(admin, request_id, step_no) == "rejected":
                    raise SystemExit("   ! rejected from the link: no purchase order this time")
                continue
            async with http("approval", login=login) as approval:  # signed in as the approver
                path = f"/v1/approvals/{request_id}/approve"
                response = await approval.post(path, json={"comment": "ok"})
                response.raise_for_status()
            say(f"{login} approved (the demo, in their place; with DEMO_APPROVE_BY_HAND=1 "
                "it waits for you to do it from the link)")  # fmt: skip

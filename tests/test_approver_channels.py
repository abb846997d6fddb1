"""The demo's reading of approvers' messages (`inventory_testkit.approver_channels`): an IM post
and an e-mail about a requisition, caught by the local stand-ins, come back as messages with
their channel, address, subject and task link; messages about other requests are left out."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage

import httpx
import pytest
from inventory_testkit.approver_channels import TaskMessage, chats_about, mails_about
from inventory_testkit.platform import poll
from inventory_testkit.standins import SmtpServer, WebhookReceiver

LINK = "http://127.0.0.1:8004/inbox/APR-REQ-1?link=eyJhIjoxfQ.abc123"


@pytest.fixture
def im() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def mailbox() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


async def test_an_im_message_is_read_with_its_link(im: WebhookReceiver) -> None:
    base = im.url.rsplit("/", 1)[0]
    async with httpx.AsyncClient() as client:
        for title in ("待您审批：采购申请 REQ-1", "待您审批：采购申请 REQ-2"):
            text = f"金额：80,000.00 CNY\n{LINK}"
            body = {"to": "13800000001", "title": title, "message": text}
            (await client.post(f"{base}/im/dingtalk", json=body)).raise_for_status()
    found = await poll(lambda: chats_about(im, "REQ-1"), bool, what="the chat")
    assert found == [
        TaskMessage("dingtalk", "13800000001", "待您审批：采购申请 REQ-1",
                    f"金额：80,000.00 CNY\n{LINK}")
    ]  # fmt: skip
    assert found[0].link == LINK


async def test_an_email_is_read_with_its_link_and_one_without_has_none(
    mailbox: SmtpServer,
) -> None:
    for subject, text in (("Waiting for your approval: REQ-1", f"Open: {LINK}"),
                          ("Approved: REQ-1", "Your request was approved.")):  # fmt: skip
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "a@example.com", "li@example.com", subject
        mail.set_content(text)
        with smtplib.SMTP("127.0.0.1", mailbox.port) as client:
            client.send_message(mail)
    found = await poll(lambda: mails_about(mailbox, "REQ-1"), lambda m: len(m) == 2)
    assert [(m.channel, m.to, m.link) for m in found] == [
        ("email", "li@example.com", LINK),
        ("email", "li@example.com", None),
    ]

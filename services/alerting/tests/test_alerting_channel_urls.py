"""Unit tests of the apprise URL each channel kind sends through (no network)."""

from __future__ import annotations

from typing import Any

import apprise
import pytest
from alerting.adapters.channel_configs import (
    CONFIGS,
    NO_ID,
    DingTalkConfig,
    EmailConfig,
    SlackConfig,
    recipient,
    templates_for,
)
from inventory_runtime.notify import ChannelKind, hosts_of
from pydantic import BaseModel, ValidationError

TOKEN = "robottoken1234"


def url_of(kind: ChannelKind, config: BaseModel, **overrides: str) -> str:
    return templates_for(kind, config, overrides).url(kind, recipient(kind, config))


def plugin(url: str) -> Any:
    found = apprise.Apprise.instantiate(url)
    assert found is not None, url
    return found


def test_email_goes_to_every_recipient_through_the_channels_smtp_server() -> None:
    config = EmailConfig(
        host="smtp.example.com", port=465, from_address="alerts@example.com",
        to=["ops@example.com", "buyer@example.org"], username="alerts",
        password="p@ss{word}", use_tls=True,
    )  # fmt: skip
    url = url_of("email", config)
    sender = plugin(url)
    assert [to for _, to in sender.targets] == ["ops@example.com", "buyer@example.org"]
    assert (sender.smtp_host, sender.port, sender.secure_mode) == ("smtp.example.com", 465, "ssl")
    assert (sender.user, sender.password) == ("alerts", "p@ss{word}")
    assert hosts_of(url) == ("smtp.example.com",)


@pytest.mark.parametrize(("starttls", "mode"), [(False, "insecure"), (True, "starttls")])
def test_email_security_follows_the_config(starttls: bool, mode: str) -> None:
    config = EmailConfig(
        host="127.0.0.1", port=2525, from_address="a@example.com", to=["b@example.com"],
        starttls=starttls,
    )  # fmt: skip
    assert plugin(url_of("email", config)).secure_mode == mode


def test_dingtalk_signs_with_its_secret_and_mentions_the_members() -> None:
    config = DingTalkConfig(token=TOKEN, secret="SECsigning1", mobiles=["13800000000"])
    sender = plugin(url_of("dingtalk", config))
    assert (sender.token, sender.secret, sender.targets) == (
        TOKEN, "SECsigning1", ["13800000000"],
    )  # fmt: skip
    assert hosts_of(url_of("dingtalk", config)) == ("oapi.dingtalk.com",)
    unsigned = DingTalkConfig(token=TOKEN)
    assert recipient("dingtalk", unsigned) == NO_ID
    assert plugin(url_of("dingtalk", unsigned)).secret is None


@pytest.mark.parametrize(
    ("kind", "config", "plugin_name", "host"),
    [
        ("wecom", {"key": TOKEN}, "NotifyWeComBot", "qyapi.weixin.qq.com"),
        ("feishu", {"token": TOKEN}, "NotifyFeishu", "open.feishu.cn"),
    ],
)
def test_group_robots_post_with_their_key(
    kind: ChannelKind, config: dict[str, str], plugin_name: str, host: str
) -> None:
    url = url_of(kind, CONFIGS[kind].model_validate(config))
    assert type(plugin(url)).__name__ == plugin_name and TOKEN in url
    assert hosts_of(url) == (host,)


@pytest.mark.parametrize("channel", ["#alerts", "C012AB3CD"])
def test_slack_posts_to_the_configured_channel(channel: str) -> None:
    sender = plugin(url_of("slack", SlackConfig(token="xoxb-1234-5678-abcdef", channel=channel)))
    assert sender.channels == [channel]


def test_a_notify_url_template_replaces_the_built_in_one() -> None:
    config = SlackConfig(token="xoxb-1234-5678-abcdef", channel="#alerts")
    url = url_of("slack", config, slack="json://127.0.0.1:9/im?:to={id}&:key={token}")
    assert url == "json://127.0.0.1:9/im?:to=%23alerts&:key=xoxb-1234-5678-abcdef"


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("dingtalk", {"token": TOKEN, "mobiles": ["not-a-phone"]}, "mobiles"),
        ("dingtalk", {"token": "robot-token-1"}, "token"),
        ("slack", {"token": "not-a-bot-token", "channel": "#a"}, "token"),
        ("wecom", {"key": "has spaces in it"}, "key"),
        ("feishu", {}, "token"),
        ("slack", {"token": "xoxb-1234-5678", "channel": "#a b"}, "channel"),
        ("email", {"host": "h", "from_address": "a@example.com", "to": ["x,y@z"]}, "to"),
        ("wecom", {"key": TOKEN, "language": "fr"}, "language"),
    ],
)
def test_a_bad_config_names_its_field(kind: str, config: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        CONFIGS[kind].model_validate(config)
    assert error.value.errors()[0]["loc"][0] == field

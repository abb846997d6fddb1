"""The outbound guard, tried as someone registering a webhook or an SMTP host would try it to
reach the platform's own network: every internal address is refused before any connection, and
an administrator's allow-list opens exactly what it names."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import pytest
from inventory_runtime.outbound import Allowlist, OutboundGuard, OutboundRefused
from inventory_runtime.settings import ServiceSettings


class Resolver:
    """A resolver with fixed answers that remembers what it was asked."""

    def __init__(self, answers: dict[str, list[str]] | None = None) -> None:
        self.answers = answers or {}
        self.asked: list[str] = []

    async def __call__(self, host: str) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers[host]


@pytest.fixture(autouse=True)
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the guard tried to connect")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


ATTACKS = [
    ("http://127.0.0.1:8006/v1/subscriptions", "loopback"),
    ("http://169.254.169.254/latest/meta-data", "cloud metadata"),
    ("http://169.254.170.2/v2/credentials", "cloud metadata"),
    ("http://[fd00:ec2::254]/latest/meta-data", "cloud metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "cloud metadata"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/admin", "private"),
    ("http://100.64.0.1/", "CGNAT"),
    ("http://[fc00::1]/", "private"),
    ("http://[fe80::1]/", "link-local"),
    ("http://169.254.1.1/", "link-local"),
    ("http://[::1]:8005/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "cloud metadata"),
    ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 around 127.0.0.1
    ("http://[64:ff9b::a00:1]/", "private"),  # NAT64 around 10.0.0.1
    ("http://localhost:8001/", "loopback"),
    ("http://LOCALHOST./", "loopback"),
    ("http://api.localhost/", "loopback"),
    ("http://0.0.0.0:8001/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://2130706433/", "127.0.0.1"),  # decimal
    ("http://0x7f000001/", "127.0.0.1"),  # hex
    ("http://0x7f.1/", "127.0.0.1"),
    ("http://127.1/", "127.0.0.1"),
    ("http://0177.0.0.1/", "127.0.0.1"),  # octal
    ("http://user:pw@10.0.0.1/x", "private"),
    ("http://erp.example.com@10.0.0.1/x", "private"),
    ("ftp://erp.example.com/po", "scheme 'ftp'"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("gopher://127.0.0.1:6379/_FLUSHALL", "scheme 'gopher'"),
    ("http:///no-host", "no host"),
]


@pytest.mark.parametrize(("url", "why"), ATTACKS)
async def test_internal_and_non_http_urls_are_refused_before_any_connection(
    url: str, why: str
) -> None:
    resolver = Resolver()
    with pytest.raises(OutboundRefused, match=why):
        await OutboundGuard(resolve=resolver).check_url(url)
    assert resolver.asked == []  # refused by its form alone, not even a DNS lookup


async def test_a_name_is_refused_when_any_of_its_addresses_is_internal() -> None:
    resolver = Resolver({"erp.example.com": ["93.184.216.34", "10.0.0.1"]})
    with pytest.raises(OutboundRefused, match=r"erp\.example\.com \(10\.0\.0\.1\) is a private"):
        await OutboundGuard(resolve=resolver).check_url("https://erp.example.com/po")
    assert resolver.asked == ["erp.example.com"]


async def test_a_name_rebound_to_the_metadata_address_is_refused() -> None:
    resolver = Resolver({"hooks.example.com": ["93.184.216.34"]})
    guard = OutboundGuard(resolve=resolver)
    await guard.check_url("https://hooks.example.com/alerts")
    resolver.answers["hooks.example.com"] = ["169.254.169.254"]
    with pytest.raises(OutboundRefused, match="cloud metadata"):
        await guard.check_url("https://hooks.example.com/alerts")


async def test_a_public_name_and_a_public_address_pass() -> None:
    resolver = Resolver({"erp.example.com": ["93.184.216.34", "2606:2800:220:1::1"]})
    guard = OutboundGuard(resolve=resolver)
    await guard.check_url("https://erp.example.com:8443/po?x=1")
    await guard.check_url("http://93.184.216.34/po")
    await guard.check_host("erp.example.com")


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(OutboundRefused, match="does not resolve"):
        await OutboundGuard(resolve=Resolver()).check_url("https://nowhere.example/")


async def test_an_allow_listed_loopback_is_accepted_and_nothing_else_opens() -> None:
    resolver = Resolver({"erp.internal": ["10.20.0.5"], "other.internal": ["10.30.0.5"]})
    guard = OutboundGuard.from_allowlist("127.0.0.0/8, ::1, localhost, erp.internal", resolver)
    await guard.check_url("http://127.0.0.1:9000/hook")
    await guard.check_url("http://[::1]:9000/hook")
    await guard.check_url("http://localhost:9000/hook")
    await guard.check_url("http://2130706433:9000/hook")  # still 127.0.0.1
    await guard.check_url("http://erp.internal/po")  # an allow-listed name is taken as it is
    await guard.check_host("127.0.0.1")
    for refused in ("http://10.0.0.1/", "http://169.254.169.254/", "http://other.internal/"):
        with pytest.raises(OutboundRefused):
            await guard.check_url(refused)


async def test_an_allow_listed_network_lets_names_resolving_into_it_through() -> None:
    resolver = Resolver({"erp.corp": ["10.20.0.5"], "db.corp": ["10.99.0.5"]})
    guard = OutboundGuard.from_allowlist("10.20.0.0/16", resolver)
    await guard.check_url("https://erp.corp/po")
    with pytest.raises(OutboundRefused, match="private"):
        await guard.check_url("https://db.corp/")


def test_the_allow_list_setting_is_empty_by_default_and_checked_at_startup() -> None:
    settings = ServiceSettings(service_name="svc")
    assert settings.outbound_allowlist == ""
    assert settings.outbound_guard.allowlist == Allowlist()
    configured = ServiceSettings(service_name="svc", outbound_allowlist="127.0.0.0/8,::1,erp.lan")
    assert configured.outbound_guard.allowlist == Allowlist.parse("erp.lan, ::1, 127.0.0.0/8")
    with pytest.raises(ValueError, match="not a host, address or network"):
        ServiceSettings(service_name="svc", outbound_allowlist="10.0.0.0/33")


async def test_the_system_resolver_answers_without_connecting() -> None:
    from inventory_runtime.outbound import resolve_with_system

    assert "127.0.0.1" in await resolve_with_system("localhost") or "::1" in (
        await resolve_with_system("localhost")
    )

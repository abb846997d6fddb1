"""The guard on outbound addresses: webhooks and channels may not call into the platform's own
network unless an administrator allow-lists the address.

Anyone who may register a webhook URL or an SMTP host could otherwise make a service call
``http://169.254.169.254/latest/meta-data`` (the cloud's credentials), ``http://127.0.0.1:...``
(the service's own admin ports) or a database on the private network, and read the answer in a
delivery's last error. `OutboundGuard` refuses, without connecting anywhere, a URL whose scheme
is not http or https, or whose host is, or resolves to, a loopback, private (RFC 1918, CGNAT
100.64/10, IPv6 ULA fc00::/7), link-local, cloud metadata, unspecified, multicast or reserved
address. A name is resolved (A and AAAA) and every answer must pass. Numeric forms a resolver
would accept (``2130706433``, ``0x7f000001``, ``127.1``) are read as the address they mean.

`OUTBOUND_ALLOWLIST` (comma-separated host names, addresses and CIDR networks, empty by default)
lets an administrator open what the platform should reach: an allow-listed host name is taken
as it is, an address passes when it lies in an allow-listed network.

Check when a URL is accepted (a 422 naming why) and again just before each send: a name may
resolve elsewhere by then (DNS rebinding). The HTTP client resolves once more when it connects,
so a resolver that changes its answer within that window is not caught; the check before each
send narrows it to the time between two lookups.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolve = Callable[[str], Awaitable[Sequence[str]]]
"""Returns the addresses a host name resolves to (raises `OSError` when it does not)."""

ALLOWED_SCHEMES = ("http", "https")
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254")
)
"""AWS, GCP, Azure, OpenStack (169.254.169.254), ECS task credentials, AWS over IPv6."""
METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
NEEDS_ALLOWLIST = "; outbound calls there need OUTBOUND_ALLOWLIST"
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


class OutboundRefused(ValueError):
    """An outbound address the guard does not let a service call; the message says why."""


async def resolve_with_system(host: str) -> Sequence[str]:
    """The A and AAAA answers of the system resolver (no connection is made)."""
    loop = asyncio.get_running_loop()
    answers = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(answer[4][0]) for answer in answers]


def literal_address(host: str) -> IPAddress | None:
    """`host` as an IP address if it is one, in any form a resolver would read as one."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):  # 2130706433, 0x7f.1, 127.1: inet_aton's forms
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise OutboundRefused(f"{host!r} is not a valid address") from None
    return None


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def forbidden_kind(address: IPAddress) -> str | None:
    """What kind of internal address `address` is (``"loopback"``, ...), None if public."""
    inner = _embedded_ipv4(address)
    checks = (
        (address in METADATA_ADDRESSES or inner in METADATA_ADDRESSES, "cloud metadata"),
        (inner.is_unspecified, "unspecified"),
        (inner.is_loopback, "loopback"),
        (inner.is_link_local, "link-local"),
        (inner.is_multicast, "multicast"),
        (inner in CGNAT, "shared (CGNAT)"),
        (inner.is_reserved, "reserved"),
        (inner.is_private, "private"),
        (not inner.is_global, "not globally routable"),
    )
    return next((kind for refused, kind in checks if refused), None)


def _host_name(host: str) -> str:
    return host.lower().rstrip(".")


@dataclass(frozen=True)
class Allowlist:
    """Host names, and networks whose addresses are let through although internal."""

    hosts: frozenset[str] = frozenset()
    networks: frozenset[IPNetwork] = frozenset()

    @classmethod
    def parse(cls, text: str) -> Allowlist:
        """From ``"erp.internal, 10.20.0.0/16, ::1"``; raises `ValueError` on a bad entry."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (part.strip() for part in text.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                if not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?", entry, re.IGNORECASE):
                    raise ValueError(f"not a host, address or network: {entry!r}") from None
                hosts.add(_host_name(entry))
        return cls(frozenset(hosts), frozenset(networks))

    def allows_host(self, host: str) -> bool:
        return _host_name(host) in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


@dataclass(frozen=True)
class OutboundGuard:
    """Checks outbound URLs and hosts; raises `OutboundRefused` with the reason."""

    allowlist: Allowlist = field(default_factory=Allowlist)
    resolve: Resolve = resolve_with_system

    @classmethod
    def from_allowlist(cls, text: str, resolve: Resolve = resolve_with_system) -> OutboundGuard:
        """The guard of an ``OUTBOUND_ALLOWLIST`` value."""
        return cls(Allowlist.parse(text), resolve)

    async def check_url(self, url: str) -> None:
        """Refuse `url` unless it is http(s) to a host that is public or allow-listed."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError as exc:
            raise OutboundRefused(f"not a valid URL: {exc}") from None
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise OutboundRefused(f"scheme {parts.scheme!r} is not allowed; use http or https")
        if not host:
            raise OutboundRefused("the URL has no host")
        await self.check_host(host)

    async def check_host(self, host: str) -> None:
        """Refuse `host` (a name or an address) unless it is public or allow-listed."""
        if self.allowlist.allows_host(host):
            return
        address = literal_address(host)
        if address is not None:
            self._check_address(host, address)
            return
        name = _host_name(host)
        if name == "localhost" or name.endswith(".localhost"):
            raise OutboundRefused(f"{host} is a loopback name{NEEDS_ALLOWLIST}")
        if name in METADATA_NAMES:
            raise OutboundRefused(f"{host} is a cloud metadata service{NEEDS_ALLOWLIST}")
        try:
            answers = await self.resolve(name)
        except OSError as exc:
            raise OutboundRefused(f"{host} does not resolve ({exc})") from None
        if not answers:
            raise OutboundRefused(f"{host} does not resolve")
        for answer in _addresses(answers):
            self._check_address(host, answer)

    def _check_address(self, host: str, address: IPAddress) -> None:
        if self.allowlist.allows_address(address):
            return
        kind = forbidden_kind(address)
        if kind is not None:
            shown = host if str(address) == host.strip("[]") else f"{host} ({address})"
            raise OutboundRefused(f"{shown} is a {kind} address{NEEDS_ALLOWLIST}")


def _addresses(answers: Iterable[str]) -> list[IPAddress]:
    # getaddrinfo gives scoped IPv6 link-local answers as "fe80::1%eth0"
    return [ipaddress.ip_address(answer.split("%", 1)[0]) for answer in answers]

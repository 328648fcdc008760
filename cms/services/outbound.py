"""Requests the server makes on an editor's or admin's say-so (media import, webhooks), without
becoming a proxy into our own network.

Only http(s). The host is resolved once, every address it resolves to must be public (loopback,
private, link-local, cloud metadata and other reserved ranges are refused), and the request goes
to that checked address: a DNS answer that changes between check and connect (rebinding) cannot
redirect it. Callers that follow redirects check each target again with `pinned_request`.

`allowed_networks` admits chosen private ranges anyway; it is empty in production. The tests set
it to loopback because the only HTTP server a test may run listens there.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from cms.errors import CmsError

Resolver = Callable[[str, int], Awaitable[list[str]]]
Networks = Sequence[IPv4Network | IPv6Network]


class AddressRefused(CmsError):
    code = "ADDRESS_REFUSED"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_allowed_address(address: str, allowed_networks: Networks = ()) -> bool:
    ip: IPv4Address | IPv6Address = ipaddress.ip_address(address)
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


async def checked_address(url: str, allowed_networks: Networks, resolver: Resolver) -> str:
    """The public address `url`'s host resolves to, or `AddressRefused` saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("Give an http:// or https:// address.")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await resolver(host, port)
    except OSError as error:
        raise AddressRefused(f"The host {host!r} could not be resolved.") from error
    if not addresses or not all(is_allowed_address(a, allowed_networks) for a in addresses):
        raise AddressRefused(
            f"The host {host!r} is not on the public internet; only public addresses are allowed."
        )
    return addresses[0]


async def pinned_request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    allowed_networks: Networks = (),
    resolver: Resolver = system_resolver,
    **options: Any,
) -> httpx.Request:
    """A request to the checked address of `url`'s host, with the host's name for the `Host`
    header and TLS (SNI and certificate check)."""
    address = await checked_address(url, allowed_networks, resolver)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = f"[{address}]" if ":" in address else address
    target = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    headers = {**options.pop("headers", {}), "Host": parts.netloc.rsplit("@", 1)[-1]}
    return client.build_request(method, target, headers=headers, extensions=extensions, **options)

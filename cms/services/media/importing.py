"""Downloading agency pictures for `importMedia` without becoming a proxy into our own network.

Only http(s). Each hop's host is resolved once, every address it resolves to must be public
(loopback, private, link-local, cloud metadata and other reserved ranges are refused), and the
connection goes to that checked address: a DNS answer that changes between check and connect
(rebinding) cannot redirect it. Redirects are followed by hand, each target checked again. The
body is read in chunks up to the size limit, and the whole download has one deadline.

`allowed_networks` admits chosen private ranges anyway; it is empty in production. The tests set
it to loopback because the only HTTP server a test may run listens there.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from cms.errors import CmsError

Resolver = Callable[[str, int], Awaitable[list[str]]]
MAX_REDIRECTS = 5


class ImportRefused(CmsError):
    code = "IMPORT_REFUSED"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_allowed_address(
    address: str, allowed_networks: Sequence[IPv4Network | IPv6Network] = ()
) -> bool:
    ip: IPv4Address | IPv6Address = ipaddress.ip_address(address)
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True, slots=True)
class Download:
    data: bytes
    url: str
    filename: str | None


@dataclass(frozen=True, slots=True)
class Importer:
    max_bytes: int
    timeout_seconds: float
    allowed_networks: Sequence[IPv4Network | IPv6Network] = ()
    resolver: Resolver = system_resolver

    async def fetch(self, url: str) -> Download:
        try:
            async with asyncio.timeout(self.timeout_seconds):
                return await self._follow(url)
        except TimeoutError as error:
            raise ImportRefused(
                f"The download took longer than {self.timeout_seconds:g} seconds."
            ) from error
        except httpx.HTTPError as error:
            raise ImportRefused(f"The picture could not be downloaded: {error}.") from error

    async def _follow(self, url: str) -> Download:
        async with httpx.AsyncClient(trust_env=False, timeout=self.timeout_seconds) as client:
            for _ in range(MAX_REDIRECTS + 1):
                request = await self._request(client, url)
                response = await client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise ImportRefused(f"The server answered {response.status_code}.")
                    data = await self._read(response)
                finally:
                    await response.aclose()
                name = urlsplit(url).path.rsplit("/", 1)[-1] or None
                return Download(data=data, url=url, filename=name)
        raise ImportRefused(f"More than {MAX_REDIRECTS} redirects.")

    async def _request(self, client: httpx.AsyncClient, url: str) -> httpx.Request:
        """A request to the checked address of `url`'s host, with the host's name for the
        `Host` header and TLS (SNI and certificate check)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImportRefused("Only http and https addresses can be imported.")
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = await self.resolver(host, port)
        except OSError as error:
            raise ImportRefused(f"The host {host!r} could not be resolved.") from error
        if not addresses or not all(
            is_allowed_address(a, self.allowed_networks) for a in addresses
        ):
            raise ImportRefused(
                f"The host {host!r} is not on the public internet; only public addresses "
                "can be imported."
            )
        address = addresses[0]
        literal = f"[{address}]" if ":" in address else address
        target = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        return client.build_request(
            "GET", target, headers={"Host": parts.netloc.rsplit("@", 1)[-1]}, extensions=extensions
        )

    async def _read(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if (
            declared is not None
            and declared.isascii()
            and declared.isdigit()
            and int(declared) > self.max_bytes
        ):
            raise ImportRefused(f"The file is larger than {self.max_bytes:,} bytes.")
        chunks: list[bytes] = []
        received = 0
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > self.max_bytes:
                raise ImportRefused(f"The file is larger than {self.max_bytes:,} bytes.")
            chunks.append(chunk)
        return b"".join(chunks)

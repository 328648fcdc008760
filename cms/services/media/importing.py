"""Downloading agency pictures for `importMedia` without becoming a proxy into our own network.

The address checks (only http(s), only public addresses, the connection pinned to the checked
address) live in `cms.services.outbound`, shared with webhooks. Redirects are followed by hand,
each target checked again. The body is read in chunks up to the size limit, and the whole
download has one deadline.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from urllib.parse import urljoin, urlsplit

import httpx

from cms.errors import CmsError
from cms.services.outbound import (
    AddressRefused,
    Resolver,
    is_allowed_address,
    pinned_request,
    system_resolver,
)

__all__ = ["Download", "ImportRefused", "Importer", "is_allowed_address"]
MAX_REDIRECTS = 5


class ImportRefused(CmsError):
    code = "IMPORT_REFUSED"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


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
        try:
            return await pinned_request(
                client, "GET", url, allowed_networks=self.allowed_networks, resolver=self.resolver
            )
        except AddressRefused as error:
            raise ImportRefused(error.message) from error

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

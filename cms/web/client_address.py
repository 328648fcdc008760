"""Who a request comes from, for rate limits and logs: the peer's address, or, when the peer is
one of `CMS_TRUSTED_PROXIES`, the address its `X-Forwarded-For` names.

The header is read from the right: each proxy appends the address it was called from, so the
entries right of the client are the trusted proxies' own hops, and whatever is left of the first
untrusted address was written by the client and may be forged. A header from a peer that is not
listed is ignored, as is a malformed one (an entry that is not an address): the peer is named.
"""

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.types import Scope

Network = IPv4Network | IPv6Network

_STATE_KEY = "cms.client"


def _parsed(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


class ClientAddresses:
    """Resolves a request's client address once, and remembers it in the request's scope."""

    def __init__(self, trusted: Sequence[Network]) -> None:
        self.trusted = tuple(trusted)

    def _is_trusted(self, address: IPv4Address | IPv6Address) -> bool:
        return any(address in network for network in self.trusted)

    def __call__(self, scope: Scope) -> str:
        state = scope.setdefault("state", {})
        found: str | None = state.get(_STATE_KEY)
        if found is None:
            found = state[_STATE_KEY] = self._resolve(scope)
        return found

    def _resolve(self, scope: Scope) -> str:
        client = scope.get("client")
        peer = client[0] if client else ""
        if not self.trusted:
            return peer
        peer_address = _parsed(peer)
        if peer_address is None or not self._is_trusted(peer_address):
            return peer
        forwarded = b",".join(
            value for name, value in scope["headers"] if name == b"x-forwarded-for"
        )
        if not forwarded:
            return peer
        hops = [_parsed(entry) for entry in forwarded.decode("latin-1").split(",")]
        if any(hop is None for hop in hops):
            return peer
        for hop in reversed(hops):
            assert hop is not None
            if not self._is_trusted(hop):
                return str(hop)
        return str(hops[0])

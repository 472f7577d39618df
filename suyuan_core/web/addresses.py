"""Which address a request comes from, with ``X-Forwarded-For`` believed only from the reverse
proxies the deployment names (``[web] trusted_proxies``), and the address of the request being
served now, for the audit log (``suyuan_core.accounts.audit`` fills it into every row)."""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

#: the client address of the request being served in this context (None outside a request).
CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("suyuan_client", default=None)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(64)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(t, strict=False) for t in trusted)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(scope: Any, trusted: Sequence[str]) -> str:
    client = scope.get("client")
    peer = str(client[0]) if client else "-"
    networks = _networks(tuple(trusted))
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded: list[str] = []
    for name, value in scope.get("headers", []):
        if name.lower() == b"x-forwarded-for":
            forwarded += [v.strip() for v in value.decode("latin-1").split(",") if v.strip()]
    for hop in reversed(forwarded):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a malformed hop: record the proxy, not a made-up address
    return forwarded[0] if forwarded else peer

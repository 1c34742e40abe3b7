"""The guarded outbound HTTP client of docs/api.md §6, used for media downloads and (later) webhook deliveries.

Every request's host is resolved by the transport itself and each address is checked before connecting; the
connection then goes to the checked address (with the original Host header and TLS server name), so a DNS answer
that changes between check and connect (rebinding) cannot reach a blocked network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from aftercall import __version__

MAX_REDIRECTS = 5
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class BlockedAddressError(httpx.ConnectError):
    """The destination resolves to an address outbound requests may not reach."""


def blocked_reason(address: IPAddress) -> str | None:
    """Why an address is off limits (loopback, private, link-local, CGNAT, ...), or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or _nat64_embedded(address)
        if embedded is not None:
            return blocked_reason(embedded)
    checks = (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def _nat64_embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Cheap checks of a URL before any request: scheme, host, and a literal blocked address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "must be an http or https URL"
    if not parts.hostname:
        return "must name a host"
    if allow_private:
        return None
    if parts.hostname == "localhost" or parts.hostname.endswith(".localhost"):
        return "must not point at localhost (set AFTERCALL_ALLOW_PRIVATE_URLS=true for local development)"
    try:
        reason = blocked_reason(ipaddress.ip_address(parts.hostname))
    except ValueError:
        return None
    if reason:
        return f"must not point at a {reason} address (set AFTERCALL_ALLOW_PRIVATE_URLS=true for local development)"
    return None


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that resolves, checks and pins the destination address of every request."""

    def __init__(self, *, allow_private: bool = False, resolver: Resolver = system_resolver) -> None:
        self._inner = httpx.HTTPTransport()
        self._allow_private = allow_private
        self._resolver = resolver

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._allow_private:
            return self._inner.handle_request(request)
        host = request.url.host
        address = self._checked_address(request, host)
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=address),
            headers=request.headers,
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": host},
        )
        return self._inner.handle_request(pinned)

    def _checked_address(self, request: httpx.Request, host: str) -> str:
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        try:
            addresses = self._resolver(host, port)
        except OSError as exc:
            raise httpx.ConnectError(f"cannot resolve {host} ({exc})", request=request) from exc
        if not addresses:
            raise httpx.ConnectError(f"cannot resolve {host}", request=request)
        for text in addresses:
            reason = blocked_reason(ipaddress.ip_address(text.split("%")[0]))
            if reason:
                raise BlockedAddressError(f"{host} resolves to {text}, a {reason} address", request=request)
        return addresses[0]

    def close(self) -> None:
        self._inner.close()


def guarded_client(
    *, allow_private: bool, follow_redirects: bool, timeout: float, resolver: Resolver = system_resolver
) -> httpx.Client:
    """An httpx client for untrusted destinations; redirects, when followed, are checked hop by hop."""
    return httpx.Client(
        transport=GuardedTransport(allow_private=allow_private, resolver=resolver),
        follow_redirects=follow_redirects,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        trust_env=False,
        headers={"User-Agent": f"aftercall/{__version__}"},
    )

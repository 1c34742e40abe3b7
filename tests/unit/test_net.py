import ipaddress

import httpx
import pytest

from aftercall.net import BlockedAddressError, blocked_reason, guarded_client, url_problem
from tests.media_server import media_server


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("100.64.0.1", "not globally routable"),  # CGNAT
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("255.255.255.255", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
    ],
)
def test_blocked_ranges(address, reason):
    assert blocked_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a.mp3", None),
        ("ftp://example.com/a.mp3", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("https:///nohost", "must name a host"),
        ("http://localhost:8000/a", "localhost"),
        ("http://127.0.0.1/a", "loopback"),
        ("http://[::1]/a", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
    ],
)
def test_url_problems_before_any_request(url, expected):
    problem = url_problem(url, allow_private=False)
    assert problem == expected if expected is None else expected in problem


def test_the_override_allows_private_literals_for_development():
    assert url_problem("http://127.0.0.1/a", allow_private=True) is None


def test_a_name_resolving_to_loopback_is_refused_at_connect_time():
    """DNS rebinding: the name looks harmless, the address it resolves to is checked when connecting."""
    with media_server() as base:
        port = httpx.URL(base).port
        rebinding = lambda host, port: ["127.0.0.1"]  # noqa: E731
        client = guarded_client(allow_private=False, follow_redirects=True, timeout=5, resolver=rebinding)
        with client, pytest.raises(BlockedAddressError, match=r"resolves to 127\.0\.0\.1, a loopback address"):
            client.get(f"http://media.example:{port}/media/speech.wav")


def test_a_mixed_answer_with_any_blocked_address_is_refused():
    mixed = lambda host, port: ["93.184.216.34", "10.0.0.5"]  # noqa: E731
    client = guarded_client(allow_private=False, follow_redirects=True, timeout=5, resolver=mixed)
    with client, pytest.raises(BlockedAddressError, match=r"10\.0\.0\.5"):
        client.get("http://media.example/a.wav")


def test_redirects_are_followed_up_to_five_hops():
    with media_server() as base, guarded_client(allow_private=True, follow_redirects=True, timeout=5) as client:
        assert client.get(f"{base}/redirect/5/speech.wav").status_code == 200
        with pytest.raises(httpx.TooManyRedirects):
            client.get(f"{base}/redirect/6/speech.wav")

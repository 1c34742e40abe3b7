"""Signatures that a Daily receiver verifies, and the byte-exact JSON they are computed over.

Daily's receivers verify ``base64(HMAC-SHA256(base64decode(hmac), timestamp + "." + JSON.stringify(body)))``,
re-serialising the JSON they parsed, so the bytes we send must be exactly what JavaScript's ``JSON.stringify``
prints: no spaces, non-ASCII as is, and numbers in ECMAScript's format (``1.0`` is ``1``, ``1e-7`` not ``1e-07``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
from typing import Any


def js_number(value: float) -> str:
    """ECMAScript's Number::toString for a finite double (what ``JSON.stringify`` prints)."""
    if not math.isfinite(value):
        raise ValueError("JSON has no NaN or Infinity")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    fraction = fraction.rstrip("0")
    if whole != "0":
        digits, point = (whole + fraction).rstrip("0"), len(whole) + int(exponent or 0)
    else:
        digits = fraction.lstrip("0")
        point = -(len(fraction) - len(digits)) + int(exponent or 0)
    k = len(digits)
    if k <= point <= 21:
        text = digits + "0" * (point - k)
    elif 0 < point <= 21:
        text = f"{digits[:point]}.{digits[point:]}"
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        e = point - 1
        text = f"{digits[0]}{'.' + digits[1:] if k > 1 else ''}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + text


def canonical_json(value: Any) -> bytes:
    """Compact UTF-8 JSON identical to ``JSON.stringify(JSON.parse(it))`` in JavaScript."""
    return _encode(value).encode()


def _encode(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_encode(str(k))}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base64 ``hmac``; ValueError if it is not base64."""
    try:
        key = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("must be base64") from exc
    if not key:
        raise ValueError("must not be empty")
    return key


def _mac(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def signature_headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Daily's ``X-Webhook-*`` headers and the Standard Webhooks ``webhook-*`` headers, with one key."""
    key = decode_secret(secret)
    return {
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": _mac(key, f"{timestamp}.".encode() + body),
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + _mac(key, f"{event_id}.{timestamp}.".encode() + body),
    }

"""Sign and verify Case.dev webhook deliveries (the Standard Webhooks v1 and v1a schemes).

ASSUMPTION (see ``docs/delivery-contract.md``): Case.dev signs deliveries the way the
Standard Webhooks specification does, with ``case-webhook-*`` header names. The secret is
``whsec_<base64>``; the HMAC-SHA256 key is the base64-decoded part after ``whsec_``; the
signed content is ``{id}.{timestamp}.{raw body}``; the signature header holds one or more
space-separated ``v1,<base64 signature>`` entries. The header prefix is a parameter, so
``Webhook(secret, header_prefix="webhook")`` speaks plain Standard Webhooks.

The asymmetric ``v1a`` scheme signs the same content with ed25519: a ``whsk_<base64>``
signing key (the 32-byte seed, or libsodium's 64 bytes of seed and public key) signs, a
``whpk_<base64>`` public key (32 bytes) verifies, and entries read ``v1a,<base64 of the
64-byte signature>``. One signature header may mix ``v1`` and ``v1a`` entries.

:meth:`Webhook.verify` fails closed and raises nothing but
:class:`~conformance.WebhookVerificationError`, whatever bytes and headers it is given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .._errors import UsageError, WebhookVerificationError, safe_repr

#: Seconds a delivery's timestamp may differ from the receiver's clock, either way.
DEFAULT_TOLERANCE: Final = 300
#: The Case.dev header prefix (ASSUMPTION: inferred from the docs, not verbatim).
DEFAULT_HEADER_PREFIX: Final = "case-webhook"
SECRET_PREFIX: Final = "whsec_"
#: Standard Webhooks v1a (ed25519) key prefixes: signing (secret) and public key.
SIGNING_KEY_PREFIX: Final = "whsk_"
PUBLIC_KEY_PREFIX: Final = "whpk_"
#: Longest signature header accepted; longer ones are rejected before any HMAC work.
MAX_SIGNATURE_HEADER: Final = 8192
#: Longest id header accepted.
MAX_ID_LENGTH: Final = 256
#: Largest tolerance accepted: a week. A larger one would accept replays for so long
#: that it amounts to no timestamp check at all, so it is refused rather than honoured.
MAX_TOLERANCE: Final = 7 * 24 * 3600

#: Unix seconds as verify() accepts them: up to 12 digits (beyond the year 30000).
MAX_TIMESTAMP_DIGITS = 12
_TIMESTAMP = re.compile(rf"[0-9]{{1,{MAX_TIMESTAMP_DIGITS}}}")
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# orjson turns integers beyond 64 bits into floats; json.loads keeps them exact. A run of
# 19 digits is the shortest that can overflow (a negative 19-digit number), so bodies
# with one are parsed by json.loads: verify() returns exactly what json.loads returns.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
#: Length of an ed25519 signature, and so of every v1a entry's decoded bytes.
_ED25519_SIGNATURE = 64

if TYPE_CHECKING:
    from ..models import Event, UnknownEvent

# The codes WebhookVerificationError.code takes; documented in the README.
CODES: Final = (
    "missing-header",
    "bad-header",
    "bad-timestamp",
    "too-old",
    "too-new",
    "bad-signature-header",
    "no-matching-signature",
    "bad-body",
)


def decode_secret(secret: str | bytes) -> bytes:
    """Return the HMAC key for one secret: ``whsec_<base64>``, bare base64, or raw bytes.

    Raises ``UsageError`` for an empty secret or one that is not base64.
    """
    if isinstance(secret, (bytes, bytearray)):
        key = bytes(secret)
    elif isinstance(secret, str):
        text = secret.strip().removeprefix(SECRET_PREFIX)
        text += "=" * (-len(text) % 4)
        try:
            key = base64.b64decode(text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise UsageError(
                "a webhook secret must be 'whsec_' followed by base64 (as Case.dev shows it), "
                "bare base64, or raw key bytes"
            ) from None
    else:
        raise UsageError(
            f"Expected a secret as str or bytes, but got secret={safe_repr(secret)} "
            f"(type={type(secret).__name__})"
        )
    if not key:
        raise UsageError("a webhook secret may not be empty")
    return key


def _unix_seconds(timestamp: int | datetime) -> int:
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None or timestamp.utcoffset() is None:
            raise UsageError(
                "Expected an aware datetime (with tzinfo), but got a naive one: "
                f"timestamp={safe_repr(timestamp)}"
            )
        return int(timestamp.timestamp() // 1)
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise UsageError(
            "Expected timestamp as Unix seconds (int) or an aware datetime, but got "
            f"timestamp={safe_repr(timestamp)} (type={type(timestamp).__name__})"
        )
    if not 0 <= timestamp < 10**MAX_TIMESTAMP_DIGITS:
        # sign() must never produce what verify() rejects.
        raise UsageError(
            f"Expected Unix seconds from 0 to {10**MAX_TIMESTAMP_DIGITS - 1}, but got "
            f"timestamp={safe_repr(timestamp)}"
        )
    return timestamp


def _body_bytes(body: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(body, str):
        return str.encode(body, "utf-8", "surrogatepass")
    if isinstance(body, (bytes, bytearray, memoryview)):
        try:
            # Through the buffer protocol: a subclass's __bytes__ cannot substitute bytes.
            return memoryview(body).tobytes()
        except ValueError:  # a released memoryview
            raise TypeError(
                "Expected the raw request body, but got a released memoryview"
            ) from None
    raise TypeError(
        "Expected the raw request body as bytes (or str), but got "
        f"body of type {type(body).__name__}; verify the bytes you received, never "
        "re-serialized JSON"
    )


def _text(value: Any) -> str | None:
    """The exact text of a header name or value; None for anything but str or bytes.

    Base-class methods are called unbound so a hostile subclass cannot run its own code.
    """
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes.decode(memoryview(value).tobytes(), "latin-1")
    return None


def _clock(now: object) -> float:
    """``now`` as Unix seconds; a non-finite or out-of-range clock is a usage error.

    A NaN clock compares false with everything, so it would pass both tolerance checks
    and accept a delivery of any age: refuse it instead of failing open.
    """
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        _unix_seconds(now)  # rejects a naive datetime
        seconds = now.timestamp()
    elif isinstance(now, (int, float)) and not isinstance(now, bool):
        try:
            seconds = float(now)
        except OverflowError:
            seconds = math.inf
    else:
        raise UsageError(
            f"Expected now as Unix seconds or an aware datetime, but got now={safe_repr(now)} "
            f"(type={type(now).__name__})"
        )
    if not (math.isfinite(seconds) and 0 <= seconds < 10**MAX_TIMESTAMP_DIGITS):
        raise UsageError(
            f"Expected now as finite Unix seconds from 0 to {10**MAX_TIMESTAMP_DIGITS - 1}, "
            f"but got now={safe_repr(now)}"
        )
    return seconds


def parse_body(raw: bytes) -> Any:
    """Parse a verified body exactly as ``json.loads(raw)`` would, fast where that is safe.

    Raises ``ValueError`` (or ``RecursionError`` for absurd nesting) where json.loads does,
    and also for ``NaN``, ``Infinity`` and ``-Infinity``, which json.loads takes but which
    are not JSON (RFC 8259): the verifier keeps rejecting them as before.
    """
    if not _LONG_DIGITS.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # json.loads also takes a BOM, UTF-16/32, 1e400 and lone surrogates
    return json.loads(raw, parse_constant=_not_json)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _has_items(headers: object) -> bool:
    try:
        return callable(getattr(headers, "items", None))
    except Exception:  # a hostile __getattr__: treat as a mapping and fail in items()
        return True


def _key_bytes(text: str, prefix: str, sizes: tuple[int, ...]) -> bytes:
    body = text.strip().removeprefix(prefix)
    body += "=" * (-len(body) % 4)
    try:
        key = base64.b64decode(body.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        key = b""
    if len(key) not in sizes:
        raise UsageError(
            f"a {prefix} key must be {prefix!r} followed by the base64 of "
            f"{' or '.join(map(str, sizes))} bytes"
        )
    return key


def signing_key(text: str) -> Ed25519PrivateKey:
    """The ed25519 private key of a ``whsk_`` string (32-byte seed, or seed and public
    key as libsodium writes it; the public half must then match)."""
    raw = _key_bytes(text, SIGNING_KEY_PREFIX, (32, 64))
    key = Ed25519PrivateKey.from_private_bytes(raw[:32])
    if len(raw) == 64 and _public_bytes(key.public_key()) != raw[32:]:
        raise UsageError("a 64-byte whsk_ key must end with its own public key")
    return key


def public_key(text: str) -> Ed25519PublicKey:
    """The ed25519 public key of a ``whpk_`` string (32 bytes)."""
    return Ed25519PublicKey.from_public_bytes(_key_bytes(text, PUBLIC_KEY_PREFIX, (32,)))


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def new_signing_key() -> tuple[str, str]:
    """A fresh v1a key pair: ``(whsk_..., whpk_...)`` (the signing key is the seed)."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = _public_bytes(key.public_key())
    return (
        SIGNING_KEY_PREFIX + base64.b64encode(seed).decode("ascii"),
        PUBLIC_KEY_PREFIX + base64.b64encode(public).decode("ascii"),
    )


def _is_asymmetric(secret: object) -> bool:
    return isinstance(secret, str) and secret.strip().startswith(
        (SIGNING_KEY_PREFIX, PUBLIC_KEY_PREFIX)
    )


class Webhook:
    """Signs and verifies webhook deliveries for one or more secrets.

    ``secret_or_secrets`` is one secret or several (during a rotation the receiver
    holds the new and the previous secret and accepts a delivery signed with either).
    ``whsec_`` secrets (or raw bytes) sign and verify ``v1``; ``whsk_`` signing keys sign
    and verify ``v1a``; ``whpk_`` public keys only verify ``v1a``.
    ``tolerance`` is the largest clock difference, in seconds, accepted either way.
    ``header_prefix`` names the headers ``{prefix}-id``, ``{prefix}-timestamp`` and
    ``{prefix}-signature`` (``"webhook"`` for plain Standard Webhooks).
    """

    def __init__(
        self,
        secret_or_secrets: str | bytes | Iterable[str | bytes],
        *,
        tolerance: int = DEFAULT_TOLERANCE,
        header_prefix: str = DEFAULT_HEADER_PREFIX,
    ) -> None:
        if isinstance(secret_or_secrets, (str, bytes, bytearray)):
            secrets: list[str | bytes] = [secret_or_secrets]
        elif isinstance(secret_or_secrets, Iterable):
            secrets = list(secret_or_secrets)
        else:
            raise UsageError(
                "Expected a secret or a list of secrets, but got "
                f"secret_or_secrets={safe_repr(secret_or_secrets)} (type={type(secret_or_secrets).__name__})"
            )
        if not secrets:
            raise UsageError("Expected at least one webhook secret, but got none")
        self._keys: tuple[bytes, ...] = tuple(
            decode_secret(s) for s in secrets if not _is_asymmetric(s)
        )
        self._signers: tuple[Ed25519PrivateKey, ...] = tuple(
            signing_key(s) for s in secrets if isinstance(s, str) and s.strip().startswith("whsk_")
        )
        self._publics: tuple[Ed25519PublicKey, ...] = (
            *(k.public_key() for k in self._signers),
            *(
                public_key(s)
                for s in secrets
                if isinstance(s, str) and s.strip().startswith("whpk_")
            ),
        )
        if (
            isinstance(tolerance, bool)
            or not isinstance(tolerance, int)
            or not 0 <= tolerance <= MAX_TOLERANCE
        ):
            raise UsageError(
                f"Expected tolerance as whole seconds from 0 to {MAX_TOLERANCE}, but got "
                f"tolerance={safe_repr(tolerance)}"
            )
        if not isinstance(header_prefix, str) or not _VISIBLE_ASCII.fullmatch(header_prefix):
            raise UsageError(
                f"Expected a header name prefix, but got header_prefix={safe_repr(header_prefix)}"
            )
        self.tolerance = tolerance
        self.header_prefix = header_prefix.lower()
        self.id_header = f"{self.header_prefix}-id"
        self.timestamp_header = f"{self.header_prefix}-timestamp"
        self.signature_header = f"{self.header_prefix}-signature"

    def __repr__(self) -> str:
        return (
            f"<Webhook {len(self._keys)} secret(s), tolerance={self.tolerance}s, "
            f"headers {self.header_prefix}-*>"
        )

    def sign(
        self, msg_id: str, timestamp: int | datetime, body: bytes | bytearray | memoryview | str
    ) -> str:
        """Return the signature header value: one ``v1,<base64>`` entry per secret and
        one ``v1a,<base64>`` entry per signing key."""
        if not self._keys and not self._signers:
            raise UsageError("public keys (whpk_) only verify; signing needs a secret or whsk_ key")
        content = self._content(msg_id, str(_unix_seconds(timestamp)), _body_bytes(body))
        return self.sign_content(content)

    def sign_content(self, content: bytes) -> str:
        """The signature header for already assembled signed content
        (``{id}.{timestamp}.{body}``), for tests that need malformed parts signed."""
        entries = [f"v1,{base64.b64encode(sig).decode('ascii')}" for sig in self._digests(content)]
        entries += [
            f"v1a,{base64.b64encode(key.sign(content)).decode('ascii')}" for key in self._signers
        ]
        return " ".join(entries)

    def headers(
        self, msg_id: str, timestamp: int | datetime, body: bytes | bytearray | memoryview | str
    ) -> dict[str, str]:
        """The three signing headers for a delivery of ``body``."""
        seconds = _unix_seconds(timestamp)
        return {
            self.id_header: msg_id,
            self.timestamp_header: str(seconds),
            self.signature_header: self.sign(msg_id, seconds, body),
        }

    def verify(
        self,
        body: bytes | bytearray | memoryview | str,
        headers: Mapping[Any, Any],
        *,
        now: float | datetime | None = None,
    ) -> dict[str, Any]:
        """Check a delivery's signature and timestamp; return the parsed JSON object.

        ``body`` must be the raw request body, byte for byte. ``headers`` is any mapping;
        names are looked up case-insensitively. ``now`` (Unix seconds or an aware
        datetime) replaces the clock. Raises ``WebhookVerificationError`` whose ``code``
        is one of ``missing-header``, ``bad-header``, ``bad-timestamp``, ``too-old``,
        ``too-new``, ``bad-signature-header``, ``no-matching-signature``, ``bad-body``.

        The result is exactly what ``json.loads(body)`` returns (integers beyond 64 bits
        stay integers). Caller mistakes are not verification failures: ``TypeError`` for a
        body that is not bytes/str or headers that are not a mapping, ``UsageError`` for a
        ``now`` that is not finite Unix seconds (a NaN clock would accept any timestamp).
        """
        raw = _body_bytes(body)
        clock = _clock(now)  # a bad clock is the caller's mistake, whatever the delivery
        self._authenticate(raw, headers, clock)
        return self._parse(raw)

    def _authenticate(self, raw: bytes, headers: Mapping[Any, Any], clock: float) -> None:
        """Check the headers, the clock and the signature of ``raw``; raise on failure."""
        found = self._find_headers(headers)
        msg_id = found[self.id_header]
        stamp = found[self.timestamp_header]
        signatures = found[self.signature_header]
        if len(msg_id) > MAX_ID_LENGTH or not _VISIBLE_ASCII.fullmatch(msg_id):
            raise WebhookVerificationError(
                f"{self.id_header} must be 1 to {MAX_ID_LENGTH} visible ASCII characters",
                code="bad-header",
            )
        if not _TIMESTAMP.fullmatch(stamp):
            raise WebhookVerificationError(
                f"{self.timestamp_header} must be Unix seconds (ASCII digits)", code="bad-timestamp"
            )
        self._check_clock(int(stamp), clock)
        candidates = self._parse_signatures(signatures)
        content = self._content(msg_id, stamp, raw)
        matched = False
        for expected in self._digests(content):
            for candidate in candidates:
                # Compare against every entry (no early exit) in constant time per entry.
                matched |= hmac.compare_digest(expected, candidate)
        if not matched:
            matched = self._asymmetric_match(content, signatures)
        if not matched:
            raise WebhookVerificationError(
                "no signature matches the body with any of the receiver's secrets",
                code="no-matching-signature",
            )

    @staticmethod
    def _parse(raw: bytes) -> dict[str, Any]:
        """The verified body as a JSON object (``bad-body`` otherwise)."""
        try:
            parsed = parse_body(raw)
        except (ValueError, RecursionError):
            raise WebhookVerificationError("the body is not JSON", code="bad-body") from None
        if not isinstance(parsed, dict):
            raise WebhookVerificationError("the body is not a JSON object", code="bad-body")
        return parsed

    # -- helpers -------------------------------------------------------------------

    def _content(self, msg_id: str, stamp: str, body: bytes) -> bytes:
        if not isinstance(msg_id, str):
            raise UsageError(f"Expected msg_id as str, but got msg_id={safe_repr(msg_id)}")
        return f"{msg_id}.{stamp}.".encode("utf-8", "surrogatepass") + body

    def _digests(self, content: bytes) -> list[bytes]:
        return [hmac.new(key, content, hashlib.sha256).digest() for key in self._keys]

    def _find_headers(self, headers: Mapping[Any, Any]) -> dict[str, str]:
        if not isinstance(headers, Mapping) and not _has_items(headers):
            raise TypeError(
                f"Expected headers as a mapping, but got headers of type {type(headers).__name__}"
            )
        wanted = (self.id_header, self.timestamp_header, self.signature_header)
        found: dict[str, str] = {}
        try:
            # Whatever a hostile mapping does (raise, yield non-pairs) is a rejection.
            items = [(k, v) for k, v in headers.items()]
        except Exception:
            raise WebhookVerificationError(
                "the headers cannot be read", code="bad-header"
            ) from None
        for key, value in items:
            name = _text(key)
            if name is None:
                continue
            name = str.lower(str.strip(name))
            if name not in wanted:
                continue
            text = _text(value)
            if text is None:
                raise WebhookVerificationError(f"{name} is not a string", code="bad-header")
            if name in found:
                raise WebhookVerificationError(f"{name} appears more than once", code="bad-header")
            found[name] = str.strip(text)
        for name in wanted:
            if not found.get(name):
                raise WebhookVerificationError(f"missing header {name}", code="missing-header")
        return found

    def _check_clock(self, seconds: int, clock: float) -> None:
        if seconds < clock - self.tolerance:
            raise WebhookVerificationError(
                f"{self.timestamp_header} is more than {self.tolerance} s in the past "
                "(a replay or a slow clock)",
                code="too-old",
            )
        if seconds > clock + self.tolerance:
            raise WebhookVerificationError(
                f"{self.timestamp_header} is more than {self.tolerance} s in the future",
                code="too-new",
            )

    def _parse_signatures(self, header: str) -> list[bytes]:
        if len(header) > MAX_SIGNATURE_HEADER:
            raise WebhookVerificationError(
                f"{self.signature_header} is longer than {MAX_SIGNATURE_HEADER} characters",
                code="bad-signature-header",
            )
        candidates: list[bytes] = []
        for entry in header.split():
            version, comma, signature = entry.partition(",")
            # Unknown versions are skipped: a future scheme may sign alongside v1.
            if not comma or version != "v1" or not _BASE64.fullmatch(signature):
                continue
            try:
                decoded = base64.b64decode(signature, validate=True)
            except (binascii.Error, ValueError):
                continue
            candidates.append(decoded)
        if not candidates and not self._v1a_entries(header):
            raise WebhookVerificationError(
                f"{self.signature_header} holds no well-formed 'v1,<base64>' or "
                "'v1a,<base64>' entry",
                code="bad-signature-header",
            )
        return candidates

    @staticmethod
    def _v1a_entries(header: str) -> list[bytes]:
        """The well-formed ``v1a`` signatures of a header (64 bytes each)."""
        found: list[bytes] = []
        for entry in header.split():
            version, comma, signature = entry.partition(",")
            if not comma or version != "v1a" or not _BASE64.fullmatch(signature):
                continue
            try:
                decoded = base64.b64decode(signature, validate=True)
            except (binascii.Error, ValueError):
                continue
            if len(decoded) == _ED25519_SIGNATURE:
                found.append(decoded)
        return found

    def _asymmetric_match(self, content: bytes, header: str) -> bool:
        """Whether a ``v1a`` entry of ``header`` is a signature of ``content`` by one of
        the receiver's public keys (the header's length was checked already)."""
        if not self._publics:
            return False
        for signature in self._v1a_entries(header):
            for key in self._publics:
                try:
                    key.verify(signature, content)
                except InvalidSignature:
                    continue
                return True
        return False

    # -- typed payloads ---------------------------------------------------------------

    def unwrap(
        self,
        body: bytes | bytearray | memoryview | str,
        headers: Mapping[Any, Any],
        *,
        now: float | datetime | None = None,
    ) -> Event | UnknownEvent:
        """Verify a delivery, then decode it to its typed model in one call.

        Returns a ``conformance.models`` Struct (``UnknownEvent`` for a type the catalog
        does not know). Raises ``WebhookVerificationError`` as :meth:`verify` does for
        the headers, clock and signature, then ``ValidationError`` (with the JSON
        pointer) if the verified body breaks the envelope or its event's schema, which
        includes a body that is not a JSON object (the body is parsed once, by the
        typed decoder).
        """
        from .. import models  # the models module is only paid for by its users

        raw = _body_bytes(body)
        self._authenticate(raw, headers, _clock(now))
        return models.decode(raw)

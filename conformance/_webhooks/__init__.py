"""Signed webhooks: signing and verifying, HTTP transports (in-process and over a URL),
and fuzzing of HTTP receivers."""

from __future__ import annotations

from ._http import HttpRequest, URLTransport, load_request, request_headers, transport_for
from ._receiver import DEFAULT_EXAMPLES_PER_EVENT, DEFAULT_TIME_LIMIT, fuzz_receiver
from ._send import sample_payloads, saved_request, signed_deliveries
from ._signing import (
    DEFAULT_HEADER_PREFIX,
    DEFAULT_TOLERANCE,
    MAX_ID_LENGTH,
    MAX_TOLERANCE,
    PUBLIC_KEY_PREFIX,
    SIGNING_KEY_PREFIX,
    Webhook,
    decode_secret,
    new_signing_key,
)

__all__ = [
    "DEFAULT_EXAMPLES_PER_EVENT",
    "DEFAULT_HEADER_PREFIX",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_TOLERANCE",
    "MAX_ID_LENGTH",
    "MAX_TOLERANCE",
    "PUBLIC_KEY_PREFIX",
    "SIGNING_KEY_PREFIX",
    "HttpRequest",
    "URLTransport",
    "Webhook",
    "decode_secret",
    "fuzz_receiver",
    "load_request",
    "new_signing_key",
    "request_headers",
    "sample_payloads",
    "saved_request",
    "signed_deliveries",
    "transport_for",
]

"""Webhook.verify never fails open and never changes the payload, whatever it is given.

The laws: over arbitrary bodies, header mappings (hostile ones included) and clocks,
verify() raises only WebhookVerificationError, the documented TypeError (a body that is
not bytes, headers that are not a mapping) or UsageError (a clock that is not finite
Unix seconds); and whenever it returns, the result is exactly ``json.loads(body)``.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import UsageError, Webhook, WebhookVerificationError

KEY = bytes(range(32))
SECRET = "whsec_" + base64.b64encode(KEY).decode()
NOW = 1_777_000_000


class Boom(Exception):
    """Raised by hostile objects."""


class RaisingStr(str):
    """A header name or value whose string methods raise."""

    __slots__ = ()

    def strip(self, *args: Any) -> str:
        raise Boom

    def lower(self) -> str:
        raise Boom

    def __str__(self) -> str:
        raise Boom


class HostileMapping(Mapping[Any, Any]):
    """A mapping whose methods raise or return nonsense."""

    def __init__(self, mode: str, inner: dict[Any, Any]) -> None:
        self.mode, self.inner = mode, inner

    def __getitem__(self, key: Any) -> Any:
        raise Boom

    def __iter__(self) -> Iterator[Any]:
        raise Boom

    def __len__(self) -> int:
        raise Boom

    def items(self) -> Any:  # type: ignore[override]
        if self.mode == "raises":
            raise Boom
        if self.mode == "not-pairs":
            return [("a", "b", "c"), 7]
        if self.mode == "not-iterable":
            return 42
        return list(self.inner.items())


def long_int_bodies() -> st.SearchStrategy[bytes]:
    """Signed-looking JSON objects with integers beyond 64 bits, in several encodings."""
    big = st.integers(min_value=-(10**40), max_value=10**40) | st.sampled_from(
        [2**63, -(2**63) - 1, 2**64, -(10**18) * 10, 123456789012345678901234567890]
    )
    value = st.recursive(
        st.none() | st.booleans() | big | st.floats(allow_nan=False) | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=6,
    )
    encoding = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"])
    return st.builds(
        lambda obj, enc: json.dumps(obj).encode(enc),
        st.dictionaries(st.text(max_size=4), value, max_size=4),
        encoding,
    )


bodies = (
    st.binary(max_size=200)
    | long_int_bodies()
    | st.sampled_from(
        [b"{}", b'{"a": NaN}', b'{"a": 1e400}', b"[" * 5000 + b"]" * 5000, b'{"a":"\\ud800"}']
    )
)
header_text = st.text(max_size=20) | st.binary(max_size=20) | st.integers() | st.none()
clocks = (
    st.floats()
    | st.integers(min_value=-(10**13), max_value=10**13)
    | st.just(NOW)
    | st.just(10**5000)
    | st.datetimes(timezones=st.just(UTC))
    | st.datetimes()  # naive: a usage error
    | st.sampled_from(["now", None, True])
)


def clock_is_valid(now: object) -> bool:
    if now is None:
        return True
    if isinstance(now, datetime):
        return now.tzinfo is not None and 0 <= now.timestamp() < 10**12
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        return False
    try:
        return math.isfinite(float(now)) and 0 <= now < 10**12
    except OverflowError:
        return False


@settings(max_examples=200)
@given(
    body=bodies,
    extra=st.dictionaries(header_text, header_text, max_size=4),
    sign_it=st.booleans(),
    hostile=st.sampled_from(["none", "raises", "not-pairs", "not-iterable", "items", "str"]),
    now=clocks,
)
def test_verify_raises_only_documented_errors_and_returns_json_loads(
    body: bytes, extra: dict[Any, Any], sign_it: bool, hostile: str, now: Any
) -> None:
    webhook = Webhook(SECRET)
    stamp = NOW
    if isinstance(now, datetime) and now.tzinfo is not None:
        stamp = max(0, min(int(now.timestamp()), 10**12 - 1))
    elif isinstance(now, (int, float)) and not isinstance(now, bool) and clock_is_valid(now):
        stamp = int(now)
    headers: Any = dict(extra)
    if sign_it:
        headers.update(webhook.headers("msg_1", stamp, body))
    if hostile == "str":
        headers = {RaisingStr(k): RaisingStr(v) for k, v in headers.items() if isinstance(k, str)}
    elif hostile != "none":
        headers = HostileMapping(hostile, headers)
    try:
        result = webhook.verify(body, headers, now=now)
    except WebhookVerificationError:
        assert clock_is_valid(now)
        return
    except UsageError:
        assert not clock_is_valid(now)
        return
    assert clock_is_valid(now)
    expected = json.loads(body)
    # repr tells 1 from 1.0 and -0.0 from 0.0, which == would not.
    assert repr(result) == repr(expected)


@pytest.mark.parametrize(
    "number",
    [123456789012345678901234567890, -9223372036854775809, 2**64, -(2**200)],
)
def test_verify_keeps_integers_beyond_64_bits(number: int) -> None:
    webhook = Webhook(SECRET)
    body = json.dumps({"data": {"n": number}}).encode()
    result = webhook.verify(body, webhook.headers("msg_1", NOW, body), now=NOW)
    assert result["data"]["n"] == number
    assert type(result["data"]["n"]) is int


@pytest.mark.parametrize(
    "now",
    [float("nan"), float("inf"), -float("inf"), -1, 10**12, 10**400, "1777000000", True],
)
def test_a_clock_that_is_not_finite_unix_seconds_is_a_usage_error(now: Any) -> None:
    # A NaN clock compares false with everything: it used to accept a delivery of any age.
    webhook = Webhook(SECRET)
    old = webhook.headers("msg_1", NOW - 11 * 24 * 3600, b"{}")
    with pytest.raises(UsageError, match="now"):
        webhook.verify(b"{}", old, now=now)


@pytest.mark.parametrize("tolerance", [-1, 10**9, 1.5, float("nan"), float("inf"), True])
def test_a_tolerance_out_of_range_is_a_usage_error(tolerance: Any) -> None:
    with pytest.raises(UsageError, match="tolerance"):
        Webhook(SECRET, tolerance=tolerance)


def test_a_datetime_clock_still_works() -> None:
    webhook = Webhook(SECRET)
    moment = datetime.fromtimestamp(NOW, UTC)
    headers = webhook.headers("msg_1", moment - timedelta(seconds=10), b"{}")
    assert webhook.verify(b"{}", headers, now=moment) == {}


@pytest.mark.parametrize("headers", [None, 42, "case-webhook-id: x", [("a", "b")]])
def test_headers_that_are_not_a_mapping_are_a_type_error(headers: Any) -> None:
    with pytest.raises(TypeError, match="mapping"):
        Webhook(SECRET).verify(b"{}", headers, now=NOW)


@pytest.mark.parametrize("body", [None, 42, {"a": 1}, ["x"]])
def test_a_body_that_is_not_bytes_is_a_type_error(body: Any) -> None:
    with pytest.raises(TypeError, match="raw request body"):
        Webhook(SECRET).verify(body, {}, now=NOW)

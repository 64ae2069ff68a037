"""conformance.Webhook: signing, verification, rotation, and interop with standardwebhooks."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import standardwebhooks
from hypothesis import example, given
from hypothesis import strategies as st

from conformance import UsageError, Webhook, WebhookVerificationError
from conformance._webhooks._signing import CODES

KEY = bytes(range(32))
SECRET = "whsec_" + base64.b64encode(KEY).decode()
OTHER = "whsec_" + base64.b64encode(b"another secret, another key!").decode()
NOW = 1_777_000_000
BODY = b'{"id":"evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B","type":"vault.ingest.completed","data":{}}'

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


def signed(
    webhook: Webhook, body: bytes = BODY, stamp: int = NOW, msg_id: str = "msg_1"
) -> dict[str, str]:
    return webhook.headers(msg_id, stamp, body)


def code_of(webhook: Webhook, body: bytes, headers: dict[str, str], now: int = NOW) -> str:
    with pytest.raises(WebhookVerificationError) as info:
        webhook.verify(body, headers, now=now)
    return info.value.code


@given(
    st.dictionaries(st.text(), json_values, max_size=5),
    st.integers(0, 10**12 - 1),
    st.from_regex(r"[!-~]{1,40}", fullmatch=True),
)
def test_verify_returns_what_was_signed(event: dict[str, object], stamp: int, msg_id: str) -> None:
    webhook = Webhook(SECRET)
    body = json.dumps(event).encode()
    assert webhook.verify(body, webhook.headers(msg_id, stamp, body), now=stamp) == event


header_names = (
    st.sampled_from(
        ["case-webhook-id", "Case-Webhook-Timestamp", "CASE-WEBHOOK-SIGNATURE", "content-type"]
    )
    | st.text(max_size=30)
    | st.binary(max_size=20)
)
header_values = (
    st.text()
    | st.binary(max_size=50)
    | st.integers()
    | st.none()
    | st.from_regex(r"(v[0-9a-z]*,[A-Za-z0-9+/=]*\s*){0,4}", fullmatch=True)
    | st.from_regex(r"[0-9]{1,14}", fullmatch=True)
)


@given(
    st.binary(max_size=300), st.dictionaries(header_names, header_values, max_size=6), st.booleans()
)
def test_verify_raises_nothing_but_verification_errors(
    body: bytes, headers: dict[object, object], sign_it: bool
) -> None:
    webhook = Webhook([SECRET, OTHER])
    if sign_it:  # a correct signature over arbitrary bytes reaches the body checks
        headers = {**headers, **signed(Webhook(SECRET), body)}
    code: str | None = None
    try:
        result = webhook.verify(body, headers, now=NOW)
    except WebhookVerificationError as exc:
        code = exc.code
    else:
        assert isinstance(result, dict)
        assert sign_it
    assert code in {*CODES, None}


def test_sign_is_one_v1_entry_per_secret() -> None:
    one = Webhook(SECRET).sign("msg_1", NOW, BODY)
    two = Webhook([SECRET, OTHER]).sign("msg_1", NOW, BODY)
    assert one.startswith("v1,")
    assert two.split(" ")[0] == one
    assert len(two.split(" ")) == 2


def test_timestamp_may_be_an_aware_datetime_and_body_a_str() -> None:
    webhook = Webhook(SECRET)
    moment = datetime.fromtimestamp(NOW, timezone(timedelta(hours=-5)))
    assert webhook.sign("m", moment, BODY.decode()) == webhook.sign("m", NOW, BODY)


@pytest.mark.parametrize("stamp", [datetime(2026, 1, 1), -1, 1.5, True, "123"])
def test_bad_timestamps_for_sign_are_usage_errors(stamp: object) -> None:
    with pytest.raises(UsageError):
        Webhook(SECRET).sign("m", stamp, BODY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "secret",
    [SECRET, SECRET.removeprefix("whsec_"), SECRET.rstrip("="), KEY, f"  {SECRET} "],
)
def test_secret_forms_give_the_same_key(secret: str | bytes) -> None:
    assert Webhook(secret).sign("m", NOW, BODY) == Webhook(SECRET).sign("m", NOW, BODY)


@pytest.mark.parametrize("secret", ["", "whsec_", "whsec_not*base64", "whsec_ünïcode", b"", [], 42])
def test_bad_secrets_are_usage_errors(secret: object) -> None:
    with pytest.raises(UsageError):
        Webhook(secret)  # type: ignore[arg-type]


def test_header_lookup_is_case_insensitive_and_takes_bytes() -> None:
    webhook = Webhook(SECRET)
    headers = signed(webhook)
    shouted = {k.upper(): v for k, v in headers.items()}
    raw = {k.encode(): v.encode() for k, v in headers.items()}
    assert webhook.verify(BODY, shouted, now=NOW) == webhook.verify(BODY, raw, now=NOW)


def test_rotation_any_secret_any_position() -> None:
    old, new = Webhook(OTHER), Webhook(SECRET)
    receiver = Webhook([SECRET, OTHER])
    for sender in (old, new):
        assert receiver.verify(BODY, signed(sender), now=NOW)["type"] == "vault.ingest.completed"
    stranger = Webhook("whsec_" + base64.b64encode(b"x" * 24).decode())
    for entries in (["S", "O"], ["O", "S"], ["O", "O", "S"]):
        parts = {
            "S": new.sign("m", NOW, BODY),
            "O": stranger.sign("m", NOW, BODY),
        }
        header = " ".join(parts[e] for e in entries)
        headers = {**signed(new, msg_id="m"), "case-webhook-signature": header}
        assert Webhook(SECRET).verify(BODY, headers, now=NOW)
    only_stranger = {**signed(new), "case-webhook-signature": stranger.sign("msg_1", NOW, BODY)}
    assert code_of(Webhook(SECRET), BODY, only_stranger) == "no-matching-signature"


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-300, None), (300, None), (-301, "too-old"), (301, "too-new")],
)
def test_tolerance_is_inclusive_both_ways(offset: int, expected: str | None) -> None:
    webhook = Webhook(SECRET)
    headers = signed(webhook, stamp=NOW + offset)
    if expected is None:
        assert webhook.verify(BODY, headers, now=NOW)
    else:
        assert code_of(webhook, BODY, headers) == expected


def test_tolerance_is_configurable_and_now_defaults_to_the_clock() -> None:
    webhook = Webhook(SECRET, tolerance=10)
    assert code_of(webhook, BODY, signed(webhook, stamp=NOW - 11)) == "too-old"
    fresh = int(datetime.now(UTC).timestamp())
    assert webhook.verify(BODY, signed(webhook, stamp=fresh))
    assert code_of(webhook, BODY, signed(webhook, stamp=NOW), now=None) == "too-old"  # type: ignore[arg-type]


def _sig(headers: dict[str, str]) -> str:
    return headers["case-webhook-signature"].removeprefix("v1,")


CASES = {
    "missing id": (
        lambda h: {k: v for k, v in h.items() if k != "case-webhook-id"},
        BODY,
        "missing-header",
    ),
    "empty timestamp": (lambda h: {**h, "case-webhook-timestamp": ""}, BODY, "missing-header"),
    "no signature": (
        lambda h: {k: v for k, v in h.items() if "sig" not in k},
        BODY,
        "missing-header",
    ),
    "id with spaces": (lambda h: {**h, "case-webhook-id": "a b"}, BODY, "bad-header"),
    "id not a string": (lambda h: {**h, "case-webhook-id": 7}, BODY, "bad-header"),
    "unicode digits": (
        lambda h: {**h, "case-webhook-timestamp": "\u0661\u0667\u0667\u0667" + "\u0660" * 6},
        BODY,
        "bad-timestamp",
    ),
    "float timestamp": (
        lambda h: {**h, "case-webhook-timestamp": f"{NOW}.0"},
        BODY,
        "bad-timestamp",
    ),
    "negative timestamp": (
        lambda h: {**h, "case-webhook-timestamp": f"-{NOW}"},
        BODY,
        "bad-timestamp",
    ),
    "no comma": (lambda h: {**h, "case-webhook-signature": _sig(h)}, BODY, "bad-signature-header"),
    "unknown version": (
        lambda h: {**h, "case-webhook-signature": "v2," + _sig(h)},
        BODY,
        "bad-signature-header",
    ),
    "bad base64": (
        lambda h: {**h, "case-webhook-signature": "v1,***"},
        BODY,
        "bad-signature-header",
    ),
    "very long": (
        lambda h: {**h, "case-webhook-signature": "v1,AAAA " * 2000},
        BODY,
        "bad-signature-header",
    ),
    "truncated": (
        lambda h: {**h, "case-webhook-signature": "v1," + _sig(h)[:-4]},
        BODY,
        "no-matching-signature",
    ),
    "tampered body": (lambda h: h, BODY.replace(b"{}", b'{"a":1}'), "no-matching-signature"),
    "tampered id": (lambda h: {**h, "case-webhook-id": "msg_2"}, BODY, "no-matching-signature"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_codes(name: str) -> None:
    change, body, expected = CASES[name]
    webhook = Webhook(SECRET)
    assert code_of(webhook, body, change(signed(webhook))) == expected


@pytest.mark.parametrize(
    "body", [b"\xff\xfe{}", b"not json", b"", b"[1, 2]", b'"evt"', b"{" * 5000, b'{"a": NaN}']
)
def test_signed_bodies_that_are_not_json_objects_are_bad_body(body: bytes) -> None:
    webhook = Webhook(SECRET)
    assert code_of(webhook, body, signed(webhook, body=body)) == "bad-body"


def test_the_same_header_twice_is_rejected() -> None:
    webhook = Webhook(SECRET)
    headers: dict[object, object] = dict(signed(webhook))
    headers["CASE-WEBHOOK-ID"] = "msg_other"
    assert code_of(webhook, BODY, headers) == "bad-header"  # type: ignore[arg-type]


def test_header_prefix_is_configurable() -> None:
    plain = Webhook(SECRET, header_prefix="webhook")
    headers = plain.headers("m", NOW, BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert plain.verify(BODY, headers, now=NOW)
    assert code_of(Webhook(SECRET), BODY, headers) == "missing-header"


def test_verify_wants_the_raw_bytes() -> None:
    with pytest.raises(TypeError, match="raw request body"):
        Webhook(SECRET).verify(json.loads(BODY), signed(Webhook(SECRET)), now=NOW)  # type: ignore[arg-type]


# -- interop with the standardwebhooks package (the test oracle for the scheme) -------------


def to_standard(headers: dict[str, str]) -> dict[str, str]:
    return {k.replace("case-webhook-", "webhook-"): v for k, v in headers.items()}


def from_standard(headers: dict[str, str]) -> dict[str, str]:
    return {k.replace("webhook-", "case-webhook-"): v for k, v in headers.items()}


@given(
    st.dictionaries(st.text(), json_values, max_size=4),
    st.from_regex(r"msg_[A-Za-z0-9]{1,20}", fullmatch=True),
)
def test_standardwebhooks_verifies_what_we_sign(event: dict[str, object], msg_id: str) -> None:
    body = json.dumps(event, ensure_ascii=False).encode()
    now = int(datetime.now(UTC).timestamp())
    ours = Webhook(SECRET).headers(msg_id, now, body)
    assert standardwebhooks.Webhook(SECRET).verify(body, to_standard(ours)) == event


@given(
    st.dictionaries(st.text(), json_values, max_size=4),
    st.from_regex(r"msg_[A-Za-z0-9]{1,20}", fullmatch=True),
)
# Integers beyond 64 bits used to come back as floats; only some seeds drew one.
@example({"n": 123456789012345678901234567890, "m": -(2**63) - 1}, "msg_1")
def test_we_verify_what_standardwebhooks_signs(event: dict[str, object], msg_id: str) -> None:
    body = json.dumps(event, ensure_ascii=False)
    moment = datetime.now(UTC).replace(microsecond=0)
    theirs = standardwebhooks.Webhook(SECRET).sign(msg_id, moment, body)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": theirs,
    }
    assert Webhook(SECRET).verify(body.encode(), from_standard(headers)) == event
    assert Webhook(SECRET, header_prefix="webhook").verify(body.encode(), headers) == event


def test_standardwebhooks_rejects_what_we_reject() -> None:
    now = int(datetime.now(UTC).timestamp())
    stale = to_standard(Webhook(SECRET).headers("msg_1", now - 301, BODY))
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(SECRET).verify(BODY, stale)
    wrong = to_standard(Webhook(OTHER).headers("msg_1", now, BODY))
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(SECRET).verify(BODY, wrong)

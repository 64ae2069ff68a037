"""Standard Webhooks v1a (ed25519) signatures, the shipped signature vectors, and
``Webhook.unwrap``: verify, then decode to the typed model."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import nacl.signing
import pytest
import standardwebhooks
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import UsageError, ValidationError, Webhook, WebhookVerificationError, models
from conformance._webhooks import new_signing_key

VECTORS: dict[str, Any] = json.loads(
    (resources.files("conformance") / "vectors" / "webhooks.json").read_text(encoding="utf-8")
)
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_800_000_000


def _headers(vector: dict[str, Any], signature: str | None = None) -> dict[str, str]:
    names = VECTORS["headers"]
    return {
        names["id"]: vector["id"],
        names["timestamp"]: vector["timestamp"],
        names["signature"]: vector["signature"] if signature is None else signature,
    }


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_every_vector(vector: dict[str, Any]) -> None:
    webhook = Webhook(vector["keys"], header_prefix="webhook", tolerance=VECTORS["tolerance"])
    body = vector["body"].encode("utf-8")
    if vector["valid"]:
        webhook.verify(body, _headers(vector), now=vector["now"])
    else:
        with pytest.raises(WebhookVerificationError) as info:
            webhook.verify(body, _headers(vector), now=vector["now"])
        assert info.value.code == vector["error"]
    if "signing_keys" in vector:  # signing is deterministic for v1 and ed25519 alike
        signer = Webhook(vector["signing_keys"], header_prefix="webhook")
        assert signer.sign(vector["id"], int(vector["timestamp"]), body) == vector["signature"]


def test_the_vectors_hold_the_spec_example_and_both_kinds() -> None:
    vectors = VECTORS["vectors"]
    spec = next(v for v in vectors if v["name"] == "v1 spec example")
    assert (spec["keys"], spec["id"], spec["timestamp"], spec["body"]) == (
        [SPEC_SECRET],
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        '{"test": 2432232314}',
    )
    assert spec["signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    kinds = {(v["scheme"], v["valid"]) for v in vectors}
    assert {("v1", True), ("v1", False), ("v1a", True), ("v1a", False)} <= kinds


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS["vectors"] if v["valid"] and v["scheme"] == "v1" and "signing_keys" in v],
    ids=lambda v: v["name"],
)  # fmt: skip
def test_v1_vectors_agree_with_standardwebhooks(vector: dict[str, Any]) -> None:
    """The real library signs the positive v1 vectors the same way."""
    stamp = datetime.fromtimestamp(int(vector["timestamp"]), tz=UTC)
    for secret in vector["signing_keys"]:
        theirs = standardwebhooks.Webhook(secret).sign(vector["id"], stamp, vector["body"])
        assert theirs in vector["signature"].split()


@settings(max_examples=25, deadline=None)
@given(
    seed=st.binary(min_size=32, max_size=32),
    body=st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=4).map(
        lambda d: json.dumps(d, ensure_ascii=False).encode()
    ),
)
def test_v1a_interoperates_with_pynacl_both_ways(seed: bytes, body: bytes) -> None:
    """PyNaCl (libsodium) is the independent ed25519: it verifies what we sign, and we
    verify what it signs."""
    nacl_key = nacl.signing.SigningKey(seed)
    whsk = "whsk_" + base64.b64encode(seed).decode()
    whpk = "whpk_" + base64.b64encode(bytes(nacl_key.verify_key)).decode()
    content = f"msg_1.{NOW}.".encode() + body
    ours = Webhook(whsk).sign("msg_1", NOW, body)
    assert ours.startswith("v1a,")
    nacl_key.verify_key.verify(content, base64.b64decode(ours[4:]))
    theirs = "v1a," + base64.b64encode(nacl_key.sign(content).signature).decode()
    receiver = Webhook(whpk)
    headers = {"case-webhook-id": "msg_1", "case-webhook-timestamp": str(NOW)}
    receiver.verify(body, {**headers, "case-webhook-signature": theirs}, now=NOW)
    libsodium_form = (
        "whsk_" + base64.b64encode(bytes(nacl_key) + bytes(nacl_key.verify_key)).decode()
    )
    assert Webhook(libsodium_form).sign("msg_1", NOW, body) == theirs


@settings(max_examples=25, deadline=None)
@given(
    order=st.permutations(range(4)),
    junk=st.lists(st.sampled_from(["v2,abc", "v1,!!", "v1a,AAAA", "nonsense", "v1a,"]), max_size=3),
)
def test_mixed_signature_lists_verify_in_any_order(order: list[int], junk: list[str]) -> None:
    whsk, whpk = new_signing_key()
    other_sk, _ = new_signing_key()
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    entries = [
        *Webhook([secret, whsk]).sign("msg_2", NOW, b"{}").split(),
        *Webhook(["whsec_" + base64.b64encode(b"z" * 32).decode(), other_sk])
        .sign("msg_2", NOW, b"{}")
        .split(),
    ]
    header = " ".join([entries[i] for i in order] + junk)
    base = {"case-webhook-id": "msg_2", "case-webhook-timestamp": str(NOW)}
    for receiver in (Webhook(whpk), Webhook(secret), Webhook([whpk, secret])):
        receiver.verify(b"{}", {**base, "case-webhook-signature": header}, now=NOW)


def test_public_keys_verify_but_do_not_sign() -> None:
    _, whpk = new_signing_key()
    with pytest.raises(UsageError):
        Webhook(whpk).sign("msg_3", NOW, b"{}")
    for bad in ("whpk_AAAA", "whsk_not base64", "whpk_" + base64.b64encode(b"x" * 33).decode()):
        with pytest.raises(UsageError):
            Webhook(bad)


# --- unwrap -----------------------------------------------------------------------------

BODY = (
    b'{"id":"evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B","type":"voice.transcription.deleted",'
    b'"occurred_at":"2026-01-01T00:00:00Z","data":{"jobId":"j","transcriptId":"t",'
    b'"mode":"vault","providerDeleted":true,"providerAlreadyDeleted":false,'
    b'"providerDeleteFailed":false,"resultObjectDeleted":true,"localRecordDeleted":true}}'
)


@pytest.mark.parametrize("keys", ["secret", "ed25519"])
def test_unwrap_returns_the_typed_event(keys: str) -> None:
    if keys == "secret":
        signer = receiver = Webhook(SPEC_SECRET)
    else:
        whsk, whpk = new_signing_key()
        signer, receiver = Webhook(whsk), Webhook(whpk)
    headers = signer.headers("msg_4", NOW, BODY)
    event = receiver.unwrap(BODY, headers, now=NOW)
    assert isinstance(event, models.VoiceTranscriptionDeleted)
    assert event.data.mode == "vault"
    with pytest.raises(WebhookVerificationError):
        receiver.unwrap(BODY + b" ", headers, now=NOW)


def test_unwrap_reports_schema_breaks_with_a_pointer() -> None:
    webhook = Webhook(SPEC_SECRET)
    body = BODY.replace(b'"mode":"vault"', b'"mode":"tape"')
    with pytest.raises(ValidationError) as info:
        webhook.unwrap(body, webhook.headers("msg_5", NOW, body), now=NOW)
    assert info.value.pointer == "/data/mode"
    assert info.value.event == "voice.transcription.deleted"
    unknown = BODY.replace(b"voice.transcription.deleted", b"voice.transcription.archived")
    event = webhook.unwrap(unknown, webhook.headers("msg_6", NOW, unknown), now=NOW)
    assert isinstance(event, models.UnknownEvent)
    assert event.type == "voice.transcription.archived"


@settings(max_examples=80, deadline=None)
@given(
    body=st.one_of(st.binary(max_size=200), st.just(BODY), st.just(b"[]"), st.just(b"{}")),
    extra=st.dictionaries(
        st.sampled_from(
            ["case-webhook-id", "case-webhook-timestamp", "case-webhook-signature", "x"]
        ),
        st.one_of(st.text(max_size=30), st.binary(max_size=30), st.integers(), st.none()),
        max_size=3,
    ),
    sign=st.booleans(),
)
def test_unwrap_raises_only_its_two_errors(body: bytes, extra: dict[str, Any], sign: bool) -> None:
    """Whatever the bytes and headers: a typed event, WebhookVerificationError or
    ValidationError (a well-signed body that is not a valid delivery)."""
    webhook = Webhook(SPEC_SECRET)
    headers: dict[str, Any] = dict(webhook.headers("msg_7", NOW, body)) if sign else {}
    headers.update(extra)
    try:
        event = webhook.unwrap(body, headers, now=NOW)
    except (WebhookVerificationError, ValidationError):
        return
    assert isinstance(event, (models.UnknownEvent, *models._EVENTS))


# --- receiver fuzzing with v1a ------------------------------------------------------------


def _wsgi_receiver(verifier: Webhook | None) -> Any:
    """A WSGI receiver: 401 unless ``verifier`` accepts the delivery (None: accept all)."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        status = "200 OK"
        if verifier is not None:
            try:
                verifier.verify(body, headers)
            except WebhookVerificationError:
                status = "401 Unauthorized"
        start_response(status, [("Content-Type", "text/plain")])
        return [b""]

    return app


def test_receiver_fuzzing_signs_v1a_and_forges_it() -> None:
    from conformance import fuzz_receiver

    whsk, whpk = new_signing_key()
    kwargs: dict[str, Any] = {
        "secret": whsk,
        "events": "ocr.job.created",
        "max_examples": 2,
        "seed": 3,
    }
    good = fuzz_receiver(_wsgi_receiver(Webhook(whpk)), **kwargs)
    checks = {f.check for f in good.failures}
    assert not checks & {"accepts-valid", "accepts-rotation", "rejects-forgery"}, good.failures
    lax = fuzz_receiver(_wsgi_receiver(None), **kwargs)
    # A mislabelled right signature is a spec finding (strict-signature-labels).
    forged = {
        f.case for f in lax.failures if f.check in ("rejects-forgery", "strict-signature-labels")
    }
    assert "signed with a wrong secret" in forged
    mislabelled = {f.case for f in lax.failures if f.check == "strict-signature-labels"}
    assert "signature without 'v1a,'" in mislabelled
    # A receiver that only knows an HMAC secret rejects v1a deliveries: not accepted.
    hmac_only = fuzz_receiver(_wsgi_receiver(Webhook(SPEC_SECRET)), **kwargs)
    assert "accepts-valid" in {f.check for f in hmac_only.failures}


def test_the_vectors_file_is_what_the_script_writes() -> None:
    from make_webhook_vectors import render

    shipped = (resources.files("conformance") / "vectors" / "webhooks.json").read_text("utf-8")
    assert shipped == render(), "run: python tests/make_webhook_vectors.py"

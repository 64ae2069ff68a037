"""Write ``conformance/vectors/webhooks.json``, the shipped signature test vectors.

    python tests/make_webhook_vectors.py

Deterministic (fixed keys; HMAC and ed25519 signatures do not depend on randomness), so
``test_v1a.py`` checks that the shipped file is exactly what this writes.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from conformance import Webhook

OUT = Path(__file__).resolve().parent.parent / "conformance" / "vectors" / "webhooks.json"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER = "whsec_" + base64.b64encode(b"another secret, 32 bytes long!!!").decode()
MID, TS, BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}'
SPEC = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
EVENT = (
    '{"id":"evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B","type":"agent.deleted",'
    '"occurred_at":"2026-01-01T00:00:00Z","data":{"note":"caf\u00e9 \u2603"}}'
)


def _pair(seed: bytes) -> tuple[str, str, str]:
    public = (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    return (
        "whsk_" + base64.b64encode(seed).decode(),
        "whpk_" + base64.b64encode(public).decode(),
        "whsk_" + base64.b64encode(seed + public).decode(),
    )


SK, PK, SK64 = _pair(bytes(range(32)))
SK2, PK2, _ = _pair(bytes(range(100, 132)))


def sig(keys: list[str], *, mid: str = MID, ts: int = TS, body: str = BODY) -> str:
    return Webhook(keys, header_prefix="webhook").sign(mid, ts, body)


def build() -> dict[str, Any]:
    """The vectors document."""
    vectors: list[dict[str, Any]] = []

    def add(
        name: str,
        scheme: str,
        keys: list[str],
        valid: bool,
        signature: str,
        *,
        mid: str = MID,
        ts: int = TS,
        body: str = BODY,
        now: int = TS,
        error: str | None = None,
        signing_keys: list[str] | None = None,
    ) -> None:
        vector: dict[str, Any] = {
            "name": name, "scheme": scheme, "keys": keys, "id": mid, "timestamp": str(ts),
            "body": body, "signature": signature, "now": now, "valid": valid,
        }  # fmt: skip
        if error:
            vector["error"] = error
        if signing_keys is not None:
            vector["signing_keys"] = signing_keys
        vectors.append(vector)

    assert sig([SECRET]) == SPEC
    add("v1 spec example", "v1", [SECRET], True, SPEC, signing_keys=[SECRET])
    add("v1 event body with non-ASCII", "v1", [SECRET], True, sig([SECRET], body=EVENT),
        body=EVENT, signing_keys=[SECRET])  # fmt: skip
    add("v1 rotation: second secret matches", "v1", [OTHER, SECRET], True, SPEC)
    add("v1 one of several entries matches", "v1", [SECRET], True, sig([OTHER]) + " " + SPEC)
    add("v1 unknown version entries are skipped", "v1", [SECRET], True, "v2,abcd " + SPEC)
    add("v1a basic (32-byte seed)", "v1a", [PK], True, sig([SK]), signing_keys=[SK])
    add("v1a signing key verifies too (64-byte libsodium form)", "v1a", [SK64], True,
        sig([SK]), signing_keys=[SK64])  # fmt: skip
    add("v1a event body with non-ASCII", "v1a", [PK], True, sig([SK], body=EVENT), body=EVENT,
        signing_keys=[SK])  # fmt: skip
    add("v1a rotation: second public key matches", "v1a", [PK2, PK], True, sig([SK]))
    add("mixed v1 and v1a, receiver holds the public key", "mixed", [PK], True,
        sig([SECRET, SK]), signing_keys=[SECRET, SK])  # fmt: skip
    add("mixed v1 and v1a, receiver holds the secret", "mixed", [SECRET], True, sig([SECRET, SK]))
    add("mixed, bad v1 entry but good v1a", "mixed", [SECRET, PK], True,
        sig([OTHER]) + " " + sig([SK]))  # fmt: skip
    add("v1 wrong secret", "v1", [OTHER], False, SPEC, error="no-matching-signature")
    add("v1 body changed", "v1", [SECRET], False, SPEC, body='{"test": 2432232315}',
        error="no-matching-signature")  # fmt: skip
    add("v1 id changed", "v1", [SECRET], False, SPEC, mid="msg_p5jXN8AQM9LWM0D4loKWxJel",
        error="no-matching-signature")  # fmt: skip
    add("v1 timestamp changed", "v1", [SECRET], False, SPEC, ts=TS + 1,
        error="no-matching-signature")  # fmt: skip
    add("v1 too old", "v1", [SECRET], False, SPEC, now=TS + 301, error="too-old")
    add("v1 too new", "v1", [SECRET], False, SPEC, now=TS - 301, error="too-new")
    add("v1 signature not base64", "v1", [SECRET], False, "v1,not*base64",
        error="bad-signature-header")  # fmt: skip
    add("v1 only unknown versions", "v1", [SECRET], False, "v2," + SPEC[3:],
        error="bad-signature-header")  # fmt: skip
    add("v1 empty signature", "v1", [SECRET], False, "v1,", error="bad-signature-header")
    add("v1 truncated signature", "v1", [SECRET], False, SPEC[:-8], error="no-matching-signature")
    add("v1a signed by another key", "v1a", [PK], False, sig([SK2]), error="no-matching-signature")
    add("v1a body changed", "v1a", [PK], False, sig([SK]), body='{"test": 2432232315}',
        error="no-matching-signature")  # fmt: skip
    flipped = bytearray(base64.b64decode(sig([SK])[4:]))
    flipped[0] ^= 1
    add("v1a signature bit flipped", "v1a", [PK], False,
        "v1a," + base64.b64encode(bytes(flipped)).decode(), error="no-matching-signature")  # fmt: skip
    add("v1a signature of 63 bytes", "v1a", [PK], False,
        "v1a," + base64.b64encode(bytes(flipped[:63])).decode(), error="bad-signature-header")  # fmt: skip
    add("v1a signature under the v1 label", "v1a", [PK], False, "v1," + sig([SK])[4:],
        error="no-matching-signature")  # fmt: skip
    add("v1a entry, receiver holds only an HMAC secret", "mixed", [SECRET], False, sig([SK]),
        error="no-matching-signature")  # fmt: skip
    add("v1 entry, receiver holds only a public key", "mixed", [PK], False, SPEC,
        error="no-matching-signature")  # fmt: skip
    add("v1a too old", "v1a", [PK], False, sig([SK]), now=TS + 301, error="too-old")
    return {
        "description": "Standard Webhooks signature test vectors (v1 HMAC-SHA256 and v1a "
        "ed25519) from casedev-conformance; the format is in docs/typed-payloads.md.",
        "version": 1,
        "tolerance": 300,
        "headers": {
            "id": "webhook-id",
            "timestamp": "webhook-timestamp",
            "signature": "webhook-signature",
        },
        "vectors": vectors,
    }


def render() -> str:
    """The file's text."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")

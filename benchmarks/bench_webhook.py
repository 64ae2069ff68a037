"""Benchmark signature verification and receiver fuzzing.

    python benchmarks/bench_webhook.py [--repeat 5] [--number 20000]

Prints, best of ``--repeat``:

1. ``conformance.Webhook.verify`` beside the anchor, ``standardwebhooks.Webhook.verify``
   (the Standard Webhooks reference library), on the same 1 kB delivery, and the ratio;
   also with a three-signature rotation header and two secrets on our side;
2. receiver fuzzing throughput: requests per second against the example receiver,
   in-process (WSGI, ASGI) and over loopback HTTP (wsgiref), for the ``vault.*`` events.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
import timeit
from datetime import UTC, datetime
from pathlib import Path

import standardwebhooks

from conformance import Webhook, fuzz_receiver
from conformance._fuzzing._target import load_object

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
OTHER = "whsec_" + base64.b64encode(b"a previous secret, 32 bytes long").decode()


def best(stmt: object, number: int, repeat: int) -> float:
    """Seconds per call, best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number  # type: ignore[arg-type]


def bench_verify(number: int, repeat: int) -> None:
    body = json.dumps(
        {
            "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
            "type": "vault.ingest.completed",
            "occurred_at": "2026-04-24T15:12:09.481Z",
            "data": {"vaultId": "vault_123", "note": "x" * 850, "durationMs": 1284},
        }
    ).encode()
    now = datetime.now(UTC)
    ours = Webhook(SECRET)
    theirs = standardwebhooks.Webhook(SECRET)
    headers = ours.headers("msg_1", now, body)
    plain = {k.replace("case-webhook-", "webhook-"): v for k, v in headers.items()}
    assert theirs.verify(body, plain) == ours.verify(body, headers)
    t_ours = best(lambda: ours.verify(body, headers), number, repeat)
    t_theirs = best(lambda: theirs.verify(body, plain), number, repeat)
    print(f"verify, {len(body)} B body, one signature:")
    print(f"  conformance.Webhook       {t_ours * 1e6:8.2f} us")
    print(f"  standardwebhooks (anchor) {t_theirs * 1e6:8.2f} us")
    print(f"  ratio ours/anchor         {t_ours / t_theirs:8.2f}")
    rotated = {
        **headers,
        "case-webhook-signature": " ".join(
            [Webhook(OTHER).sign("msg_1", now, body)] * 2 + [headers["case-webhook-signature"]]
        ),
    }
    rotated_plain = {k.replace("case-webhook-", "webhook-"): v for k, v in rotated.items()}
    two = Webhook([OTHER, SECRET])
    t_ours = best(lambda: two.verify(body, rotated), number, repeat)
    t_theirs = best(lambda: theirs.verify(body, rotated_plain), number, repeat)
    print("verify, three signatures (ours: two secrets, anchor: one):")
    print(f"  conformance.Webhook       {t_ours * 1e6:8.2f} us")
    print(f"  standardwebhooks (anchor) {t_theirs * 1e6:8.2f} us")
    print(f"  ratio ours/anchor         {t_ours / t_theirs:8.2f}")


def bench_fuzz() -> None:
    sys.path.insert(0, str(ROOT / "tests" / "receivers"))
    from _serve import serve_wsgi

    example = ROOT / "examples" / "receiver.py"
    secret = load_object(f"{example}:SECRET")
    print("receiver fuzzing, vault.* events, 3 examples per event:")
    runs = {
        "in-process WSGI": {"app": load_object(f"{example}:app")},
        "in-process ASGI": {"app": load_object(f"{example}:asgi_app")},
    }
    for label, kwargs in runs.items():
        started = time.perf_counter()
        report = fuzz_receiver(secret=secret, events="vault.*", max_examples=3, seed=1, **kwargs)
        seconds = time.perf_counter() - started
        print(f"  {label:<22} {report.requests:5d} requests {report.requests / seconds:8.0f}/s")
    with serve_wsgi(load_object(f"{example}:app")) as url:
        started = time.perf_counter()
        report = fuzz_receiver(url=url, secret=secret, events="vault.*", max_examples=3, seed=1)
        seconds = time.perf_counter() - started
    print(
        f"  {'loopback (wsgiref)':<22} {report.requests:5d} requests {report.requests / seconds:8.0f}/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--number", type=int, default=20000)
    args = parser.parse_args()
    bench_verify(args.number, args.repeat)
    bench_fuzz()


if __name__ == "__main__":
    main()

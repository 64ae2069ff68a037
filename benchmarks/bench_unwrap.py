"""Benchmark ``Webhook.unwrap`` (verify, then exact typed decode) against the two ways
of getting a checked or parsed delivery without it.

    python benchmarks/bench_unwrap.py [--repeat 5] [--seconds 0.5]

For a 1 KB and a 100 KB ``vault.object.append.completed`` delivery (the big one holds
thousands of object ids, so the typed decode really walks them), prints, best of
``--repeat``, microseconds per delivery for:

1. ``conformance.Webhook.unwrap`` (HMAC check, then ``conformance.models.decode``);
2. ``Webhook.verify`` + ``DeliveryValidator.validate`` (the JSON Schema route: dicts);
3. ``standardwebhooks.Webhook.verify`` + ``json.loads`` (the anchor: verified, parsed,
   but neither validated nor typed);

and the ratios unwrap/(2) and unwrap/(3). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import base64
import json
import timeit
from collections.abc import Callable
from datetime import UTC, datetime

import standardwebhooks

from conformance import DeliveryValidator, Webhook, models

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


def delivery(size: int) -> bytes:
    """A valid delivery of about ``size`` bytes."""
    ids: list[str] = []
    while True:
        body = json.dumps(
            {
                "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
                "type": "vault.object.append.completed",
                "occurred_at": "2026-04-24T15:12:09.481Z",
                "data": {
                    "vaultId": "vault_xo528zmxbrex6isyj9avt6mi",
                    "objectId": "obj_550edny6fpcr6sq2ap8ag3tf",
                    "appendObjectIds": ids,
                    "sizeBytes": 1284,
                    "pageCount": 12,
                },
            }
        ).encode()
        if len(body) >= size:
            return body
        ids.extend(f"obj_{i:024d}" for i in range(max(1, (size - len(body)) // 32)))


def per_call(call: Callable[[], object], seconds: float, repeat: int) -> float:
    """Seconds per call, best of ``repeat`` runs of about ``seconds`` each."""
    timer = timeit.Timer(call)
    number, _ = timer.autorange()
    number = max(1, int(number * seconds / 0.2))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()
    ours = Webhook(SECRET)
    theirs = standardwebhooks.Webhook(SECRET)
    validator = DeliveryValidator()
    for size in (1024, 100 * 1024):
        body = delivery(size)
        headers = ours.headers("msg_1", datetime.now(UTC), body)
        plain = {k.replace("case-webhook-", "webhook-"): v for k, v in headers.items()}
        event = ours.unwrap(body, headers)
        assert isinstance(event, models.VaultObjectAppendCompleted)

        def schema_route(body: bytes = body, headers: dict[str, str] = headers) -> None:
            validator.validate(ours.verify(body, headers))

        def anchor(body: bytes = body, plain: dict[str, str] = plain) -> None:
            theirs.verify(body, plain)
            json.loads(body)

        def unwrap(body: bytes = body, headers: dict[str, str] = headers) -> None:
            ours.unwrap(body, headers)

        t_unwrap = per_call(unwrap, args.seconds, args.repeat)
        t_schema = per_call(schema_route, args.seconds, args.repeat)
        t_anchor = per_call(anchor, args.seconds, args.repeat)
        print(f"{len(body):,} B delivery ({len(event.data.appendObjectIds):,} object ids):")
        print(f"  Webhook.unwrap (typed, exact)          {t_unwrap * 1e6:10.1f} us")
        print(f"  verify() + DeliveryValidator           {t_schema * 1e6:10.1f} us")
        print(f"  standardwebhooks verify + json.loads   {t_anchor * 1e6:10.1f} us")
        print(f"  ratio unwrap / verify+validator        {t_unwrap / t_schema:10.2f}")
        print(f"  ratio unwrap / standardwebhooks+json   {t_unwrap / t_anchor:10.2f}")


if __name__ == "__main__":
    main()

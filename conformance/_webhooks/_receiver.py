"""Fuzz an HTTP webhook receiver with real signed deliveries and check its answers.

The receiver is a WSGI or ASGI app called in-process, or a running server reached by
URL. Every request is signed over the exact bytes sent, serialized in varying ways
(compact or spaced, escaped or raw unicode, key order), and the answers are held to the
delivery contract:

``accepts-valid``
    every contract-valid, correctly signed delivery (every event, additive fields,
    unknown event types, ``webhook.test``) gets a 2xx;
``idempotent``
    the same delivery sent again gets a 2xx again;
``accepts-rotation``
    a delivery signed with several secrets, one of them the receiver's, in any position,
    gets a 2xx;
``rejects-forgery``
    forged or damaged deliveries get a 4xx (a 2xx means it was processed, a 5xx makes
    Case.dev retry);
``tolerates-schema-breaks``
    correctly signed deliveries that break the schema get anything but a 5xx;
``answers-in-time``
    every answer comes within the time limit.

Failures carry the exact request, so they can be saved and replayed byte for byte.
"""

from __future__ import annotations

import base64
import json
import random
import shlex
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._catalog import Catalog, load_catalog
from .._errors import FuzzError, UsageError
from .._files import make_dir, write_file
from .._ids import new_event_id, new_message_id, now_timestamp
from ._http import (
    AppKind,
    ASGITransport,
    HttpRequest,
    HttpResponse,
    Transport,
    URLTransport,
    request_headers,
    transport_for,
)
from ._signing import (
    DEFAULT_HEADER_PREFIX,
    DEFAULT_TOLERANCE,
    SIGNING_KEY_PREFIX,
    Webhook,
    decode_secret,
)

if TYPE_CHECKING:  # Hypothesis is imported only when a run starts
    from hypothesis import strategies as st

CHECKS: Final = (
    "accepts-valid",
    "idempotent",
    "accepts-rotation",
    "rejects-forgery",
    "tolerates-schema-breaks",
    "answers-in-time",
)
#: Default seconds a receiver may take to answer (ASSUMPTION: Case.dev's own delivery
#: timeout is not documented; webhook senders commonly wait 10 to 30 s).
DEFAULT_TIME_LIMIT: Final = 10.0
#: Examples drawn per catalog event.
DEFAULT_EXAMPLES_PER_EVENT: Final = 5
#: Stop sending after this many requests went unanswered within the time limit.
MAX_TIMEOUTS: Final = 3
_UNKNOWN_TYPES = ("vault.object.snapshot.completed", "casedev.future.event", "webhook.test")


@dataclass(frozen=True)
class Serialization:
    """One way to write a delivery's JSON: separators, unicode escaping, key order."""

    name: str
    separators: tuple[str, str] | None
    ensure_ascii: bool
    order: str  # "as-is", "sorted" or "reversed"
    indent: int | None = None

    def dumps(self, value: Any) -> bytes:
        """Serialize ``value`` this way, as UTF-8 bytes."""
        text = json.dumps(
            _reorder(value, self.order),
            separators=self.separators,
            ensure_ascii=self.ensure_ascii,
            indent=self.indent,
            allow_nan=False,
        )
        return text.encode("utf-8")


SERIALIZATIONS: Final = (
    Serialization("compact, raw unicode", (",", ":"), False, "as-is"),
    Serialization("spaced, escaped unicode, sorted keys", (", ", ": "), True, "sorted"),
    Serialization("indented, raw unicode, reversed keys", (",", ": "), False, "reversed", 2),
    Serialization("compact, escaped unicode, reversed keys", (",", ":"), True, "reversed"),
    Serialization("spaced, raw unicode, sorted keys", (", ", ": "), False, "sorted"),
)


def _reorder(value: Any, order: str) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        if order == "sorted":
            keys.sort()
        elif order == "reversed":
            keys.reverse()
        return {k: _reorder(value[k], order) for k in keys}
    if isinstance(value, list):
        return [_reorder(v, order) for v in value]
    return value


@dataclass(frozen=True)
class ReceiverFailure:
    """One failed check: which, on what kind of case, why, and the exact exchange."""

    check: str
    case: str
    reason: str
    request: HttpRequest
    response: HttpResponse
    count: int = 1
    kind: str = ""

    def key(self) -> tuple[str, str, int | None]:
        """Failures with the same key are one finding: the same check, the same kind of
        case (``kind``, else the case label) and the same status."""
        return (self.check, self.kind or self.case, self.response.status)


@dataclass
class ReceiverReport:
    """What a receiver fuzzing run found: failures (one per check and case) and counts."""

    target: str
    seed: int
    requests: int = 0
    cases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKS, 0))
    failures: list[ReceiverFailure] = field(default_factory=list)
    stopped: str | None = None
    saved: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.failures

    def add(self, failure: ReceiverFailure) -> None:
        """Record a failure, folding repeats of the same check and case into a count."""
        for index, known in enumerate(self.failures):
            if known.key() == failure.key():
                self.failures[index] = replace(known, count=known.count + 1)
                return
        self.failures.append(failure)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (bodies as text when UTF-8, else base64)."""

        def body(raw: bytes) -> dict[str, str]:
            try:
                return {"text": raw.decode("utf-8")}
            except UnicodeDecodeError:
                return {"base64": base64.b64encode(raw).decode("ascii")}

        return {
            "target": self.target,
            "seed": self.seed,
            "ok": self.ok,
            "requests": self.requests,
            "cases": dict(self.cases),
            "stopped": self.stopped,
            "failures": [
                {
                    "check": f.check,
                    "case": f.case,
                    "reason": f.reason,
                    "count": f.count,
                    "saved": str(self.saved[i]) if i < len(self.saved) else None,
                    "request": {
                        "method": f.request.method,
                        "path": f.request.path,
                        "headers": [list(h) for h in f.request.headers],
                        "body": body(f.request.body),
                    },
                    "response": {
                        "status": f.response.status,
                        "error": f.response.error,
                        "elapsed": round(f.response.elapsed, 4),
                        "body": body(f.response.body[:2000]),
                    },
                }
                for i, f in enumerate(self.failures)
            ],
        }

    def save(self, directory: str | Path) -> list[Path]:
        """Write each failing request as a raw HTTP/1.1 message; return the file paths."""
        folder = make_dir(directory, what="failures folder")
        paths: list[Path] = []
        for index, failure in enumerate(self.failures, 1):
            slug = "".join(c if c.isalnum() else "-" for c in failure.case.lower()).strip("-")
            path = folder / f"{index:03d}-{failure.check}-{slug[:60]}.http"
            write_file(path, failure.request.to_bytes(), what="failing request")
            paths.append(path)
        self.saved = paths
        return paths

    def format(self, *, replay_command: str = "casedev-conformance send URL") -> str:
        """A readable report; with saved files, each failure names its replay command
        (``replay_command`` followed by ``--replay FILE``)."""
        total = sum(self.cases.values())
        lines = [
            f"receiver fuzzing of {self.target}: {self.requests} requests, "
            f"{total} checks, seed {self.seed}"
        ]
        for check in CHECKS:
            failed = sum(f.count for f in self.failures if f.check == check)
            status = "ok" if not failed else f"FAILED {failed}"
            lines.append(f"  {check:<24} {self.cases.get(check, 0):>5} cases  {status}")
        if self.stopped:
            lines.append(f"stopped early: {self.stopped}")
        for index, failure in enumerate(self.failures, 1):
            times = f" ({failure.count} times)" if failure.count > 1 else ""
            lines.append("")
            lines.append(f"FAIL {index}: {failure.check} [{failure.case}]{times}: {failure.reason}")
            lines.append(f"  response: {failure.response.describe()}")
            if index <= len(self.saved):
                path = self.saved[index - 1]
                lines.append(f"  request saved to {path}")
                lines.append(f"  replay: {replay_command} --replay {shlex.quote(str(path))}")
            lines.append("  request:")
            lines.extend("    " + line for line in failure.request.describe().splitlines())
        if self.ok:
            lines.append("all checks passed")
        return "\n".join(lines)


# -- payload generation ---------------------------------------------------------------


def _payload_strategy(catalog: Catalog, event: str) -> st.SearchStrategy[dict[str, Any]]:
    """Contract-valid payloads for ``event`` (additive fields and boundary values too)."""
    from ..strategies import payloads

    return payloads(event, contract=True, catalog=catalog)


def _unknown_data() -> st.SearchStrategy[dict[str, Any]]:
    """Payloads of event types the catalog does not know (yet)."""
    from hypothesis import strategies as st

    return st.dictionaries(
        st.from_regex(r"[a-z][a-zA-Z]{0,8}", fullmatch=True),
        st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8),
        max_size=4,
    )


# -- the run ----------------------------------------------------------------------------


@dataclass
class _Run:
    transport: Transport
    webhook: Webhook
    key: bytes
    path: str
    host: str
    time_limit: float
    rng: random.Random
    report: ReceiverReport
    others: list[Webhook]
    counter: int = 0
    timeouts: int = 0
    unreachable: str | None = None
    pool: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stopped(self) -> bool:
        return self.report.stopped is not None

    def next_index(self) -> int:
        self.counter += 1
        return self.counter

    def event_id(self) -> str:
        return new_event_id()

    def message_id(self) -> str:
        return new_message_id()

    def now(self) -> int:
        return int(time.time())

    def request(self, headers: dict[str, str] | None, body: bytes) -> HttpRequest:
        extra = tuple((headers or {}).items())
        return HttpRequest(
            "POST",
            self.path,
            request_headers(extra, host=self.host, body=body, content_type="application/json"),
            body,
        )

    def signed(
        self, envelope_or_body: dict[str, Any] | bytes, serialization: Serialization | None = None
    ) -> tuple[dict[str, str], bytes]:
        body = (
            envelope_or_body
            if isinstance(envelope_or_body, bytes)
            else (serialization or SERIALIZATIONS[0]).dumps(envelope_or_body)
        )
        msg_id = self.message_id()
        return self.webhook.headers(msg_id, self.now(), body), body

    def exchange(self, check: str, case: str, request: HttpRequest) -> HttpResponse | None:
        """Send one request and judge its timing; None once the run has stopped."""
        if self.stopped:
            return None
        response = self.transport.send(request, timeout=self.time_limit)
        self.report.requests += 1
        self.report.cases["answers-in-time"] += 1
        if response.status is None and not response.timed_out and self.report.requests == 1:
            # Raised after the run (never from inside Hypothesis, which would wrap it).
            self.unreachable = (
                f"cannot reach {self.transport.description}: {response.error}; "
                "is the receiver running?"
            )
            self.report.stopped = self.unreachable
            return None
        if response.timed_out or response.elapsed > self.time_limit:
            self.timeouts += 1
            self.report.add(
                ReceiverFailure(
                    "answers-in-time",
                    f"{check}: {case}",
                    f"no answer within the {self.time_limit:g} s limit "
                    f"(waited {response.elapsed:.2f} s); Case.dev retries and eventually "
                    "disables the endpoint",
                    request,
                    response,
                    kind=check,
                )
            )
            if self.timeouts >= MAX_TIMEOUTS:
                self.report.stopped = (
                    f"{self.timeouts} requests got no answer within {self.time_limit:g} s"
                )
        return response

    def expect(
        self,
        check: str,
        case: str,
        request: HttpRequest,
        *,
        kind: str = "",
        accept: Callable[[int], bool],
        wanted: str,
        why: str,
    ) -> HttpResponse | None:
        response = self.exchange(check, case, request)
        if response is None:
            return None
        self.report.cases[check] += 1
        if response.timed_out:
            return response
        if response.status is None:
            reason = f"expected {wanted}, got no response ({response.error})"
        elif accept(response.status):
            return response
        else:
            reason = f"expected {wanted}, got {response.status}: {why}"
        self.report.add(ReceiverFailure(check, case, reason, request, response, kind=kind))
        return response

    # -- checks 1 to 3 -----------------------------------------------------------------

    def valid(self, envelope: dict[str, Any], label: str, kind: str) -> None:
        index = self.next_index()
        serialization = SERIALIZATIONS[index % len(SERIALIZATIONS)]
        if index % 3 == 0:  # additive fields: the producer may add, the consumer must not mind
            envelope = {
                **envelope,
                "api_version": "2026-05-01",
                "data": {**envelope["data"], "addedLater": {"note": "Überprüfung ✓ 日本"}},
            }
            label += ", additive fields"
            kind += " with additive fields"
        headers, body = self.signed(envelope, serialization)
        case = f"{label} ({serialization.name})"
        request = self.request(headers, body)
        response = self.expect(
            "accepts-valid",
            case,
            request,
            kind=kind,
            accept=_is_2xx,
            wanted="a 2xx",
            why="a valid, correctly signed delivery was not acknowledged "
            "(a 4xx loses the event; a 5xx makes Case.dev retry and disable the endpoint)",
        )
        self.pool.append(envelope)
        if response is not None and response.status is not None and _is_2xx(response.status):
            self.expect(
                "idempotent",
                case,
                request,
                kind=kind,
                accept=_is_2xx,
                wanted="a 2xx",
                why="the same delivery sent again (deliveries are at least once) was not "
                "acknowledged; be idempotent on the event id",
            )
        count = 2 + index % 3
        position = index % count
        fresh = {**envelope, "id": self.event_id()}
        body = serialization.dumps(fresh)
        msg_id = self.message_id()
        stamp = self.now()
        entries = [o.sign(msg_id, stamp, body) for o in self.others[: count - 1]]
        entries.insert(position, self.webhook.sign(msg_id, stamp, body))
        headers = {
            self.webhook.id_header: msg_id,
            self.webhook.timestamp_header: str(stamp),
            self.webhook.signature_header: " ".join(entries),
        }
        self.expect(
            "accepts-rotation",
            f"{count} signatures, the receiver's at position {position + 1}",
            self.request(headers, body),
            kind="rotation",
            accept=_is_2xx,
            wanted="a 2xx",
            why="during secret rotation a delivery carries several signatures; accept it if any "
            "one matches",
        )

    # -- check 4 -------------------------------------------------------------------------

    def forgeries(self, envelope: dict[str, Any]) -> Iterator[tuple[str, dict[str, str], bytes]]:
        wh = self.webhook
        fresh = {**envelope, "id": self.event_id()}
        body = SERIALIZATIONS[0].dumps(fresh)
        msg_id = self.message_id()
        now = self.now()
        good = wh.headers(msg_id, now, body)
        # "v1" (HMAC) or "v1a" (ed25519), as the receiver's key dictates.
        version, _, sig = good[wh.signature_header].partition(",")

        def without(name: str) -> dict[str, str]:
            return {k: v for k, v in good.items() if k != name}

        def with_sig(value: str) -> dict[str, str]:
            return {**good, wh.signature_header: value}

        yield "unsigned: no webhook headers", {}, body
        yield f"missing {wh.id_header}", without(wh.id_header), body
        yield f"missing {wh.timestamp_header}", without(wh.timestamp_header), body
        yield f"missing {wh.signature_header}", without(wh.signature_header), body
        yield "signed with a wrong secret", self.others[0].headers(msg_id, now, body), body
        tampered = {**fresh, "data": {**fresh["data"], "tampered": True}}
        yield (
            "tampered body (signed before a field was added)",
            good,
            SERIALIZATIONS[0].dumps(tampered),
        )
        yield "tampered body (one byte appended)", good, body + b" "
        yield f"tampered {wh.id_header}", {**good, wh.id_header: msg_id + "X"}, body
        yield f"tampered {wh.timestamp_header}", {**good, wh.timestamp_header: str(now - 1)}, body
        yield f"signature without '{version},'", with_sig(sig), body
        yield "signature with an unknown version 'v2,'", with_sig("v2," + sig), body
        yield "signature with bad base64", with_sig(f"{version},!!not*base64!!"), body
        yield "empty signature header", with_sig(""), body
        yield f"signature entry '{version},' with nothing after it", with_sig(f"{version},"), body
        yield "truncated signature", with_sig(f"{version},{sig[:-8]}"), body
        long_sig = base64.b64encode(self.rng.randbytes(7500)).decode("ascii")
        yield "very long signature header (10 kB)", with_sig(f"{version},{long_sig}"), body
        for label, stamp in (
            (f"timestamp {wh.tolerance + 120} s old (a replay)", now - wh.tolerance - 120),
            (f"timestamp {wh.tolerance + 120} s in the future", now + wh.tolerance + 120),
        ):
            yield f"{label}, correctly signed", wh.headers(msg_id, stamp, body), body
        bad_stamp = "yesterday"
        content = f"{msg_id}.{bad_stamp}.".encode() + body
        import hashlib
        import hmac

        if version == "v1a":
            entry = wh.sign_content(content)
        else:
            mac = base64.b64encode(hmac.new(self.key, content, hashlib.sha256).digest()).decode()
            entry = "v1," + mac
        yield (
            "non-numeric timestamp, correctly signed",
            {**good, wh.timestamp_header: bad_stamp, wh.signature_header: entry},
            body,
        )
        for label, raw in (
            (
                "body not UTF-8, correctly signed",
                body.replace(b'"data"', b'"d\xe4ta"', 1) + b"\xff",
            ),
            ("body not JSON, correctly signed", b"id=" + fresh["id"].encode() + b"&type=x"),
            ("empty body, correctly signed", b""),
            ("truncated JSON body, correctly signed", body[: max(1, len(body) // 2)]),
        ):
            yield label, wh.headers(msg_id, now, raw), raw

    def forge(self, envelope: dict[str, Any], only: int | None = None) -> None:
        for index, (case, headers, body) in enumerate(self.forgeries(envelope)):
            if only is not None and index != only:
                continue
            self.expect(
                "rejects-forgery",
                case,
                self.request(headers, body),
                accept=_is_4xx,
                wanted="a 4xx",
                why="forged or damaged deliveries must be rejected (a 2xx means it was "
                "processed; a 5xx makes Case.dev retry)",
            )

    # -- check 5 -------------------------------------------------------------------------

    def schema_breaks(
        self, envelope: dict[str, Any]
    ) -> Iterator[tuple[str, dict[str, Any] | bytes]]:
        fresh = {**envelope, "id": self.event_id()}
        data = fresh["data"]
        yield "data is a string", {**fresh, "data": "not an object"}
        yield "data is null", {**fresh, "data": None}
        yield "data missing", {k: v for k, v in fresh.items() if k != "data"}
        yield "type missing", {k: v for k, v in fresh.items() if k != "type"}
        yield "id missing", {k: v for k, v in fresh.items() if k != "id"}
        yield "type is a number", {**fresh, "type": 42}
        yield "occurred_at is not a date", {**fresh, "occurred_at": "yesterday"}
        if data:
            first = next(iter(data))
            wrong: Any = 12.5 if isinstance(data[first], str) else "a string"
            yield (
                f"a data field has the wrong type ({first})",
                {
                    **fresh,
                    "data": {**data, first: wrong},
                },
            )
            yield (
                f"a data field is missing ({first})",
                {
                    **fresh,
                    "data": {k: v for k, v in data.items() if k != first},
                },
            )
        yield "body is a JSON array", b"[]"
        yield "body is a JSON string", b'"evt"'
        yield "body is JSON null", b"null"

    def breaks(self, envelope: dict[str, Any]) -> None:
        for case, broken in self.schema_breaks(envelope):
            value = (
                {**broken, "id": self.event_id()}
                if isinstance(broken, dict) and "id" in broken
                else broken
            )
            headers, body = self.signed(value)
            self.expect(
                "tolerates-schema-breaks",
                case,
                self.request(headers, body),
                kind=case.split(" (")[0],
                accept=_not_5xx,
                wanted="anything but a 5xx",
                why="a correctly signed delivery that breaks the schema may be acknowledged or "
                "rejected, but a 5xx makes Case.dev retry it forever",
            )


def _is_2xx(status: int) -> bool:
    return 200 <= status < 300


def _is_4xx(status: int) -> bool:
    return 400 <= status < 500


def _not_5xx(status: int) -> bool:
    return status < 500


def fuzz_receiver(
    app: Any = None,
    url: str | None = None,
    *,
    secret: str | bytes,
    events: str | tuple[str, ...] = "*",
    catalog: Catalog | None = None,
    max_examples: int = DEFAULT_EXAMPLES_PER_EVENT,
    seed: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    receiver_path: str = "/",
    header_prefix: str = DEFAULT_HEADER_PREFIX,
    tolerance: int = DEFAULT_TOLERANCE,
    kind: AppKind | None = None,
    save_dir: str | Path | None = None,
    cacert: str | Path | None = None,
) -> ReceiverReport:
    """Send signed deliveries (valid, repeated, rotated, forged, schema-breaking) to a
    receiver and check its answers against the delivery contract.

    Give exactly one of ``app`` (a WSGI or ASGI app, run in-process at ``receiver_path``)
    and ``url`` (a running server). ``secret`` is the receiver's signing secret
    (``whsec_``), or a ``whsk_`` ed25519 signing key to sign with Standard Webhooks
    ``v1a`` (the receiver then verifies with the matching ``whpk_`` public key);
    ``events`` filters the catalog (Case.dev filter syntax); ``max_examples`` payloads
    are drawn per event; ``time_limit`` is the seconds an answer may take. With
    ``save_dir``, each failing request is written there for replay. ``cacert`` is a PEM
    file of CA certificates to trust for an https ``url``. A receiver that cannot be
    reached at all (refused, DNS, TLS) raises ``FuzzError``.
    """
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise UsageError(f"Expected max_examples >= 1, but got max_examples={max_examples!r}")
    if not isinstance(time_limit, (int, float)) or time_limit <= 0:
        raise UsageError(f"Expected a positive time_limit in seconds, but got {time_limit!r}")
    if not isinstance(receiver_path, str) or not receiver_path.startswith("/"):
        raise UsageError(f"Expected receiver_path to start with '/', but got {receiver_path!r}")
    # A whsk_ key means Standard Webhooks v1a: we sign with it, the receiver verifies
    # with its whpk_ public key.
    asymmetric = isinstance(secret, str) and secret.strip().startswith(SIGNING_KEY_PREFIX)
    key = b"" if asymmetric else decode_secret(secret)
    webhook = Webhook(
        secret if asymmetric else key, tolerance=tolerance, header_prefix=header_prefix
    )
    patterns = (events,) if isinstance(events, str) else tuple(events)
    selected = (catalog or load_catalog()).select(*patterns)
    transport = transport_for(app, url, kind=kind, cacert=cacert)
    if isinstance(transport, URLTransport):
        path, host = transport.path, transport.netloc
    else:
        path, host = receiver_path, "testserver"
    chosen_seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(chosen_seed)
    others = [
        Webhook(
            SIGNING_KEY_PREFIX + base64.b64encode(rng.randbytes(32)).decode()
            if asymmetric
            else "whsec_" + base64.b64encode(rng.randbytes(24)).decode(),
            header_prefix=header_prefix,
        )
        for _ in range(3)
    ]
    report = ReceiverReport(target=transport.description, seed=chosen_seed)
    run = _Run(transport, webhook, key, path, host, float(time_limit), rng, report, others)
    try:
        if isinstance(transport, ASGITransport):
            transport.start()  # lifespan startup; a failure is a usage error, before any request
        _drive(run, selected, max_examples, chosen_seed)
    finally:
        transport.close()
    if run.unreachable is not None:
        raise FuzzError(run.unreachable)
    report.failures.sort(key=lambda f: CHECKS.index(f.check))
    if save_dir is not None and report.failures:
        report.save(save_dir)
    return report


def _drive(run: _Run, catalog: Catalog, max_examples: int, seed: int) -> None:
    from hypothesis import given
    from hypothesis import seed as hypothesis_seed

    from .._generation import search_settings

    def envelope(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": run.event_id(),
            "type": kind,
            "occurred_at": now_timestamp(run.rng),
            "data": data,
        }

    def explore(name: str, strategy: st.SearchStrategy[Any], label: str, kind: str) -> None:
        @hypothesis_seed(seed)
        @search_settings(max_examples=max_examples)
        @given(strategy)
        def one(data: dict[str, Any]) -> None:
            if not run.stopped:
                run.valid(envelope(name, data), label, kind)

        one()

    for event in catalog:
        if run.stopped:
            return
        strategy = _payload_strategy(catalog, event.name)
        explore(event.name, strategy, f"event {event.name}", f"{event.stability} events")
    for name in _UNKNOWN_TYPES:
        if name in catalog:
            continue
        if name == "webhook.test":
            explore(name, _unknown_data(), "test event webhook.test", "webhook.test events")
        else:
            explore(name, _unknown_data(), f"unknown event type {name}", "unknown event types")
    pool = run.pool or [envelope("webhook.test", {})]
    forgery_count = sum(1 for _ in run.forgeries(pool[0]))
    for index in range(max(forgery_count, len(pool))):
        if run.stopped:
            return
        run.forge(pool[index % len(pool)], only=index % forgery_count)
    for index in range(min(len(pool), max(3, max_examples))):
        if run.stopped:
            return
        run.breaks(pool[(index * 7) % len(pool)])

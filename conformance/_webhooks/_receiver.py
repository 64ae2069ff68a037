"""Fuzz an HTTP webhook receiver with real signed deliveries and check its answers.

The receiver is a WSGI or ASGI app called in-process, or a running server reached by
URL. Every request is signed over the exact bytes sent, serialized in varying ways
(compact or spaced, escaped or raw unicode, key order), and the answers are held to the
delivery contract by the checks in :data:`CHECK_TABLE`. Each check has one severity from
:data:`SEVERITIES`: who can trigger its findings (``anyone``, ``sender``), or what they
cost (``spec``, ``lost-delivery``). ``docs/receivers.md`` renders both tables from here.

Failures carry the exact request, so they can be saved and replayed byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import shlex
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._catalog import Catalog, check_pattern, load_catalog, matches
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
    capture_app_output,
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

#: Who can trigger a finding, or what it costs; findings are listed in this order.
SEVERITIES: Final[dict[str, str]] = {
    "anyone": "No secret needed: anyone who can reach the endpoint can trigger it with "
    "forged, unsigned or malformed requests, or by replaying a captured delivery.",
    "lost-delivery": "A legitimate delivery is refused or lost: unknown event types, added "
    "fields, secret rotation, retries, slow answers.",
    "sender": "Only the holder of the signing secret can trigger it: signed junk, signed "
    "schema breaks, a signed delivery sent twice.",
    "spec": "A deviation from the delivery contract with no exploit path and no lost "
    "delivery, such as accepting a signature label other than 'v1,'.",
}


@dataclass(frozen=True)
class Check:
    """One row of the check table: its id, severity, what it sends and what passes.

    ``severity`` None means the finding takes the severity of the check whose request
    it concerns (``answers-in-time``: a slow answer to a forgery is ``anyone``'s to cause).
    """

    id: str
    severity: str | None
    sends: str
    passes: str
    why: str


CHECK_TABLE: Final = (
    Check(
        "accepts-valid",
        "lost-delivery",
        "contract-valid, correctly signed deliveries of every selected catalog event, "
        "serialized five ways, a third with fields added",
        "2xx (any 4xx for a type outside --subscribed)",
        "a valid, correctly signed delivery was not acknowledged (a 4xx loses the event; "
        "a 5xx makes Case.dev retry and eventually disable the endpoint)",
    ),
    Check(
        "accepts-unknown-types",
        "lost-delivery",
        "correctly signed deliveries of event types the catalog does not list yet, "
        "and the dashboard's webhook.test",
        "2xx (any 4xx for a type outside --subscribed)",
        "new event types are added without notice; acknowledge (and ignore) what you do not handle",
    ),
    Check(
        "accepts-rotation",
        "lost-delivery",
        "deliveries signed with two to four secrets, the receiver's at each position",
        "2xx (any 4xx for a type outside --subscribed)",
        "during secret rotation a delivery carries several signatures; accept it if any "
        "one matches",
    ),
    Check(
        "repeat-accepted",
        "lost-delivery",
        "each accepted delivery again, byte for byte (deliveries are at least once); "
        "only the answer is checked, see processed-once",
        "2xx",
        "a repeated delivery (a retry) was not acknowledged, so Case.dev keeps retrying it",
    ),
    Check(
        "processed-once",
        "sender",
        "the repeats of repeat-accepted, then asks the side-effect hook how often the "
        "receiver processed each event id",
        "processed at most once",
        "a retried delivery was processed again; deduplicate on the event id",
    ),
    Check(
        "rejects-forgery",
        "anyone",
        "unsigned, wrongly signed, tampered and malformed-signature requests "
        "(missing headers, bad base64, empty, truncated or 10 kB signatures)",
        "4xx",
        "a forgery must be rejected with a 4xx (a 2xx means it was processed; a 5xx "
        "lets anyone make the receiver fail on demand)",
    ),
    Check(
        "rejects-replay",
        "anyone",
        "correctly signed deliveries whose timestamp is beyond the tolerance (past or "
        "future) or not a number: what an eavesdropper can replay",
        "4xx",
        "a captured delivery replayed outside the timestamp tolerance was not rejected",
    ),
    Check(
        "rejects-hostile-bodies",
        "anyone",
        "hostile bodies (not UTF-8, cut mid-character, 1 MiB, nested 100 000 deep) "
        "unsigned and with a garbage signature",
        "4xx",
        "the body was looked at before the signature was verified: anyone can send it",
    ),
    Check(
        "strict-signature-labels",
        "spec",
        "the correct signature labelled 'v2,' or with no label",
        "4xx",
        "only 'v1,' entries are signatures; accepting other labels deviates from the spec",
    ),
    Check(
        "signed-junk",
        "sender",
        "correctly signed bodies that are not a JSON object: an array, a string, null, "
        "not JSON, empty, not UTF-8, cut mid-character, nested 100 000 deep",
        "any 4xx, or a 2xx (acknowledge and drop); never 5xx",
        "a signed body that is not a JSON object must be refused with a 4xx or dropped "
        "with a 2xx; a 5xx makes Case.dev retry it",
    ),
    Check(
        "tolerates-schema-breaks",
        "sender",
        "correctly signed JSON objects that break the schema (data, type, id or "
        "occurred_at missing or of the wrong type, a data field wrong or missing)",
        "anything but a 5xx",
        "a correctly signed delivery that breaks the schema may be acknowledged or "
        "rejected, but a 5xx makes Case.dev retry it",
    ),
    Check(
        "answers-in-time",
        None,
        "every request above",
        "an answer within --time-limit",
        "Case.dev stops waiting, retries and eventually disables the endpoint",
    ),
)
CHECKS: Final = tuple(c.id for c in CHECK_TABLE)
CHECK: Final = {c.id: c for c in CHECK_TABLE}

#: Default seconds a receiver may take to answer (ASSUMPTION: Case.dev's own delivery
#: timeout is not documented; webhook senders commonly wait 10 to 30 s).
DEFAULT_TIME_LIMIT: Final = 10.0
#: Examples drawn per catalog event.
DEFAULT_EXAMPLES_PER_EVENT: Final = 5
#: Stop sending after this many requests went unanswered within the time limit.
MAX_TIMEOUTS: Final = 3
#: Members a group's label names before it says "and N more".
LABEL_MEMBERS: Final = 6
_UNKNOWN_TYPES = ("vault.object.snapshot.completed", "casedev.future.event", "webhook.test")
_NESTING = 100_000
_HUGE = 1 << 20

#: ``side_effects(event_id)``: how many times the receiver processed that event.
SideEffects = Callable[[str], int]


def severity_table() -> str:
    """The severity and check tables as Markdown (what ``docs/receivers.md`` shows)."""
    lines = ["| severity | who or what |", "|---|---|"]
    lines += [f"| `{name}` | {text} |" for name, text in SEVERITIES.items()]
    lines += ["", "| check | severity | sends | passes |", "|---|---|---|---|"]
    for check in CHECK_TABLE:
        severity = f"`{check.severity}`" if check.severity else "that of the request's check"
        lines.append(f"| `{check.id}` | {severity} | {check.sends} | {check.passes} |")
    return "\n".join(lines)


def parse_severities(value: str | Sequence[str]) -> frozenset[str]:
    """Severities from ``"anyone,sender"`` or a list; ``all`` means every one."""
    items = [value] if isinstance(value, str) else list(value)
    names = {n.strip() for item in items for n in item.split(",") if n.strip()}
    if "all" in names:
        return frozenset(SEVERITIES)
    unknown = sorted(names - set(SEVERITIES))
    if unknown or not names:
        raise UsageError(
            f"Expected severities from {', '.join(SEVERITIES)} or all, but got fail_on={value!r}"
        )
    return frozenset(names)


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
    """One finding: a check failed on a group of like cases, with one exact exchange.

    ``group`` names what the cases share (``stable events``, ``rotation``); ``members``
    lists what they cover (events, positions, variants); ``case`` is the example whose
    request and response are kept.
    """

    check: str
    case: str
    reason: str
    request: HttpRequest
    response: HttpResponse
    severity: str
    count: int = 1
    group: str = ""
    members: tuple[str, ...] = ()

    def key(self) -> tuple[str, str, int | None]:
        """Failures with the same key are one finding: the same check, the same group
        of cases (``group``, else the case) and the same status."""
        return (self.check, self.group or self.case, self.response.status)

    @property
    def label(self) -> str:
        """What the finding covers: the group and all its members, or the one case."""
        if not self.group:
            return self.case
        shown = list(self.members[:LABEL_MEMBERS])
        more = len(self.members) - len(shown)
        if more:
            shown.append(f"and {more} more")
        return f"{self.group}: {', '.join(shown)}" if shown else self.group


@dataclass
class ReceiverReport:
    """What a receiver fuzzing run found: findings, counts, skipped checks, diagnosis."""

    target: str
    seed: int
    requests: int = 0
    cases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKS, 0))
    failures: list[ReceiverFailure] = field(default_factory=list)
    stopped: str | None = None
    saved: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    fail_on: frozenset[str] = frozenset(SEVERITIES)
    #: Set when every valid delivery was refused: the first refusal, the likely causes.
    all_refused: tuple[ReceiverFailure, tuple[str, ...]] | None = None

    @property
    def ok(self) -> bool:
        """True when no finding has a severity in ``fail_on``."""
        return not self.failing

    @property
    def failing(self) -> list[ReceiverFailure]:
        """The findings whose severity fails the run."""
        return [f for f in self.failures if f.severity in self.fail_on]

    def add(self, failure: ReceiverFailure) -> None:
        """Record a failure, folding like cases into one finding with a count."""
        member = failure.members or ((failure.case,) if failure.group else ())
        for index, known in enumerate(self.failures):
            if known.key() == failure.key():
                members = known.members + tuple(m for m in member if m not in known.members)
                self.failures[index] = replace(known, count=known.count + 1, members=members)
                return
        self.failures.append(replace(failure, members=member))

    def status(self, check: str) -> str:
        """``ok``, ``skipped: why`` or ``FAILED n``, for the summary table."""
        failed = sum(f.count for f in self.failures if f.check == check)
        if failed:
            return f"FAILED {failed}"
        if check in self.skipped:
            return f"skipped: {self.skipped[check]}"
        if not self.cases.get(check):
            return "skipped: " + (
                "the run stopped before it" if self.stopped else "nothing to check in this run"
            )
        return "ok"

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
            "fail_on": sorted(self.fail_on, key=list(SEVERITIES).index),
            "requests": self.requests,
            "cases": dict(self.cases),
            "checks": {
                c.id: {"severity": c.severity, "cases": self.cases.get(c.id, 0)}
                | {"status": self.status(c.id).split(":")[0].split()[0].lower()}
                | ({"skipped": self.skipped[c.id]} if c.id in self.skipped else {})
                for c in CHECK_TABLE
            },
            "stopped": self.stopped,
            "all_refused": (
                {"causes": list(self.all_refused[1]), "case": self.all_refused[0].case}
                if self.all_refused
                else None
            ),
            "failures": [
                {
                    "check": f.check,
                    "severity": f.severity,
                    "fails_run": f.severity in self.fail_on,
                    "label": f.label,
                    "group": f.group or None,
                    "members": list(f.members),
                    "case": f.case,
                    "reason": f.reason,
                    "count": f.count,
                    "saved": str(self.saved[i]) if i < len(self.saved) else None,
                    "request": {
                        "method": f.request.method,
                        "path": f.request.path,
                        "headers": [list(h) for h in f.request.headers],
                        "body": body(f.request.body[:4000]),
                        "length": len(f.request.body),
                    },
                    "response": {
                        "status": f.response.status,
                        "error": f.response.error,
                        "raised": f.response.raised,
                        "elapsed": round(f.response.elapsed, 4),
                        "body": body(f.response.body[:2000]),
                        "app_output": f.response.output,
                    },
                }
                for i, f in enumerate(self.failures)
            ],
        }

    def to_junit(self) -> str:
        """JUnit XML: one test case per check, its severity as a property; a check's
        findings are its failure (or, outside ``fail_on``, its system-out)."""
        from xml.etree import ElementTree as ET

        suite = ET.Element(
            "testsuite",
            name="casedev-conformance receiver",
            tests=str(len(CHECK_TABLE)),
            failures=str(len({f.check for f in self.failing})),
            skipped=str(sum(1 for c in CHECKS if self.status(c).startswith("skipped"))),
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="target", value=self.target)
        ET.SubElement(props, "property", name="seed", value=str(self.seed))
        for check in CHECK_TABLE:
            case = ET.SubElement(suite, "testcase", classname="receiver", name=check.id)
            found = [f for f in self.failures if f.check == check.id]
            severities = sorted({f.severity for f in found}) or [check.severity or "inherited"]
            case_props = ET.SubElement(case, "properties")
            for severity in severities:
                ET.SubElement(case_props, "property", name="severity", value=severity)
            failing = [f for f in found if f.severity in self.fail_on]
            if failing:
                text = "\n\n".join(self._finding_text(f) for f in failing)
                first = failing[0]
                ET.SubElement(
                    case,
                    "failure",
                    type=first.severity,
                    message=f"[{first.severity}] {first.label}: {first.reason}",
                ).text = text
            elif not found and self.status(check.id).startswith("skipped"):
                ET.SubElement(case, "skipped", message=self.status(check.id)[9:])
            quiet = [f for f in found if f.severity not in self.fail_on]
            if quiet:
                ET.SubElement(case, "system-out").text = "\n\n".join(
                    "not failing (--fail-on): " + self._finding_text(f) for f in quiet
                )
        return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"

    @staticmethod
    def _finding_text(failure: ReceiverFailure) -> str:
        times = f" ({failure.count} times)" if failure.count > 1 else ""
        return (
            f"[{failure.severity}] {failure.check} [{failure.label}]{times}: {failure.reason}\n"
            f"response: {failure.response.describe()}\n"
            f"request:\n{failure.request.describe()}"
        )

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
        if self.all_refused is not None:
            example, causes = self.all_refused
            lines.append("")
            lines.append(
                f"EVERY VALID DELIVERY WAS REFUSED ({self.cases['accepts-valid']} of "
                f"{self.cases['accepts-valid']}): the receiver accepts nothing Case.dev sends. "
                "Likely causes, most likely first:"
            )
            lines.extend(f"  - {cause}" for cause in causes)
            lines.append(f"  the first refusal: {example.case}")
            lines.append(f"  response: {example.response.describe()}")
            lines.append("  request:")
            lines.extend("    " + line for line in example.request.describe().splitlines())
            lines.append("")
        for check in CHECK_TABLE:
            severity = check.severity or "(inherits)"
            lines.append(
                f"  {check.id:<24} {severity:<14} {self.cases.get(check.id, 0):>5} cases  "
                f"{self.status(check.id)}"
            )
        if self.stopped:
            lines.append(f"stopped early: {self.stopped}")
        for index, failure in enumerate(self.failures, 1):
            times = f" ({failure.count} times)" if failure.count > 1 else ""
            quiet = "" if failure.severity in self.fail_on else " (not failing: --fail-on)"
            lines.append("")
            lines.append(
                f"FAIL {index}: [{failure.severity}]{quiet} {failure.check} "
                f"[{failure.label}]{times}: {failure.reason}"
            )
            if failure.group:
                lines.append(f"  example: {failure.case}")
            lines.append(f"  response: {failure.response.describe()}")
            if failure.response.output:
                lines.append("  the app's output while answering:")
                output = failure.response.output.rstrip("\n").splitlines()
                lines.extend("    | " + line for line in output[-40:])
            if index <= len(self.saved):
                path = self.saved[index - 1]
                lines.append(f"  request saved to {path}")
                lines.append(f"  replay: {replay_command} --replay {shlex.quote(str(path))}")
            lines.append("  request:")
            lines.extend("    " + line for line in failure.request.describe().splitlines())
        skipped = [c for c in CHECKS if self.status(c).startswith("skipped")]
        if not self.failures:
            lines.append(
                f"all checks that ran passed; skipped: {', '.join(skipped)}"
                if skipped
                else "all checks passed"
            )
        elif self.ok:
            lines.append("")
            lines.append(
                f"no finding of a failing severity ({', '.join(sorted(self.fail_on))}); "
                f"{len(self.failures)} other finding(s) above"
            )
        else:
            # The verdict is the last line (what -q prints).
            counts = {s: sum(1 for f in self.failing if f.severity == s) for s in SEVERITIES}
            shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            lines.append("")
            lines.append(f"FAILED: {len(self.failing)} finding(s) fail the run ({shown})")
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
    subscribed: tuple[str, ...] | None = None
    side_effects: SideEffects | None = None
    counter: int = 0
    timeouts: int = 0
    unreachable: str | None = None
    hook_error: str | None = None
    pool: list[dict[str, Any]] = field(default_factory=list)
    accepted_pool: list[dict[str, Any]] = field(default_factory=list)
    valid_sent: int = 0
    valid_accepted: int = 0
    first_refusal: ReceiverFailure | None = None
    processed_counts: list[int] = field(default_factory=list)

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

    def wanted(self, event_type: str) -> bool:
        """Whether the receiver subscribes to ``event_type`` (all, without --subscribed)."""
        if self.subscribed is None:
            return True
        return any(matches(p, event_type) for p in self.subscribed)

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

    def garbage_signed(self, body: bytes) -> dict[str, str]:
        """Well-formed webhook headers whose signature is random: no secret involved."""
        wh = self.webhook
        msg_id, stamp = self.message_id(), self.now()
        # The receiver's scheme's label and length ("v1" HMAC or "v1a" ed25519), random bytes.
        version, _, real = wh.sign(msg_id, stamp, body).partition(",")
        noise = base64.b64encode(self.rng.randbytes(len(base64.b64decode(real)))).decode()
        return {
            wh.id_header: msg_id,
            wh.timestamp_header: str(stamp),
            wh.signature_header: f"{version},{noise}",
        }

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
                    f"(waited {response.elapsed:.2f} s); {CHECK['answers-in-time'].why}",
                    request,
                    response,
                    severity=CHECK[check].severity or "lost-delivery",
                    group=f"{check} requests",
                    members=(case,),
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
        accept: Callable[[int], bool],
        wanted: str,
        group: str = "",
        member: str = "",
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
            reason = f"expected {wanted}, got {response.status}: {CHECK[check].why}"
        severity = CHECK[check].severity or "lost-delivery"
        failure = ReceiverFailure(
            check,
            case,
            reason,
            request,
            response,
            severity=severity,
            group=group,
            members=(member or case,) if group else (),
        )
        self.report.add(failure)
        return response

    # -- valid deliveries, rotation, repeats, side effects ---------------------------

    def valid(self, envelope: dict[str, Any], label: str, group: str, check: str) -> None:
        index = self.next_index()
        serialization = SERIALIZATIONS[index % len(SERIALIZATIONS)]
        member = envelope["type"]
        if index % 3 == 0:  # additive fields: the producer may add, the consumer must not mind
            envelope = {
                **envelope,
                "api_version": "2026-05-01",
                "data": {**envelope["data"], "addedLater": {"note": "Überprüfung ✓ 日本"}},
            }
            label += ", additive fields"
            group += " with additive fields"
        subscribed = self.wanted(envelope["type"])
        accept = _is_2xx if subscribed else _is_2xx_or_4xx
        wanted = "a 2xx" if subscribed else "a 2xx or 4xx (not subscribed)"
        headers, body = self.signed(envelope, serialization)
        case = f"{label} ({serialization.name})"
        request = self.request(headers, body)
        response = self.expect(
            check, case, request, accept=accept, wanted=wanted, group=group, member=member
        )
        self.pool.append(envelope)
        if subscribed and check == "accepts-valid" and response is not None:
            self.valid_sent += 1
            if response.status is not None and _is_2xx(response.status):
                self.valid_accepted += 1
            elif self.first_refusal is None and not response.timed_out:
                self.first_refusal = ReceiverFailure(
                    check, case, "", request, response, severity="lost-delivery"
                )
        if response is not None and response.status is not None and _is_2xx(response.status):
            self.accepted_pool.append(envelope)
            self.repeat(envelope, case, request, group, member)
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
            f"{member}: the receiver's signature at position {position + 1} of {count}",
            self.request(headers, body),
            accept=accept,
            wanted=wanted,
            group="rotation",
            member=f"position {position + 1} of {count}",
        )

    def repeat(
        self, envelope: dict[str, Any], case: str, request: HttpRequest, group: str, member: str
    ) -> None:
        response = self.expect(
            "repeat-accepted",
            case,
            request,
            accept=_is_2xx,
            wanted="a 2xx",
            group=group,
            member=member,
        )
        if self.side_effects is None or self.hook_error is not None or response is None:
            return
        if response.status is None or not _is_2xx(response.status):
            return
        event_id = str(envelope["id"])
        try:
            times = self.side_effects(event_id)
            if isinstance(times, bool) or not isinstance(times, int) or times < 0:
                raise TypeError(f"expected a count >= 0, but it returned {times!r}")
        except Exception as exc:  # the hook is user code: report it, then stop
            self.hook_error = f"the side-effect hook failed for event {event_id}: {exc!r}"
            self.report.stopped = self.hook_error
            return
        self.processed_counts.append(times)
        self.report.cases["processed-once"] += 1
        if times > 1:
            self.report.add(
                ReceiverFailure(
                    "processed-once",
                    case,
                    f"event {event_id} was processed {times} times after it was delivered "
                    f"twice: {CHECK['processed-once'].why}",
                    request,
                    response,
                    severity=CHECK["processed-once"].severity or "sender",
                    group=group,
                    members=(member,),
                )
            )

    # -- forgeries, replays, labels --------------------------------------------------

    def forgeries(
        self, envelope: dict[str, Any]
    ) -> Iterator[tuple[str, str, dict[str, str], bytes]]:
        """(check, case, headers, body) for each forged, replayed or mislabelled request."""
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

        forged = "rejects-forgery"
        yield forged, "unsigned: no webhook headers", {}, body
        yield forged, f"missing {wh.id_header}", without(wh.id_header), body
        yield forged, f"missing {wh.timestamp_header}", without(wh.timestamp_header), body
        yield forged, f"missing {wh.signature_header}", without(wh.signature_header), body
        yield forged, "signed with a wrong secret", self.others[0].headers(msg_id, now, body), body
        tampered = {**fresh, "data": {**fresh["data"], "tampered": True}}
        yield (
            forged,
            "tampered body (signed before a field was added)",
            good,
            SERIALIZATIONS[0].dumps(tampered),
        )
        yield forged, "tampered body (one byte appended)", good, body + b" "
        yield forged, f"tampered {wh.id_header}", {**good, wh.id_header: msg_id + "X"}, body
        yield (
            forged,
            f"tampered {wh.timestamp_header}",
            {**good, wh.timestamp_header: str(now - 1)},
            body,
        )
        yield forged, "signature with bad base64", with_sig(f"{version},!!not*base64!!"), body
        yield forged, "empty signature header", with_sig(""), body
        yield (
            forged,
            f"signature entry '{version},' with nothing after it",
            with_sig(f"{version},"),
            body,
        )
        yield forged, "signature entry without a comma", with_sig("garbage"), body
        yield forged, "truncated signature", with_sig(f"{version},{sig[:-8]}"), body
        long_sig = base64.b64encode(self.rng.randbytes(7500)).decode("ascii")
        yield (
            forged,
            "very long signature header (10 kB)",
            with_sig(f"{version},{long_sig}"),
            body,
        )
        labels = "strict-signature-labels"
        yield labels, f"signature without '{version},'", with_sig(sig), body
        yield labels, "signature with an unknown version 'v2,'", with_sig("v2," + sig), body
        replay = "rejects-replay"
        for label, stamp in (
            (f"timestamp {wh.tolerance + 120} s old", now - wh.tolerance - 120),
            (f"timestamp {wh.tolerance + 120} s in the future", now + wh.tolerance + 120),
        ):
            yield replay, f"{label}, correctly signed", wh.headers(msg_id, stamp, body), body
        bad_stamp = "yesterday"
        content = f"{msg_id}.{bad_stamp}.".encode() + body
        if version == "v1a":
            entry = wh.sign_content(content)
        else:
            mac = base64.b64encode(hmac.new(self.key, content, hashlib.sha256).digest()).decode()
            entry = "v1," + mac
        yield (
            replay,
            "non-numeric timestamp, correctly signed",
            {**good, wh.timestamp_header: bad_stamp, wh.signature_header: entry},
            body,
        )

    def forge(self, envelope: dict[str, Any], only: int | None = None) -> None:
        for index, (check, case, headers, body) in enumerate(self.forgeries(envelope)):
            if only is not None and index != only:
                continue
            self.expect(check, case, self.request(headers, body), accept=_is_4xx, wanted="a 4xx")

    # -- hostile bodies, unsigned and signed -------------------------------------------

    def hostile_bodies(self, envelope: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
        """Bodies that break naive decoding: the same ones go out unsigned, with a garbage
        signature (``anyone`` can send those) and correctly signed (only the sender)."""
        fresh = {**envelope, "id": self.event_id()}
        body = SERIALIZATIONS[0].dumps(fresh)
        yield "not UTF-8", body.replace(b'"data"', b'"d\xe4ta"', 1) + b"\xff"
        marked = SERIALIZATIONS[0].dumps({**fresh, "note": "Überprüfung ✓"})
        cut = marked.index("✓".encode()) + 1
        yield "cut in the middle of a character", marked[:cut]
        yield f"nested {_NESTING} arrays deep", b"[" * _NESTING + b"]" * _NESTING

    def hostile(self, envelope: dict[str, Any]) -> None:
        bodies = list(self.hostile_bodies(envelope))
        huge = SERIALIZATIONS[0].dumps(
            {**envelope, "id": self.event_id(), "data": {"padding": "x" * _HUGE}}
        )
        for name, body in [*bodies, ("a 1 MiB JSON object", huge)]:
            for how, headers in (
                ("unsigned", {}),
                ("garbage signature", self.garbage_signed(body)),
            ):
                self.expect(
                    "rejects-hostile-bodies",
                    f"body {name}, {how}",
                    self.request(headers, body),
                    accept=_is_4xx,
                    wanted="a 4xx",
                    group=f"hostile bodies, {how}",
                    member=name,
                )

    def junk(self, envelope: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
        fresh = {**envelope, "id": self.event_id()}
        body = SERIALIZATIONS[0].dumps(fresh)
        yield "a JSON array", b"[]"
        yield "a JSON array of the delivery", b"[" + body + b"]"
        yield "a JSON string", b'"evt"'
        yield "JSON null", b"null"
        yield "a JSON number", b"42"
        yield "not JSON", b"id=" + fresh["id"].encode() + b"&type=x"
        yield "empty", b""
        yield "truncated JSON", body[: max(1, len(body) // 2)]
        yield from self.hostile_bodies(envelope)

    def signed_junk(self, envelope: dict[str, Any]) -> None:
        for name, raw in self.junk(envelope):
            headers, body = self.signed(raw)
            self.expect(
                "signed-junk",
                f"body {name}, correctly signed",
                self.request(headers, body),
                accept=_is_2xx_or_4xx,
                wanted="a 4xx or a 2xx",
                group="signed bodies that are not a JSON object",
                member=name,
            )

    # -- schema breaks -------------------------------------------------------------------

    def schema_breaks(self, envelope: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        fresh = {**envelope, "id": self.event_id()}
        data = fresh["data"]
        yield "data is a string", {**fresh, "data": "not an object"}
        yield "data is null", {**fresh, "data": None}
        yield "data is an array", {**fresh, "data": [data]}
        yield "data missing", {k: v for k, v in fresh.items() if k != "data"}
        yield "type missing", {k: v for k, v in fresh.items() if k != "type"}
        yield "id missing", {k: v for k, v in fresh.items() if k != "id"}
        yield "type is a number", {**fresh, "type": 42}
        yield "id is a number", {**fresh, "id": 7}
        yield "occurred_at is not a date", {**fresh, "occurred_at": "yesterday"}
        if isinstance(data, dict) and data:
            first = next(iter(data))
            wrong: Any = 12.5 if isinstance(data[first], str) else "a string"
            yield "a data field has the wrong type", {**fresh, "data": {**data, first: wrong}}
            yield (
                "a data field is missing",
                {**fresh, "data": {k: v for k, v in data.items() if k != first}},
            )

    def breaks(self, envelope: dict[str, Any]) -> None:
        for case, value in self.schema_breaks(envelope):
            # Each break is a new event, not a repeat of the last one.
            broken = {**value, "id": self.event_id()} if isinstance(value.get("id"), str) else value
            headers, body = self.signed(broken)
            self.expect(
                "tolerates-schema-breaks",
                f"{case} ({envelope['type']})",
                self.request(headers, body),
                accept=_not_5xx,
                wanted="anything but a 5xx",
                group=case,
                member=str(envelope["type"]),
            )

    # -- after the run -------------------------------------------------------------------

    def conclude(self) -> None:
        """Skipped checks with their reasons, and the all-refused diagnosis."""
        report = self.report
        if self.side_effects is None:
            report.skipped["processed-once"] = (
                "no side-effect hook (side_effects=, or --side-effects / "
                "--side-effects-url / --side-effects-command)"
            )
        elif self.processed_counts and not any(self.processed_counts):
            report.skipped["processed-once"] = (
                f"the side-effect hook reported 0 processings for all "
                f"{len(self.processed_counts)} accepted deliveries; is it counting by event id?"
            )
        if not report.cases["repeat-accepted"] and not report.stopped:
            report.skipped["repeat-accepted"] = "no delivery was accepted, so none was repeated"
            report.skipped.setdefault("processed-once", "no delivery was accepted twice")
        if self.valid_sent and not self.valid_accepted and self.first_refusal is not None:
            report.all_refused = (self.first_refusal, self.causes(self.first_refusal.response))

    def causes(self, response: HttpResponse) -> tuple[str, ...]:
        wh = self.webhook
        prefix = wh.id_header.rsplit("-", 1)[0]
        path = (
            f"the path: deliveries go to {self.path}; is the receiver listening there? "
            "(--receiver-path for --app, the URL's path for --url)"
        )
        secret = (
            "the secret: is it this endpoint's whsec_ signing secret? The part after "
            "'whsec_' is base64 and its decoded bytes are the HMAC key"
        )
        headers = (
            f"the header prefix: the signature headers are {wh.id_header}, "
            f"{wh.timestamp_header} and {wh.signature_header}; a receiver reading "
            f"webhook-* or svix-* headers needs --header-prefix webhook or svix "
            f"(now {prefix})"
        )
        crash = "the receiver crashes on every delivery: see the exception and its output"
        status = response.status
        if status in (404, 405) or (status is not None and 300 <= status < 400):
            return (path, secret, headers)
        if status is not None and status >= 500:
            return (crash, secret, headers, path)
        return (secret, headers, path)


def _is_2xx(status: int) -> bool:
    return 200 <= status < 300


def _is_4xx(status: int) -> bool:
    return 400 <= status < 500


def _is_2xx_or_4xx(status: int) -> bool:
    return _is_2xx(status) or _is_4xx(status)


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
    subscribed: str | Sequence[str] | None = None,
    side_effects: SideEffects | None = None,
    fail_on: str | Sequence[str] = "all",
) -> ReceiverReport:
    """Send signed deliveries (valid, repeated, rotated, forged, hostile, junk,
    schema-breaking) to a receiver and check its answers against the delivery contract.

    Give exactly one of ``app`` (a WSGI or ASGI app, run in-process at ``receiver_path``)
    and ``url`` (a running server). ``secret`` is the receiver's signing secret
    (``whsec_``), or a ``whsk_`` ed25519 signing key to sign with Standard Webhooks
    ``v1a`` (the receiver then verifies with the matching ``whpk_`` public key);
    ``events`` filters the catalog (Case.dev filter syntax); ``max_examples`` payloads
    are drawn per event; ``time_limit`` is the seconds an answer may take. With
    ``save_dir``, each failing request is written there for replay. ``cacert`` is a PEM
    file of CA certificates to trust for an https ``url``. A receiver that cannot be
    reached at all (refused, DNS, TLS) raises ``FuzzError``.

    ``subscribed`` (filter patterns) names the event types the endpoint subscribes to:
    others may be refused with any 4xx. ``side_effects(event_id)`` returns how many
    times the receiver processed an event; with it, ``processed-once`` checks that a
    repeated delivery is processed once. ``fail_on`` picks the severities that make
    :attr:`ReceiverReport.ok` false (default: all). An in-process app's prints and logs
    are kept with each response rather than reaching the terminal.
    """
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise UsageError(f"Expected max_examples >= 1, but got max_examples={max_examples!r}")
    if not isinstance(time_limit, (int, float)) or time_limit <= 0:
        raise UsageError(f"Expected a positive time_limit in seconds, but got {time_limit!r}")
    if not isinstance(receiver_path, str) or not receiver_path.startswith("/"):
        raise UsageError(f"Expected receiver_path to start with '/', but got {receiver_path!r}")
    if side_effects is not None and not callable(side_effects):
        raise UsageError(f"Expected a callable side_effects, but got {side_effects!r}")
    severities = parse_severities(fail_on)
    subscriptions = _patterns(subscribed)
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
    report = ReceiverReport(target=transport.description, seed=chosen_seed, fail_on=severities)
    run = _Run(
        transport,
        webhook,
        key,
        path,
        host,
        float(time_limit),
        rng,
        report,
        others,
        subscribed=subscriptions,
        side_effects=side_effects,
    )
    try:
        with capture_app_output():
            if isinstance(transport, ASGITransport):
                transport.start()  # lifespan startup; a failure is a usage error, first
            _drive(run, selected, max_examples, chosen_seed)
    finally:
        transport.close()
    if run.unreachable is not None:
        raise FuzzError(run.unreachable)
    if run.hook_error is not None:
        raise UsageError(run.hook_error)
    run.conclude()
    order = list(SEVERITIES)
    report.failures.sort(key=lambda f: (order.index(f.severity), CHECKS.index(f.check)))
    if save_dir is not None and report.failures:
        report.save(save_dir)
    return report


def _patterns(subscribed: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if subscribed is None:
        return None
    items = [subscribed] if isinstance(subscribed, str) else list(subscribed)
    patterns = tuple(p for item in items for p in item.replace(",", " ").split())
    if not patterns:
        raise UsageError(f"Expected event filter patterns, but got subscribed={subscribed!r}")
    for pattern in patterns:
        check_pattern(pattern)
    return patterns


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

    def explore(
        name: str, strategy: st.SearchStrategy[Any], label: str, group: str, check: str
    ) -> None:
        @hypothesis_seed(seed)
        @search_settings(max_examples=max_examples)
        @given(strategy)
        def one(data: dict[str, Any]) -> None:
            if not run.stopped:
                run.valid(envelope(name, data), label, group, check)

        one()

    for event in catalog:
        if run.stopped:
            return
        strategy = _payload_strategy(catalog, event.name)
        explore(
            event.name,
            strategy,
            f"event {event.name}",
            f"{event.stability} events",
            "accepts-valid",
        )
    for name in _UNKNOWN_TYPES:
        if name in catalog or run.stopped:
            continue
        group = "the test event" if name == "webhook.test" else "unknown event types"
        label = f"test event {name}" if name == "webhook.test" else f"unknown event type {name}"
        explore(name, _unknown_data(), label, group, "accepts-unknown-types")
    # Probes build on deliveries the receiver took, so a --subscribed filter or a
    # receiver's own choices do not turn every probe into a refusal for another reason.
    pool = run.accepted_pool or run.pool or [envelope("webhook.test", {})]
    forgery_count = sum(1 for _ in run.forgeries(pool[0]))
    for index in range(max(forgery_count, len(pool))):
        if run.stopped:
            return
        run.forge(pool[index % len(pool)], only=index % forgery_count)
    if run.stopped:
        return
    run.hostile(pool[0])
    for index in range(min(len(pool), 2)):
        if run.stopped:
            return
        run.signed_junk(pool[(index * 5) % len(pool)])
    for index in range(min(len(pool), max(3, max_examples))):
        if run.stopped:
            return
        run.breaks(pool[(index * 7) % len(pool)])

"""Fuzz a webhook handler with every delivery the contract allows.

``fuzz`` runs one Hypothesis search per fuzz case (each selected event, then each
contract rule), hands every drawn delivery sequence to the handler, lets Hypothesis
shrink failures, reports each distinct failure (exception type + handler line) once
with its minimal failing delivery, and saves that delivery as a JSON file that
``replay`` (and ``casedev-conformance replay``) reruns without Hypothesis.

Each failure is attributed to the case that owns it (``FuzzCase.owner``): the failing
delivery's plain counterpart is rerun, and a failure that survives it is the event's
(reported under the event name even when a contract case found it), one that does not
is the contract case's (duplicates, order, extras, timestamp forms).

Handler state persists across deliveries, examples and cases, as in production. The
failure recorded for a bug is the last one Hypothesis produced for it, which is its
shrunk example; if the handler's state makes that replay pass (a flaky failure), the
last failing example seen is reported instead.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._catalog import Catalog
from .._errors import ConformanceError, FuzzError, InputError, UsageError
from .._files import make_dir, write_file
from .._generation import SEARCH, FuzzCase, build_cases, search_settings
from ._handler import DEFAULT_DEADLINE, Frame, HandlerFailure, check_handler, describe_exception
from ._ownership import owner as owner_of

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_EXAMPLES",
    "FAILURE_FORMAT",
    "Frame",
    "FuzzCase",
    "FuzzReport",
    "HandlerFailure",
    "check_handler",
    "fuzz",
    "fuzz_cases",
    "load_failure",
    "replay",
    "save_failure",
]

if TYPE_CHECKING:
    pass

DEFAULT_MAX_EXAMPLES = 50
DEFAULT_FAILURES_DIR = Path(".conformance") / "failures"
FAILURE_FORMAT = "casedev-conformance/failure/1"

Progress = Callable[["CaseResult", int, int], None]


def fuzz_cases(
    events: str | Iterable[str] = "*",
    *,
    contract: bool = True,
    catalog: Catalog | None = None,
) -> list[FuzzCase]:
    """One case per selected event (id = the event name), then, in contract mode, one
    per contract rule (``contract:unknown-event-type``, ``contract:duplicate-delivery``,
    ``contract:out-of-order``, ...). Each case's strategy draws a list of deliveries."""
    return build_cases(events, contract=contract, catalog=catalog, record=True)


@dataclass(frozen=True)
class CaseResult:
    """How one fuzz case went."""

    id: str
    examples: int
    failures: int
    seconds: float


@dataclass
class FuzzReport:
    """The outcome of ``fuzz``: distinct failures (deduplicated) and per-case figures."""

    handler: str
    events: tuple[str, ...]
    contract: bool
    seed: int
    max_examples: int
    cases: list[CaseResult] = field(default_factory=list)
    failures: list[HandlerFailure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the handler survived every delivery."""
        return not self.failures

    @property
    def examples(self) -> int:
        """Delivery sequences handed to the handler in total (shrinking included)."""
        return sum(c.examples for c in self.cases)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (what ``--report FILE`` writes)."""
        return {
            "handler": self.handler,
            "events": list(self.events),
            "contract": self.contract,
            "seed": self.seed,
            "max_examples": self.max_examples,
            "ok": self.ok,
            "examples": self.examples,
            "seconds": round(self.seconds, 3),
            "cases": [
                {
                    "id": c.id,
                    "examples": c.examples,
                    "failures": c.failures,
                    "seconds": round(c.seconds, 3),
                }
                for c in self.cases
            ],
            "failures": [failure_record(f) for f in self.failures],
        }


def failure_record(failure: HandlerFailure) -> dict[str, Any]:
    """The JSON form of a failure (also the body of a saved failure file)."""
    return {
        "format": FAILURE_FORMAT,
        "case": failure.case,
        "event": failure.event,
        "kind": failure.kind,
        "exception": describe_exception(failure.exception) if failure.kind == "exception" else None,
        "deadline": failure.deadline,
        "frame": None if failure.frame is None else {
            "file": failure.frame.filename,
            "line": failure.frame.lineno,
            "function": failure.frame.function,
            "code": failure.frame.line,
        },
        "summary": failure.summary,
        "failing_index": failure.index,
        "deliveries": failure.deliveries,
        "file": None if failure.path is None else str(failure.path),
    }  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "failure"


def save_failure(failure: HandlerFailure, directory: str | Path) -> Path:
    """Write ``failure`` as a replayable JSON file in ``directory``; return its path.

    The name is derived from the case and the deliveries, so the same failure saved
    twice lands in the same file.
    """
    folder = make_dir(directory, what="failures folder")
    body = json.dumps(failure.deliveries, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(body.encode()).hexdigest()[:10]
    path = folder / f"{_slug(failure.case or failure.event or 'delivery')}-{digest}.json"
    failure.path = path
    text = json.dumps(failure_record(failure), indent=2, ensure_ascii=False, allow_nan=False)
    write_file(path, text + "\n", what="failure file")
    return path


#: The keys without which a JSON object is not a delivery at all (a handler dispatches on
#: ``type`` and reads ``data``).
DELIVERY_KEYS = ("type", "data")


def load_failure(path: str | Path) -> list[dict[str, Any]]:
    """The deliveries in a saved failure file, a JSON list of deliveries or one delivery."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=file) from None
    except ValueError as exc:
        raise InputError(f"invalid JSON: {exc}", file=file) from None
    if isinstance(data, dict) and "deliveries" in data:
        deliveries, pointer = data["deliveries"], "/deliveries"
    elif isinstance(data, dict):
        deliveries, pointer = [data], ""
    else:
        deliveries, pointer = data, ""
    if not isinstance(deliveries, list) or not all(isinstance(d, dict) for d in deliveries):
        raise InputError(
            "expected a failure file, a delivery object or a list of deliveries",
            file=file,
            pointer=pointer,
        )
    if not deliveries:
        raise InputError("no deliveries to replay", file=file, pointer=pointer)
    for index, delivery in enumerate(deliveries):
        # {} or {"hello": 1} would "pass" any handler: refuse what is not a delivery.
        missing = [k for k in DELIVERY_KEYS if k not in delivery]
        where = pointer if isinstance(data, dict) and pointer == "" else f"{pointer}/{index}"
        if missing:
            raise InputError(
                f"not a delivery (no {', '.join(missing)}); expected a failure file saved "
                "by `fuzz`, a delivery object or a list of deliveries",
                file=file,
                pointer=where,
            )
        if not isinstance(delivery["type"], str):
            raise InputError(
                "not a delivery: type is not a string", file=file, pointer=where + "/type"
            )
    return deliveries


def replay(
    path: str | Path,
    handler: Callable[[dict[str, Any]], Any] | str,
    *,
    deadline: float | None = DEFAULT_DEADLINE,
) -> int:
    """Rerun the deliveries saved in ``path`` on ``handler``, in order.

    Returns how many deliveries were handed over; raises ``HandlerFailure`` if the
    handler still fails (so a test calling ``replay`` fails too).
    """
    deliveries = load_failure(path)
    check_handler(_as_handler(handler), deliveries, deadline=deadline)
    return len(deliveries)


def _as_handler(handler: Callable[[dict[str, Any]], Any] | str) -> Callable[[dict[str, Any]], Any]:
    if isinstance(handler, str):
        from ._target import load_target

        return load_target(handler)
    if not callable(handler):
        raise UsageError(
            f"Expected a callable or a 'module:callable' target, but got handler={handler!r} "
            f"(type={type(handler).__name__})"
        )
    return handler


def _handler_name(handler: Any) -> str:
    module = getattr(handler, "__module__", None) or ""
    name = getattr(handler, "__qualname__", None) or type(handler).__qualname__
    return f"{module}:{name}" if module else str(name)


def _check_args(max_examples: Any, seed: Any, deadline: Any) -> None:
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise UsageError(
            f"Expected max_examples to be a positive integer, but got max_examples={max_examples!r}"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise UsageError(f"Expected seed to be an integer or None, but got seed={seed!r}")
    if deadline is not None and (
        isinstance(deadline, bool) or not isinstance(deadline, int | float) or not deadline > 0
    ):
        raise UsageError(
            f"Expected deadline to be a positive number of seconds or None, but got deadline={deadline!r}"
        )


class _Search:
    """Runs one case under Hypothesis and keeps the failures it produced."""

    def __init__(
        self,
        handler: Callable[[dict[str, Any]], Any],
        deadline: float | None,
        known: frozenset[tuple[str, ...]] = frozenset(),
        events: Mapping[str, FuzzCase] | None = None,
    ) -> None:
        self.handler = handler
        self.deadline = deadline
        self.known = known
        self.events = events or {}
        self.examples = 0
        self.failures: dict[tuple[str, ...], HandlerFailure] = {}
        self.timed_out = False

    def run(self, case: FuzzCase, *, max_examples: int, seed: int) -> None:
        from hypothesis import given
        from hypothesis import seed as seed_decorator
        from hypothesis.errors import HypothesisException

        @seed_decorator(seed)
        @search_settings(max_examples=max_examples, phases=SEARCH, report_multiple_bugs=True)
        @given(case.strategy)
        def search(deliveries: list[dict[str, Any]]) -> None:
            if self.timed_out:
                # A hung handler: do not spend a deadline per shrinking step.
                return
            self.examples += 1
            try:
                check_handler(self.handler, deliveries, deadline=self.deadline)
            except HandlerFailure as failure:
                owner = owner_of(
                    case,
                    self.handler,
                    deliveries,
                    failure,
                    deadline=self.deadline,
                    events=self.events,
                )
                if owner is None:
                    # Another contract case's bug (it finds and reports it): a pass here.
                    return
                if failure.key in self.known:
                    # Found and shrunk by an earlier case: reported once, so keep
                    # searching this case for other bugs instead of shrinking it again.
                    return
                failure.case = owner  # this case, or the event whose bug it is
                self.failures[failure.key] = failure
                if failure.kind == "timeout":
                    self.timed_out = True
                raise

        try:
            search()
        except HandlerFailure:
            pass
        except ConformanceError:
            raise
        except Exception as exc:
            if self.failures:
                return  # Hypothesis' report of failures we already recorded (or flaky ones)
            if isinstance(exc, HypothesisException):
                raise FuzzError(
                    f"generating deliveries failed: {type(exc).__name__}: {exc}", event=case.id
                ) from exc
            raise


def fuzz(
    handler: Callable[[dict[str, Any]], Any] | str,
    events: str | Iterable[str] = "*",
    *,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int | None = None,
    contract: bool = True,
    deadline: float | None = DEFAULT_DEADLINE,
    catalog: Catalog | None = None,
    failures_dir: str | Path | None = DEFAULT_FAILURES_DIR,
    progress: Progress | None = None,
    cases: Sequence[FuzzCase] | None = None,
) -> FuzzReport:
    """Fuzz ``handler`` (a callable, or a ``module:callable`` / ``file.py:callable``
    target) with every delivery the contract allows for ``events``.

    ``max_examples`` is per case (each event and each contract rule); ``seed`` makes a
    run repeatable (a random one is chosen and reported otherwise); ``deadline`` is the
    per-delivery time limit in seconds; failing deliveries are saved in ``failures_dir``
    (None: not saved); ``progress(case_result, done, total)`` is called after each case.
    """
    _check_args(max_examples, seed, deadline)
    func = _as_handler(handler)
    if cases is None:
        cases = fuzz_cases(events, contract=contract, catalog=catalog)
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    events_tuple = (events,) if isinstance(events, str) else tuple(events)
    report = FuzzReport(
        handler=handler if isinstance(handler, str) else _handler_name(func),
        events=events_tuple,
        contract=contract,
        seed=seed,
        max_examples=max_examples,
    )
    started = time.perf_counter()
    distinct: dict[tuple[str, ...], HandlerFailure] = {}
    events = {c.id: c for c in cases if not c.is_contract}
    for done, case in enumerate(cases, start=1):
        case_started = time.perf_counter()
        search = _Search(func, deadline, frozenset(distinct), events)
        search.run(case, max_examples=max_examples, seed=seed)
        for key, failure in search.failures.items():
            distinct.setdefault(key, failure)
        result = CaseResult(
            case.id, search.examples, len(search.failures), time.perf_counter() - case_started
        )
        report.cases.append(result)
        if progress is not None:
            progress(result, done, len(cases))
    report.failures = list(distinct.values())
    # A failure found by one case may belong to another (a contract case meeting an
    # event's bug): count each under the case that owns it.
    owned = collections.Counter(f.case for f in report.failures)
    report.cases = [dataclasses.replace(c, failures=owned[c.id]) for c in report.cases]
    if failures_dir is not None:
        for failure in report.failures:
            save_failure(failure, failures_dir)
    report.seconds = time.perf_counter() - started
    return report

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
from typing import Any

from .._catalog import Catalog
from .._errors import InputError, UsageError
from .._files import make_dir, write_file
from .._generation import CORPUS_CASE, FuzzCase, build_cases, corpus_case
from .._ids import seeded_ids
from ._cases import run_case
from ._corpus import Corpus, CorpusProblem, load_corpus
from ._coverage import Coverage, coverage_table
from ._database import DatabaseSpec, open_database
from ._handler import DEFAULT_DEADLINE, Frame, HandlerFailure, check_handler, describe_exception
from ._worker import Handler

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
    #: What was tried: per event, examples and failures per rule.
    coverage: Coverage = field(default_factory=Coverage)
    #: Captured deliveries (``corpus``) that were not valid, so not used.
    corpus_problems: list[CorpusProblem] = field(default_factory=list)
    #: Valid captured deliveries replayed (and mutated).
    corpus_size: int = 0
    #: Delivery sequences replayed before searching (saved failures, captured traffic).
    replayed: int = 0

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
            "coverage": self.coverage.to_dict(),
            "corpus": {
                "used": self.corpus_size,
                "invalid": [p.to_dict() for p in self.corpus_problems],
            },
            "replayed": self.replayed,
        }


def failure_record(failure: HandlerFailure) -> dict[str, Any]:
    """The JSON form of a failure (also the body of a saved failure file)."""
    return {
        "format": FAILURE_FORMAT,
        "case": failure.case,
        "event": failure.event,
        "kind": failure.kind,
        "detail": failure.detail,
        "exception": describe_exception(failure.exception) if failure.kind == "exception" else None,
        "deadline": failure.deadline,
        "frame": None if failure.frame is None else {
            "file": failure.frame.filename,
            "line": failure.frame.lineno,
            "function": failure.frame.function,
            "code": failure.frame.line,
        },
        "summary": failure.summary,
        "owner": failure.owner,
        "evidence": failure.evidence,
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
    isolation: str | None = None,
    memory_limit: int | None = None,
) -> int:
    """Rerun the deliveries saved in ``path`` on ``handler``, in order.

    Returns how many deliveries were handed over; raises ``HandlerFailure`` if the
    handler still fails (so a test calling ``replay`` fails too). ``isolation`` and
    ``memory_limit`` are as for ``fuzz``.
    """
    deliveries = load_failure(path)
    runner, owned = _as_handler(handler, isolation, memory_limit)
    try:
        check_handler(runner, deliveries, deadline=deadline)
    finally:
        if owned:
            runner.close()
    return len(deliveries)


def _as_handler(
    handler: Callable[[dict[str, Any]], Any] | str,
    isolation: str | None = None,
    memory_limit: int | None = None,
) -> tuple[Handler, bool]:
    """The ``Handler`` to run, loaded (a target that cannot be imported is a
    ``UsageError`` now), and whether it was made here (so its worker is ours to end)."""
    if isinstance(handler, Handler) and isolation is None and memory_limit is None:
        return handler, False
    if not isinstance(handler, str) and not callable(handler):
        raise UsageError(
            f"Expected a callable or a 'module:callable' target, but got handler={handler!r} "
            f"(type={type(handler).__name__})"
        )
    if isinstance(handler, Handler):
        target: Any = handler.spec if handler.spec is not None else handler.func
        isolation = isolation or handler.isolation
        memory_limit = handler.memory_limit if memory_limit is None else memory_limit
    else:
        target = handler
    runner = Handler(target, isolation=isolation, memory_limit=memory_limit)
    runner.load()
    return runner, True


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
    observe: Callable[[dict[str, Any]], Any] | None = None,
    isolation: str | None = None,
    memory_limit: int | None = None,
    corpus: Sequence[str | Path] | Corpus | None = None,
    database: DatabaseSpec = None,
) -> FuzzReport:
    """Fuzz ``handler`` (a callable, or a ``module:callable`` / ``file.py:callable``
    target) with every delivery the contract allows for ``events``.

    ``max_examples`` is per event case; each contract case tries its rule on every
    selected event (``stratum_examples`` each); ``seed`` makes a run repeatable, event
    ids included (a random one is chosen and reported otherwise); ``deadline`` is the
    per-delivery time limit in seconds; failing deliveries are saved in ``failures_dir``
    (None: not saved) and the ones saved there earlier are replayed first;
    ``corpus`` (files of captured deliveries) is replayed next and seeds a ``corpus``
    case of mutations of it; ``database`` (a folder, a ``redis://`` URL, ``readonly:``
    one of those, several of them, or a Hypothesis database) keeps failing examples
    so the next run, or another CI shard, replays them first;
    ``progress(case_result, done, total)`` is called after each case; ``observe`` is
    passed to ``check_handler`` (usage recording: ``conformance._usage``).

    ``isolation`` is ``"process"`` (the default: the handler runs in a worker process
    that is killed and replaced when it hangs, exits, crashes, forks or goes past a
    limit) or ``"thread"`` (in this process; see docs/isolation.md for what that cannot
    protect against); ``memory_limit`` is the MiB of address space a worker may add to
    its size at start (0: no limit). A target is imported in the worker, never here.
    """
    _check_args(max_examples, seed, deadline)
    func, owned = _as_handler(handler, isolation, memory_limit)
    try:
        return _fuzz(func, handler, events, cases, catalog=catalog, max_examples=max_examples,
                     seed=seed, contract=contract, deadline=deadline,
                     failures_dir=failures_dir, progress=progress, corpus=corpus,
                     database=database, observe=observe)  # fmt: skip
    finally:
        if owned:
            func.close()


def _fuzz(
    func: Handler,
    handler: Callable[[dict[str, Any]], Any] | str,
    events: str | Iterable[str],
    cases: Sequence[FuzzCase] | None,
    *,
    catalog: Catalog | None,
    max_examples: int,
    seed: int | None,
    contract: bool,
    deadline: float | None,
    failures_dir: str | Path | None,
    progress: Progress | None,
    corpus: Sequence[str | Path] | Corpus | None,
    database: DatabaseSpec,
    observe: Callable[[dict[str, Any]], Any] | None,
) -> FuzzReport:
    captured = corpus if isinstance(corpus, Corpus) else load_corpus(corpus or (), catalog=catalog)
    if cases is None:
        cases = fuzz_cases(events, contract=contract, catalog=catalog)
    cases = list(cases)
    mutations = corpus_case(captured.deliveries, events, catalog=catalog, contract=contract)
    if mutations is not None:
        cases.insert(0, mutations)
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    events_tuple = (events,) if isinstance(events, str) else tuple(events)
    report = FuzzReport(
        handler=handler if isinstance(handler, str) else func.name,
        events=events_tuple,
        contract=contract,
        seed=seed,
        max_examples=max_examples,
        corpus_problems=list(captured.problems),
        corpus_size=len(captured.deliveries),
    )
    started = time.perf_counter()
    by_id = {c.id: c for c in cases}
    replays = _replays(by_id, failures_dir, captured.deliveries)
    report.replayed = sum(len(v) for v in replays.values())
    db = open_database(database)
    distinct: dict[tuple[str, ...], HandlerFailure] = {}
    orphans: dict[tuple[str, ...], HandlerFailure] = {}
    coverage: collections.Counter[tuple[str, str]] = collections.Counter()
    cells: dict[tuple[str, ...], tuple[str, str]] = {}
    with seeded_ids(seed):
        for done, case in enumerate(cases, start=1):
            run = run_case(
                case,
                func,
                max_examples=max_examples,
                seed=seed,
                deadline=deadline,
                cases=by_id,
                known=frozenset(distinct),
                replay=replays.get(case.id, ()),
                database=db,
                target=report.handler,
                observe=observe,
            )
            for key, failure in run.failures.items():
                if key not in distinct:
                    distinct[key] = failure
                    cells[key] = run.cells[key]
            for key, failure in run.orphans.items():
                if key not in orphans:
                    orphans[key] = failure
                    cells.setdefault(key, run.cells[key])
            coverage.update(run.coverage)
            result = CaseResult(case.id, run.examples, len(run.failures), run.seconds)
            report.cases.append(result)
            if progress is not None:
                progress(result, done, len(cases))
    # Nothing found is lost: a failure whose owner did not reproduce it is reported
    # under the case that saw it, with the evidence.
    for key, failure in orphans.items():
        distinct.setdefault(key, failure)
    report.failures = list(distinct.values())
    # Each failure in the cell of its event and of the case that reports it.
    reported = [
        (cells[f.key][0], by_id[f.case].rule if f.case in by_id else cells[f.key][1])
        for f in report.failures
    ]
    report.coverage = coverage_table(cases, coverage, reported)
    # A failure found by one case may belong to another (a contract case meeting an
    # event's bug): count each under the case that reports it.
    owned = collections.Counter(f.case for f in report.failures)
    report.cases = [dataclasses.replace(c, failures=owned[c.id]) for c in report.cases]
    if failures_dir is not None:
        for failure in report.failures:
            save_failure(failure, failures_dir)
    report.seconds = time.perf_counter() - started
    return report


def _replays(
    cases: Mapping[str, FuzzCase],
    failures_dir: str | Path | None,
    captured: Sequence[dict[str, Any]],
) -> dict[str, list[list[dict[str, Any]]]]:
    """What each case hands the handler before it searches: the failures saved in
    ``failures_dir`` by earlier runs (under the case that reported them), then the
    captured deliveries, each alone (under the ``corpus`` case)."""
    out: dict[str, list[list[dict[str, Any]]]] = collections.defaultdict(list)
    for case_id, deliveries in saved_failures(failures_dir):
        if case_id in cases:
            out[case_id].append(deliveries)
    if CORPUS_CASE in cases:
        out[CORPUS_CASE].extend([delivery] for delivery in captured)
    return out


def saved_failures(directory: str | Path | None) -> list[tuple[str, list[dict[str, Any]]]]:
    """(case, deliveries) of every failure file ``save_failure`` left in ``directory``
    (files that are not ours, or unreadable, are skipped: they are the user's)."""
    if directory is None:
        return []
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or record.get("format") != FAILURE_FORMAT:
            continue
        deliveries = record.get("deliveries")
        case_id = record.get("case")
        if (
            isinstance(case_id, str)
            and isinstance(deliveries, list)
            and deliveries
            and all(isinstance(d, dict) for d in deliveries)
        ):
            found.append((case_id, deliveries))
    return found

"""The one case runner: a fuzz case's deliveries through the handler, judged and counted.

Both ``fuzz`` and the pytest plugin's items run a case through :func:`run_case`:

1. deliveries to replay first (saved failures, captured traffic, another case's
   unreproduced finds) go straight to the handler;
2. then one Hypothesis search per stratum of the case: an event case has one (its
   event, ``max_examples`` examples); a contract case has one per selected event (or
   per family of related events), each given ``stratum_examples`` examples, so every
   rule meets every event however large the selection.

Every failure is attributed with the plain-counterpart rule (``owner``). Ownership
decides *where* a failure is reported, never *whether*: a failure this case sees but
does not own is kept in ``CaseRun.orphans`` (with its owner and the evidence) so the
caller can report it under its owner if the owner reproduces it, and under this case
otherwise.
"""

from __future__ import annotations

import collections
import math
import time
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._errors import ConformanceError, FuzzError
from .._generation import FuzzCase, search_settings
from ._handler import HandlerFailure, check_handler
from ._ownership import owner as owner_of

if TYPE_CHECKING:
    from hypothesis import settings as Settings
    from hypothesis.database import ExampleDatabase
    from hypothesis.strategies import SearchStrategy

Key = tuple[str, ...]
Handler = Callable[[dict[str, Any]], Any]

#: Examples each stratum of a contract case gets at least (a rule on one event).
MIN_STRATUM_EXAMPLES = 3


def stratum_examples(max_examples: int, strata: int) -> int:
    """Examples per stratum: a case's ``max_examples`` shared among its strata, but at
    least ``MIN_STRATUM_EXAMPLES`` each (the whole budget when there is one)."""
    if strata <= 1:
        return max_examples
    return max(MIN_STRATUM_EXAMPLES, math.ceil(max_examples / strata))


@dataclass
class CaseRun:
    """What running one case produced."""

    case: FuzzCase
    #: Delivery sequences handed to the handler (replays, searches and shrinking).
    examples: int = 0
    #: Failures this case reports, by key (``failure.case`` is the owner: this case,
    #: or the event whose bug a contract case met).
    failures: dict[Key, HandlerFailure] = field(default_factory=dict)
    #: Failures this case saw but another case owns (``failure.owner``; None when no
    #: case's counterpart tells), first sighting of each.
    orphans: dict[Key, HandlerFailure] = field(default_factory=dict)
    #: (event, rule) -> sequences that put ``rule`` to the test on ``event``.
    coverage: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    #: failure key -> the (event, rule) cell it was found in.
    cells: dict[Key, tuple[str, str]] = field(default_factory=dict)
    seconds: float = 0.0
    timed_out: bool = False


def _evidence(seen_by: str, owner: str | None) -> str:
    if owner is None:
        return (
            f"seen by {seen_by}; no case's plain counterpart tells whose it is "
            "(it needs more than one contract addition), so it is reported here"
        )
    return (
        f"seen by {seen_by}; the plain-counterpart rule gives it to {owner}, whose own "
        "search did not reproduce it, so it is reported here"
    )


def disown(failure: HandlerFailure, seen_by: str, owner: str | None) -> HandlerFailure:
    """Mark ``failure`` as reported by ``seen_by`` on behalf of ``owner``."""
    failure.case = seen_by
    failure.owner = owner
    failure.evidence = _evidence(seen_by, owner)
    return failure


class _Judge:
    """Hands one sequence to the handler and sorts out any failure."""

    def __init__(
        self,
        run: CaseRun,
        handler: Handler,
        deadline: float | None,
        cases: Mapping[str, FuzzCase],
        known: Collection[Key],
        *,
        observe: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        self.run = run
        self.handler = handler
        self.observe = observe
        self.deadline = deadline
        self.cases = cases
        self.known = known
        #: Keys earlier strata of this case reported (searched no further here).
        self.prior: frozenset[Key] = frozenset()
        #: The events of the stratum being searched.
        self.current: Sequence[str] = ()

    def count(self, stratum_events: Sequence[str], deliveries: Sequence[dict[str, Any]]) -> None:
        run = self.run
        self.current = stratum_events
        run.examples += 1
        rule = run.case.rule
        if run.case.sequence and len(stratum_events) > 1:
            present = {d.get("type") for d in deliveries if isinstance(d, dict)}
            for name in stratum_events:
                if name in present:
                    run.coverage[(name, rule)] += 1
        else:
            for name in stratum_events:
                run.coverage[(name, rule)] += 1

    def cell(self, failure: HandlerFailure) -> tuple[str, str]:
        """The coverage cell a failure was found in."""
        event = failure.event or "?"
        if self.current and event not in self.current and event not in self.cases:
            event = self.current[0]  # an unknown type: its stratum's event
        return (event, self.run.case.rule)

    def __call__(self, deliveries: list[dict[str, Any]]) -> HandlerFailure | None:
        """Run ``deliveries``; the failure when they failed in a way this run reports."""
        run = self.run
        try:
            check_handler(self.handler, deliveries, deadline=self.deadline, observe=self.observe)
        except HandlerFailure as failure:
            case = run.case
            if failure.kind == "timeout":
                # One deadline per case: whoever owns it, this case stops here.
                run.timed_out = True
            if failure.key in self.known or failure.key in self.prior:
                # Found (and shrunk) by an earlier case: reported once, so keep
                # searching this case for other bugs instead of shrinking it again
                # (and without rerunning the handler to find its owner).
                return None
            owner = owner_of(
                case, self.handler, deliveries, failure, deadline=self.deadline, events=self.cases
            )
            known_case = self.cases.get(owner or "")
            event_owner = known_case is not None and not known_case.is_contract
            if owner == case.id or (event_owner and owner != case.id):
                # This case's bug, or the event's bug a contract case met (the event's
                # counterpart reproduced it): reported here, shrunk by this search.
                failure.case = owner
                run.failures[failure.key] = failure
                run.cells[failure.key] = self.cell(failure)
                return failure
            if failure.key not in run.orphans:
                run.orphans[failure.key] = disown(failure, case.id, owner)
                run.cells[failure.key] = self.cell(failure)
            return None
        return None


def run_case(
    case: FuzzCase,
    handler: Handler,
    *,
    max_examples: int,
    seed: int | None,
    deadline: float | None,
    cases: Mapping[str, FuzzCase] | None = None,
    known: Collection[Key] = frozenset(),
    replay: Sequence[list[dict[str, Any]]] = (),
    database: ExampleDatabase | None = None,
    base: Settings | None = None,
    target: str = "",
    observe: Callable[[dict[str, Any]], Any] | None = None,
) -> CaseRun:
    """Run ``case`` on ``handler``: ``replay`` first, then a search per stratum.

    ``cases`` maps ids to every case of the run (for ownership); ``known`` holds the
    keys of failures already reported (skipped here); ``seed`` None leaves seeding to
    Hypothesis (the pytest plugin under ``--hypothesis-seed``); ``database`` keeps and
    replays failing examples under keys naming ``target``, the case and the stratum;
    ``base`` is the settings profile to start from (default: quiet, no database).
    """
    run = CaseRun(case)
    started = time.perf_counter()
    judge = _Judge(run, handler, deadline, cases or {case.id: case}, known, observe=observe)
    for deliveries in replay:
        judge.count(_events_of(case, deliveries), deliveries)
        judge(deliveries)
    strata = case.strata or ()
    per = stratum_examples(max_examples, len(strata))
    plan: dict[str, Any] = {"seed": seed, "database": database, "base": base, "target": target}
    if not strata:
        _search(judge, case.id, (), case.strategy, max_examples, **plan)
    for stratum in strata:
        if run.timed_out:
            break  # a hung handler: do not spend a deadline per remaining stratum
        _search(judge, stratum.label, stratum.events, stratum.strategy, per, **plan)
    run.seconds = time.perf_counter() - started
    return run


def _events_of(case: FuzzCase, deliveries: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    names = {s for stratum in case.strata for s in stratum.events}
    found = [str(d.get("type")) for d in deliveries if isinstance(d, dict)]
    return tuple(dict.fromkeys(n for n in found if n in names or not names))


def _search(
    judge: _Judge,
    label: str,
    events: tuple[str, ...],
    strategy: SearchStrategy[list[dict[str, Any]]],
    max_examples: int,
    *,
    seed: int | None,
    database: ExampleDatabase | None,
    base: Settings | None,
    target: str,
) -> None:
    from hypothesis import Phase, given
    from hypothesis.errors import HypothesisException

    run = judge.run
    case = run.case

    def body(deliveries: list[dict[str, Any]]) -> None:
        if run.timed_out:
            return  # a hung handler: do not spend a deadline per shrinking step
        judge.count(events, deliveries)
        failure = judge(deliveries)
        if failure is not None:
            raise failure

    # Hypothesis keys its example database by the test function's digest; every search
    # shares this function, so name the handler, the case and the stratum.
    key = f"casedev-conformance:{target}:{case.id}:{label}"
    body._hypothesis_internal_add_digest = key.encode()  # type: ignore[attr-defined]
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
    if base is None:
        chosen = search_settings(
            max_examples=max_examples,
            phases=phases if database is not None else [p for p in phases if p != Phase.reuse],
            database=database,
            report_multiple_bugs=True,
        )
    else:
        # The active profile (pytest), minus what would judge or annotate our own work
        # (health checks, deadline and the explain phase: see search_settings).
        overrides: dict[str, Any] = {} if database is None else {"database": database}
        chosen = search_settings(
            profile=True, phases=base.phases, max_examples=max_examples, **overrides
        )
    judge.prior = frozenset(run.failures)
    test: Callable[[], None] = chosen(given(strategy)(body))
    if seed is not None:
        # What @seed does, minus switching the database off (it does so that a seed
        # reproduces a run exactly; here failing examples kept in a database are
        # meant to come first, and a run without one stays exactly reproducible).
        test._hypothesis_internal_use_seed = seed  # type: ignore[attr-defined]
    try:
        with warnings.catch_warnings():
            # Hypothesis describes the strategy when a search fails; ours are whole
            # catalogs, and the description goes nowhere (this runner reports).
            warnings.filterwarnings("ignore", "Generating overly large repr")
            test()
    except HandlerFailure:
        pass
    except BaseExceptionGroup as group:
        if not all(isinstance(e, HandlerFailure) for e in _leaves(group)):
            raise
    except ConformanceError:
        raise
    except Exception as exc:
        if run.failures:
            return  # Hypothesis' report of failures we already recorded (or flaky ones)
        if isinstance(exc, HypothesisException):
            raise FuzzError(
                f"generating deliveries failed: {type(exc).__name__}: {exc}", event=case.id
            ) from exc
        raise


def _leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    out: list[BaseException] = []
    for exc in group.exceptions:
        out.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return out

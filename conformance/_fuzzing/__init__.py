"""Fuzzing handlers: running each case's deliveries through the handler, judging and
attributing failures, saving and replaying them, and loading handler targets."""

from __future__ import annotations

from ._cases import CaseRun, disown, run_case, stratum_examples
from ._corpus import Corpus, CorpusProblem, load_corpus
from ._coverage import Coverage, coverage_table
from ._database import open_database
from ._handler import DEFAULT_DEADLINE, HandlerFailure, check_handler
from ._ownership import contract_owner, owner, owns
from ._render import format_failure, format_report, replay_command, report_verdict
from ._runner import (
    DEFAULT_FAILURES_DIR,
    DEFAULT_MAX_EXAMPLES,
    CaseResult,
    FuzzReport,
    fuzz,
    fuzz_cases,
    load_failure,
    replay,
    save_failure,
    saved_failures,
)
from ._target import load_target, split_spec
from ._worker import (
    DEFAULT_ISOLATION,
    DEFAULT_MEMORY_LIMIT,
    ISOLATIONS,
    Handler,
    check_isolation,
    check_memory_limit,
    deliver,
)

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_FAILURES_DIR",
    "DEFAULT_ISOLATION",
    "DEFAULT_MAX_EXAMPLES",
    "DEFAULT_MEMORY_LIMIT",
    "ISOLATIONS",
    "CaseResult",
    "CaseRun",
    "Corpus",
    "CorpusProblem",
    "Coverage",
    "FuzzReport",
    "Handler",
    "HandlerFailure",
    "check_handler",
    "check_isolation",
    "check_memory_limit",
    "contract_owner",
    "coverage_table",
    "deliver",
    "disown",
    "format_failure",
    "format_report",
    "fuzz",
    "fuzz_cases",
    "load_corpus",
    "load_failure",
    "load_target",
    "open_database",
    "owner",
    "owns",
    "replay",
    "replay_command",
    "report_verdict",
    "run_case",
    "save_failure",
    "saved_failures",
    "split_spec",
    "stratum_examples",
]

"""Fuzzing handlers: running each case's deliveries through the handler, judging and
attributing failures, saving and replaying them, and loading handler targets."""

from __future__ import annotations

from ._handler import DEFAULT_DEADLINE, HandlerFailure, check_handler
from ._ownership import owner, owns
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
    "FuzzReport",
    "Handler",
    "HandlerFailure",
    "check_handler",
    "check_isolation",
    "check_memory_limit",
    "deliver",
    "format_failure",
    "format_report",
    "fuzz",
    "fuzz_cases",
    "load_failure",
    "load_target",
    "owner",
    "owns",
    "replay",
    "replay_command",
    "report_verdict",
    "save_failure",
    "split_spec",
]

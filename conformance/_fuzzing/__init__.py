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

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_FAILURES_DIR",
    "DEFAULT_MAX_EXAMPLES",
    "CaseResult",
    "FuzzReport",
    "HandlerFailure",
    "check_handler",
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

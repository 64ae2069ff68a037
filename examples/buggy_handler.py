"""A handler with the most common webhook bug: it reads an optional field as if it were
always there. ``casedev-conformance fuzz examples/buggy_handler.py:handle`` finds it.

(``examples/handler.py`` is the correct version of this kind of code.)
"""

from __future__ import annotations

from typing import Any

PAGES: dict[str, int] = {}


def handle(delivery: dict[str, Any]) -> None:
    """Count the pages of each OCR job as it is created."""
    if delivery["type"] == "ocr.job.created":
        data = delivery["data"]
        PAGES[data["jobId"]] = data["pageCount"]  # BUG: pageCount is optional

"""The types catch mistakes: under ``mypy --strict`` a wrong field, a field of another
event, or an unchecked nullable/optional value is an error, while the typed example
handler checks clean."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

SNIPPET = '''
from conformance import models
from conformance.types import Event, UnknownEvent, is_known


def structs(event: models.Event | models.UnknownEvent) -> object:
    match event:
        case models.VaultUploadCompleted(data=data):
            data.fileName  # E: misspelt field
            data.runId  # E: a field of another event
            return data.filename.upper()
        case models.AgentScopeActivated(data=data):
            data.vaultIds[0]  # E: may be None or UNSET
            data.runtimeId.upper()  # E: nullable
            if isinstance(data.vaultIds, list):
                return data.vaultIds[0]
        case models.AgentRunCompleted(data=data):
            data.usage.inputTokens  # E: optional, may be UNSET
    if isinstance(event, models.UnknownEvent):
        return event.data["anything"]
    if event.type == "ocr.job.created":
        return event.data.jobId.upper()
    return None


def dicts(event: Event | UnknownEvent) -> object:
    event["data"]["jobId"]  # E: not every event has it (nor UnknownEvent)
    if not is_known(event):
        return None
    if event["type"] == "vault.upload.completed":
        event["data"]["fileName"]  # E: misspelt key
        event["data"]["runId"]  # E: a key of another event
        return event["data"]["filename"].upper()
    if event["type"] == "agent.scope.activated":
        event["data"]["runtimeId"].upper()  # E: nullable
        runtime = event["data"].get("runtimeId")
        return runtime.upper() if runtime is not None else None
    if event["type"] == "not.an.event":  # E: a type no event has (non-overlapping)
        return None
    return None
'''


def test_mypy_flags_wrong_fields_and_unchecked_nullables(tmp_path: Path) -> None:
    from mypy import api

    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    example = ROOT / "examples" / "typed_handler.py"
    out, err, _ = api.run(
        [
            "--strict",
            "--strict-equality",
            "--python-version", "3.11",
            "--cache-dir", str(tmp_path / "cache"),
            "--no-error-summary",
            str(snippet),
            str(example),
        ]
    )  # fmt: skip
    assert err == ""
    errors = {
        int(m.group(2))
        for m in re.finditer(r"^(.*?):(\d+): error:", out, re.MULTILINE)
        if Path(m.group(1)).name == "snippet.py"
    }
    assert "typed_handler.py" not in out, out
    expected = {n for n, line in enumerate(SNIPPET.splitlines(), 1) if "# E:" in line}
    assert errors == expected, out

"""Typed Case.dev webhook events (msgspec style): 53 event(s).

Generated from the event catalog by conformance._codegen (run `casedev-conformance catalog import`, or `python -m conformance._codegen`); do not edit by hand.

``decode(body)`` returns one of the event Structs below, or ``UnknownEvent``;
narrow with ``isinstance(event, AgentChatSessionAborted)`` or ``match event: case AgentChatSessionAborted():``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal, TypeAlias, Union

import msgspec

from conformance._errors import ValidationError

Body: TypeAlias = bytes | bytearray | memoryview | str
_PATTERN_1 = re.compile("^evt_[0-9A-HJKMNP-TV-Z]{26}\\Z")
_PATTERN_2 = re.compile("^[a-z0-9_]+(\\.[a-z0-9_]+)+\\Z")

_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_date_time(text: str) -> bool:
    """Whether ``text`` is an RFC 3339 date-time (leap seconds only at 23:59:60 UTC)."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1] + (month == 2 and leap):
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    offset = 0
    if match.group(7) is not None:
        off_hour, off_minute = int(match.group(8)), int(match.group(9))
        if off_hour > 23 or off_minute > 59:
            return False
        offset = (off_hour * 60 + off_minute) * (1 if match.group(7) == "+" else -1)
    return second < 60 or (hour * 60 + minute - offset) % 1440 == 23 * 60 + 59


_AT = re.compile(r"(.*?)(?: - at `\$(.*)`)?", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[([0-9]+)\]")
_MISSING = re.compile(r"Object missing required field `(.*)`")


def _pointer(path: str) -> str:
    parts = [m.group(1) if m.group(2) is None else m.group(2) for m in _STEP.finditer(path)]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


class _Head(msgspec.Struct):
    type: Any = None


def _event_of(body: Body) -> str | None:
    try:
        kind = msgspec.json.decode(body, type=_Head).type
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    return kind if isinstance(kind, str) else None


def _from_msgspec(error: msgspec.ValidationError, body: Body) -> ValidationError:
    match = _AT.fullmatch(str(error))
    reason, path = (match.group(1), match.group(2) or "") if match else (str(error), "")
    pointer = _pointer(path)
    missing = _MISSING.fullmatch(reason)
    if missing is not None:
        pointer += "/" + missing.group(1).replace("~", "~0").replace("/", "~1")
    return ValidationError(reason, event=_event_of(body), pointer=pointer)


class AgentChatSessionAbortedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.session.aborted."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    title: str | msgspec.UnsetType | None = msgspec.UNSET
    model: str | msgspec.UnsetType | None = msgspec.UNSET
    reason: str | msgspec.UnsetType | None = msgspec.UNSET


class AgentChatSessionCreatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.session.created."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    title: str | msgspec.UnsetType | None = msgspec.UNSET
    model: str | msgspec.UnsetType | None = msgspec.UNSET
    reason: str | msgspec.UnsetType | None = msgspec.UNSET


class AgentChatSessionResumedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.session.resumed."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    title: str | msgspec.UnsetType | None = msgspec.UNSET
    model: str | msgspec.UnsetType | None = msgspec.UNSET
    reason: str | msgspec.UnsetType | None = msgspec.UNSET


class AgentChatTurnAcceptedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.turn.accepted."""

    chatId: str
    turnId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    messageId: str | msgspec.UnsetType | None = msgspec.UNSET
    finishReason: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentChatTurnCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.turn.completed."""

    chatId: str
    turnId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    messageId: str | msgspec.UnsetType | None = msgspec.UNSET
    finishReason: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentChatTurnConflictData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.turn.conflict."""

    chatId: str
    turnId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    messageId: str | msgspec.UnsetType | None = msgspec.UNSET
    finishReason: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentChatTurnFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.turn.failed."""

    chatId: str
    turnId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    messageId: str | msgspec.UnsetType | None = msgspec.UNSET
    finishReason: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentChatTurnStartedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.chat.turn.started."""

    chatId: str
    turnId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    messageId: str | msgspec.UnsetType | None = msgspec.UNSET
    finishReason: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentCreatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.created."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    model: str | msgspec.UnsetType = msgspec.UNSET
    adhoc: bool | msgspec.UnsetType = msgspec.UNSET
    version: str | msgspec.UnsetType = msgspec.UNSET


class AgentDeletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.deleted."""


class AgentRunCancelledData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.run.cancelled."""

    runId: str
    agentId: str | msgspec.UnsetType = msgspec.UNSET
    source: str | msgspec.UnsetType = msgspec.UNSET
    version: str | msgspec.UnsetType = msgspec.UNSET
    reason: str | msgspec.UnsetType = msgspec.UNSET


class AgentRunCompletedDataUsage(msgspec.Struct, kw_only=True, frozen=True):
    """A nested object."""

    inputTokens: int | float
    outputTokens: int | float


class AgentRunCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.run.completed."""

    runId: str
    durationMs: int | float
    agentId: str | msgspec.UnsetType = msgspec.UNSET
    source: str | msgspec.UnsetType = msgspec.UNSET
    version: str | msgspec.UnsetType = msgspec.UNSET
    usage: AgentRunCompletedDataUsage | msgspec.UnsetType = msgspec.UNSET


class AgentRunCreatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.run.created."""

    runId: str
    agentId: str | msgspec.UnsetType = msgspec.UNSET
    source: str | msgspec.UnsetType = msgspec.UNSET
    version: str | msgspec.UnsetType = msgspec.UNSET
    input: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    promptLength: int | float | msgspec.UnsetType = msgspec.UNSET


class AgentRunFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.run.failed."""

    runId: str
    error: str
    agentId: str | msgspec.UnsetType = msgspec.UNSET
    source: str | msgspec.UnsetType = msgspec.UNSET
    version: str | msgspec.UnsetType = msgspec.UNSET
    adhoc: bool | msgspec.UnsetType = msgspec.UNSET
    runtime: str | msgspec.UnsetType = msgspec.UNSET


class AgentRunStartedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.run.started."""

    runId: str
    agentId: str | msgspec.UnsetType = msgspec.UNSET
    source: str | msgspec.UnsetType = msgspec.UNSET
    version: str | msgspec.UnsetType = msgspec.UNSET
    workflowId: str | msgspec.UnsetType = msgspec.UNSET
    adhoc: bool | msgspec.UnsetType = msgspec.UNSET


class AgentRuntimeFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.runtime.failed."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentRuntimeReusedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.runtime.reused."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentRuntimeStartedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.runtime.started."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentScopeActivatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.scope.activated."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    vaultIds: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    matterIds: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentScopeActivationFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.scope.activation_failed."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    vaultIds: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    matterIds: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentScopeReusedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.scope.reused."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    vaultIds: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    matterIds: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentUpdatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.updated."""

    fields: list[str]


class AgentWorkerFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.worker.failed."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class AgentWorkerReadyData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of agent.worker.ready."""

    chatId: str
    runtimeProvider: str | msgspec.UnsetType = msgspec.UNSET
    runtimeId: str | msgspec.UnsetType | None = msgspec.UNSET
    runtimeState: str | msgspec.UnsetType | None = msgspec.UNSET
    sessionId: str | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class BalanceChangedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of balance.changed."""

    balanceCents: int | float
    deltaCents: int | float
    reason: str | msgspec.UnsetType = msgspec.UNSET


class BillingChargeFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of billing.charge.failed."""

    chargeId: str
    amountCents: int | float
    currency: str
    error: str


class BillingChargeSucceededData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of billing.charge.succeeded."""

    chargeId: str
    amountCents: int | float
    currency: str


class ComputeRunCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of compute.run.completed."""

    runId: str
    functionId: str
    durationMs: int | float
    exitCode: int | float | msgspec.UnsetType = msgspec.UNSET


class ComputeRunFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of compute.run.failed."""

    runId: str
    functionId: str
    error: str
    exitCode: int | float | msgspec.UnsetType = msgspec.UNSET


class DeploymentFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of deployment.failed."""

    deploymentId: str
    error: str
    appName: str | msgspec.UnsetType = msgspec.UNSET


class DeploymentSucceededData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of deployment.succeeded."""

    deploymentId: str
    appName: str | msgspec.UnsetType = msgspec.UNSET
    url: str | msgspec.UnsetType = msgspec.UNSET
    durationMs: int | float | msgspec.UnsetType = msgspec.UNSET


class MatterCreatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of matter.created."""

    matterId: str
    status: str
    title: str | msgspec.UnsetType = msgspec.UNSET


class MatterUpdatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of matter.updated."""

    matterId: str
    object: dict[str, Any]
    previous_attributes: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class OcrJobCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of ocr.job.completed."""

    jobId: str
    objectId: str
    vaultId: str
    durationMs: int | float
    pageCount: int | float


class OcrJobCreatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of ocr.job.created."""

    jobId: str
    objectId: str
    vaultId: str
    pageCount: int | float | msgspec.UnsetType = msgspec.UNSET


class OcrJobFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of ocr.job.failed."""

    jobId: str
    objectId: str
    vaultId: str
    error: str


class VaultIngestCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.ingest.completed."""

    vaultId: str
    objectId: str
    durationMs: int | float
    chunkCount: int | float | msgspec.UnsetType = msgspec.UNSET


class VaultIngestFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.ingest.failed."""

    vaultId: str
    objectId: str
    error: str
    stage: str | msgspec.UnsetType = msgspec.UNSET


class VaultIngestStartedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.ingest.started."""

    vaultId: str
    objectId: str
    stage: str | msgspec.UnsetType = msgspec.UNSET


class VaultObjectAppendCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.object.append.completed."""

    vaultId: str
    objectId: str
    appendObjectIds: list[str]
    sizeBytes: int | float
    pageCount: int | float


class VaultObjectAppendFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.object.append.failed."""

    vaultId: str
    objectId: str
    appendObjectIds: list[str]
    error: str


class VaultObjectAppendStartedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.object.append.started."""

    vaultId: str
    objectId: str
    appendObjectIds: list[str]


class VaultUploadCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.upload.completed."""

    vaultId: str
    objectId: str
    filename: str
    mimeType: str
    sizeBytes: int | float


class VaultUploadFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.upload.failed."""

    vaultId: str
    objectId: str
    error: str


class VaultUploadInitiatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of vault.upload.initiated."""

    vaultId: str
    objectId: str
    filename: str
    mimeType: str | msgspec.UnsetType = msgspec.UNSET


class VoiceTranscriptionCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of voice.transcription.completed."""

    jobId: str
    sourceObjectId: str
    resultObjectId: str
    wordCount: int | float
    textLength: int | float
    vaultId: str | msgspec.UnsetType = msgspec.UNSET
    assemblyaiId: str | msgspec.UnsetType = msgspec.UNSET
    audioDurationSeconds: int | float | msgspec.UnsetType = msgspec.UNSET
    confidence: int | float | msgspec.UnsetType = msgspec.UNSET


class VoiceTranscriptionCreatedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of voice.transcription.created."""

    jobId: str
    mode: Literal["vault", "direct"]
    vaultId: str | msgspec.UnsetType = msgspec.UNSET
    assemblyaiId: str | msgspec.UnsetType = msgspec.UNSET
    objectId: str | msgspec.UnsetType = msgspec.UNSET
    format: str | msgspec.UnsetType = msgspec.UNSET
    status: str | msgspec.UnsetType = msgspec.UNSET
    speakerLabels: bool | msgspec.UnsetType = msgspec.UNSET
    autoHighlights: bool | msgspec.UnsetType = msgspec.UNSET
    contentSafety: bool | msgspec.UnsetType = msgspec.UNSET
    languageDetection: bool | msgspec.UnsetType = msgspec.UNSET


class VoiceTranscriptionDeletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of voice.transcription.deleted."""

    jobId: str
    transcriptId: str
    mode: Literal["vault", "direct"]
    providerDeleted: bool
    providerAlreadyDeleted: bool
    providerDeleteFailed: bool
    resultObjectDeleted: bool
    localRecordDeleted: bool
    vaultId: str | msgspec.UnsetType = msgspec.UNSET
    assemblyaiId: str | msgspec.UnsetType = msgspec.UNSET
    providerErrorStatusCode: int | float | msgspec.UnsetType = msgspec.UNSET


class VoiceTranscriptionFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of voice.transcription.failed."""

    jobId: str
    error: str
    vaultId: str | msgspec.UnsetType = msgspec.UNSET
    assemblyaiId: str | msgspec.UnsetType = msgspec.UNSET
    sourceObjectId: str | msgspec.UnsetType = msgspec.UNSET


class VoiceTranscriptionReusedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of voice.transcription.reused."""

    jobId: str
    objectId: str
    mode: Literal["vault"]
    from_cache: Literal[True]
    vaultId: str | msgspec.UnsetType = msgspec.UNSET
    assemblyaiId: str | msgspec.UnsetType = msgspec.UNSET
    format: str | msgspec.UnsetType = msgspec.UNSET
    options_hash: str | msgspec.UnsetType = msgspec.UNSET


class WebhookEndpointAutoDisabledData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of webhook.endpoint.auto_disabled."""

    endpointId: str
    url: str
    consecutiveFailures: int | float
    lastFailureAt: str


class WorkItemExecutionCompletedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of work_item.execution.completed."""

    matterId: str
    workItemId: str
    durationMs: int | float


class WorkItemExecutionFailedData(msgspec.Struct, kw_only=True, frozen=True):
    """The data of work_item.execution.failed."""

    matterId: str
    workItemId: str
    error: str


class AgentChatSessionAborted(
    msgspec.Struct, tag_field="type", tag="agent.chat.session.aborted", kw_only=True, frozen=True
):
    """agent.chat.session.aborted (beta): An active agent chat generation was aborted."""

    type: ClassVar[Literal["agent.chat.session.aborted"]] = "agent.chat.session.aborted"
    id: str
    occurred_at: str
    data: AgentChatSessionAbortedData


class AgentChatSessionCreated(
    msgspec.Struct, tag_field="type", tag="agent.chat.session.created", kw_only=True, frozen=True
):
    """agent.chat.session.created (beta): An agent chat session was created."""

    type: ClassVar[Literal["agent.chat.session.created"]] = "agent.chat.session.created"
    id: str
    occurred_at: str
    data: AgentChatSessionCreatedData


class AgentChatSessionResumed(
    msgspec.Struct, tag_field="type", tag="agent.chat.session.resumed", kw_only=True, frozen=True
):
    """agent.chat.session.resumed (beta): An agent chat session was resumed."""

    type: ClassVar[Literal["agent.chat.session.resumed"]] = "agent.chat.session.resumed"
    id: str
    occurred_at: str
    data: AgentChatSessionResumedData


class AgentChatTurnAccepted(
    msgspec.Struct, tag_field="type", tag="agent.chat.turn.accepted", kw_only=True, frozen=True
):
    """agent.chat.turn.accepted (beta): An agent chat turn was accepted for processing."""

    type: ClassVar[Literal["agent.chat.turn.accepted"]] = "agent.chat.turn.accepted"
    id: str
    occurred_at: str
    data: AgentChatTurnAcceptedData


class AgentChatTurnCompleted(
    msgspec.Struct, tag_field="type", tag="agent.chat.turn.completed", kw_only=True, frozen=True
):
    """agent.chat.turn.completed (beta): An agent chat turn completed successfully."""

    type: ClassVar[Literal["agent.chat.turn.completed"]] = "agent.chat.turn.completed"
    id: str
    occurred_at: str
    data: AgentChatTurnCompletedData


class AgentChatTurnConflict(
    msgspec.Struct, tag_field="type", tag="agent.chat.turn.conflict", kw_only=True, frozen=True
):
    """agent.chat.turn.conflict (beta): An agent chat turn was rejected because another turn was active."""

    type: ClassVar[Literal["agent.chat.turn.conflict"]] = "agent.chat.turn.conflict"
    id: str
    occurred_at: str
    data: AgentChatTurnConflictData


class AgentChatTurnFailed(
    msgspec.Struct, tag_field="type", tag="agent.chat.turn.failed", kw_only=True, frozen=True
):
    """agent.chat.turn.failed (beta): An agent chat turn failed."""

    type: ClassVar[Literal["agent.chat.turn.failed"]] = "agent.chat.turn.failed"
    id: str
    occurred_at: str
    data: AgentChatTurnFailedData


class AgentChatTurnStarted(
    msgspec.Struct, tag_field="type", tag="agent.chat.turn.started", kw_only=True, frozen=True
):
    """agent.chat.turn.started (beta): An agent chat turn began executing."""

    type: ClassVar[Literal["agent.chat.turn.started"]] = "agent.chat.turn.started"
    id: str
    occurred_at: str
    data: AgentChatTurnStartedData


class AgentCreated(
    msgspec.Struct, tag_field="type", tag="agent.created", kw_only=True, frozen=True
):
    """agent.created (beta): An agent definition was created."""

    type: ClassVar[Literal["agent.created"]] = "agent.created"
    id: str
    occurred_at: str
    data: AgentCreatedData


class AgentDeleted(
    msgspec.Struct, tag_field="type", tag="agent.deleted", kw_only=True, frozen=True
):
    """agent.deleted (beta): An agent definition was deleted."""

    type: ClassVar[Literal["agent.deleted"]] = "agent.deleted"
    id: str
    occurred_at: str
    data: AgentDeletedData


class AgentRunCancelled(
    msgspec.Struct, tag_field="type", tag="agent.run.cancelled", kw_only=True, frozen=True
):
    """agent.run.cancelled (beta): An agent run was cancelled."""

    type: ClassVar[Literal["agent.run.cancelled"]] = "agent.run.cancelled"
    id: str
    occurred_at: str
    data: AgentRunCancelledData


class AgentRunCompleted(
    msgspec.Struct, tag_field="type", tag="agent.run.completed", kw_only=True, frozen=True
):
    """agent.run.completed (beta): An agent run finished successfully."""

    type: ClassVar[Literal["agent.run.completed"]] = "agent.run.completed"
    id: str
    occurred_at: str
    data: AgentRunCompletedData


class AgentRunCreated(
    msgspec.Struct, tag_field="type", tag="agent.run.created", kw_only=True, frozen=True
):
    """agent.run.created (beta): An agent run was created."""

    type: ClassVar[Literal["agent.run.created"]] = "agent.run.created"
    id: str
    occurred_at: str
    data: AgentRunCreatedData


class AgentRunFailed(
    msgspec.Struct, tag_field="type", tag="agent.run.failed", kw_only=True, frozen=True
):
    """agent.run.failed (beta): An agent run failed."""

    type: ClassVar[Literal["agent.run.failed"]] = "agent.run.failed"
    id: str
    occurred_at: str
    data: AgentRunFailedData


class AgentRunStarted(
    msgspec.Struct, tag_field="type", tag="agent.run.started", kw_only=True, frozen=True
):
    """agent.run.started (beta): An agent run began executing."""

    type: ClassVar[Literal["agent.run.started"]] = "agent.run.started"
    id: str
    occurred_at: str
    data: AgentRunStartedData


class AgentRuntimeFailed(
    msgspec.Struct, tag_field="type", tag="agent.runtime.failed", kw_only=True, frozen=True
):
    """agent.runtime.failed (beta): An agent chat runtime sandbox failed to start or resume."""

    type: ClassVar[Literal["agent.runtime.failed"]] = "agent.runtime.failed"
    id: str
    occurred_at: str
    data: AgentRuntimeFailedData


class AgentRuntimeReused(
    msgspec.Struct, tag_field="type", tag="agent.runtime.reused", kw_only=True, frozen=True
):
    """agent.runtime.reused (beta): An existing agent chat runtime sandbox was reused."""

    type: ClassVar[Literal["agent.runtime.reused"]] = "agent.runtime.reused"
    id: str
    occurred_at: str
    data: AgentRuntimeReusedData


class AgentRuntimeStarted(
    msgspec.Struct, tag_field="type", tag="agent.runtime.started", kw_only=True, frozen=True
):
    """agent.runtime.started (beta): An agent chat runtime sandbox was started."""

    type: ClassVar[Literal["agent.runtime.started"]] = "agent.runtime.started"
    id: str
    occurred_at: str
    data: AgentRuntimeStartedData


class AgentScopeActivated(
    msgspec.Struct, tag_field="type", tag="agent.scope.activated", kw_only=True, frozen=True
):
    """agent.scope.activated (beta): A chat session scope was activated for the requested matter or vault authority."""

    type: ClassVar[Literal["agent.scope.activated"]] = "agent.scope.activated"
    id: str
    occurred_at: str
    data: AgentScopeActivatedData


class AgentScopeActivationFailed(
    msgspec.Struct, tag_field="type", tag="agent.scope.activation_failed", kw_only=True, frozen=True
):
    """agent.scope.activation_failed (beta): A chat session scope failed to activate."""

    type: ClassVar[Literal["agent.scope.activation_failed"]] = "agent.scope.activation_failed"
    id: str
    occurred_at: str
    data: AgentScopeActivationFailedData


class AgentScopeReused(
    msgspec.Struct, tag_field="type", tag="agent.scope.reused", kw_only=True, frozen=True
):
    """agent.scope.reused (beta): An existing chat session scope was reused."""

    type: ClassVar[Literal["agent.scope.reused"]] = "agent.scope.reused"
    id: str
    occurred_at: str
    data: AgentScopeReusedData


class AgentUpdated(
    msgspec.Struct, tag_field="type", tag="agent.updated", kw_only=True, frozen=True
):
    """agent.updated (beta): An agent definition was updated."""

    type: ClassVar[Literal["agent.updated"]] = "agent.updated"
    id: str
    occurred_at: str
    data: AgentUpdatedData


class AgentWorkerFailed(
    msgspec.Struct, tag_field="type", tag="agent.worker.failed", kw_only=True, frozen=True
):
    """agent.worker.failed (beta): The agent worker inside a chat runtime failed to become available."""

    type: ClassVar[Literal["agent.worker.failed"]] = "agent.worker.failed"
    id: str
    occurred_at: str
    data: AgentWorkerFailedData


class AgentWorkerReady(
    msgspec.Struct, tag_field="type", tag="agent.worker.ready", kw_only=True, frozen=True
):
    """agent.worker.ready (beta): The agent worker inside a chat runtime is ready to accept work."""

    type: ClassVar[Literal["agent.worker.ready"]] = "agent.worker.ready"
    id: str
    occurred_at: str
    data: AgentWorkerReadyData


class BalanceChanged(
    msgspec.Struct, tag_field="type", tag="balance.changed", kw_only=True, frozen=True
):
    """balance.changed (stable): The organization credit balance changed."""

    type: ClassVar[Literal["balance.changed"]] = "balance.changed"
    id: str
    occurred_at: str
    data: BalanceChangedData


class BillingChargeFailed(
    msgspec.Struct, tag_field="type", tag="billing.charge.failed", kw_only=True, frozen=True
):
    """billing.charge.failed (stable): A billing charge failed."""

    type: ClassVar[Literal["billing.charge.failed"]] = "billing.charge.failed"
    id: str
    occurred_at: str
    data: BillingChargeFailedData


class BillingChargeSucceeded(
    msgspec.Struct, tag_field="type", tag="billing.charge.succeeded", kw_only=True, frozen=True
):
    """billing.charge.succeeded (stable): A billing charge succeeded."""

    type: ClassVar[Literal["billing.charge.succeeded"]] = "billing.charge.succeeded"
    id: str
    occurred_at: str
    data: BillingChargeSucceededData


class ComputeRunCompleted(
    msgspec.Struct, tag_field="type", tag="compute.run.completed", kw_only=True, frozen=True
):
    """compute.run.completed (stable): A compute function run completed successfully."""

    type: ClassVar[Literal["compute.run.completed"]] = "compute.run.completed"
    id: str
    occurred_at: str
    data: ComputeRunCompletedData


class ComputeRunFailed(
    msgspec.Struct, tag_field="type", tag="compute.run.failed", kw_only=True, frozen=True
):
    """compute.run.failed (stable): A compute function run failed."""

    type: ClassVar[Literal["compute.run.failed"]] = "compute.run.failed"
    id: str
    occurred_at: str
    data: ComputeRunFailedData


class DeploymentFailed(
    msgspec.Struct, tag_field="type", tag="deployment.failed", kw_only=True, frozen=True
):
    """deployment.failed (stable): A deployment failed."""

    type: ClassVar[Literal["deployment.failed"]] = "deployment.failed"
    id: str
    occurred_at: str
    data: DeploymentFailedData


class DeploymentSucceeded(
    msgspec.Struct, tag_field="type", tag="deployment.succeeded", kw_only=True, frozen=True
):
    """deployment.succeeded (stable): A deployment succeeded."""

    type: ClassVar[Literal["deployment.succeeded"]] = "deployment.succeeded"
    id: str
    occurred_at: str
    data: DeploymentSucceededData


class MatterCreated(
    msgspec.Struct, tag_field="type", tag="matter.created", kw_only=True, frozen=True
):
    """matter.created (beta): A matter was created."""

    type: ClassVar[Literal["matter.created"]] = "matter.created"
    id: str
    occurred_at: str
    data: MatterCreatedData


class MatterUpdated(
    msgspec.Struct, tag_field="type", tag="matter.updated", kw_only=True, frozen=True
):
    """matter.updated (beta): A matter was updated."""

    type: ClassVar[Literal["matter.updated"]] = "matter.updated"
    id: str
    occurred_at: str
    data: MatterUpdatedData


class OcrJobCompleted(
    msgspec.Struct, tag_field="type", tag="ocr.job.completed", kw_only=True, frozen=True
):
    """ocr.job.completed (stable): An OCR job finished successfully."""

    type: ClassVar[Literal["ocr.job.completed"]] = "ocr.job.completed"
    id: str
    occurred_at: str
    data: OcrJobCompletedData


class OcrJobCreated(
    msgspec.Struct, tag_field="type", tag="ocr.job.created", kw_only=True, frozen=True
):
    """ocr.job.created (stable): An OCR job was enqueued."""

    type: ClassVar[Literal["ocr.job.created"]] = "ocr.job.created"
    id: str
    occurred_at: str
    data: OcrJobCreatedData


class OcrJobFailed(
    msgspec.Struct, tag_field="type", tag="ocr.job.failed", kw_only=True, frozen=True
):
    """ocr.job.failed (stable): An OCR job failed."""

    type: ClassVar[Literal["ocr.job.failed"]] = "ocr.job.failed"
    id: str
    occurred_at: str
    data: OcrJobFailedData


class VaultIngestCompleted(
    msgspec.Struct, tag_field="type", tag="vault.ingest.completed", kw_only=True, frozen=True
):
    """vault.ingest.completed (stable): Vault object ingest finished successfully."""

    type: ClassVar[Literal["vault.ingest.completed"]] = "vault.ingest.completed"
    id: str
    occurred_at: str
    data: VaultIngestCompletedData


class VaultIngestFailed(
    msgspec.Struct, tag_field="type", tag="vault.ingest.failed", kw_only=True, frozen=True
):
    """vault.ingest.failed (stable): Vault object ingest failed."""

    type: ClassVar[Literal["vault.ingest.failed"]] = "vault.ingest.failed"
    id: str
    occurred_at: str
    data: VaultIngestFailedData


class VaultIngestStarted(
    msgspec.Struct, tag_field="type", tag="vault.ingest.started", kw_only=True, frozen=True
):
    """vault.ingest.started (stable): Vault object ingest started."""

    type: ClassVar[Literal["vault.ingest.started"]] = "vault.ingest.started"
    id: str
    occurred_at: str
    data: VaultIngestStartedData


class VaultObjectAppendCompleted(
    msgspec.Struct, tag_field="type", tag="vault.object.append.completed", kw_only=True, frozen=True
):
    """vault.object.append.completed (stable): Vault object append finished successfully."""

    type: ClassVar[Literal["vault.object.append.completed"]] = "vault.object.append.completed"
    id: str
    occurred_at: str
    data: VaultObjectAppendCompletedData


class VaultObjectAppendFailed(
    msgspec.Struct, tag_field="type", tag="vault.object.append.failed", kw_only=True, frozen=True
):
    """vault.object.append.failed (stable): Vault object append failed."""

    type: ClassVar[Literal["vault.object.append.failed"]] = "vault.object.append.failed"
    id: str
    occurred_at: str
    data: VaultObjectAppendFailedData


class VaultObjectAppendStarted(
    msgspec.Struct, tag_field="type", tag="vault.object.append.started", kw_only=True, frozen=True
):
    """vault.object.append.started (stable): Vault object append started."""

    type: ClassVar[Literal["vault.object.append.started"]] = "vault.object.append.started"
    id: str
    occurred_at: str
    data: VaultObjectAppendStartedData


class VaultUploadCompleted(
    msgspec.Struct, tag_field="type", tag="vault.upload.completed", kw_only=True, frozen=True
):
    """vault.upload.completed (stable): A vault object upload finished successfully."""

    type: ClassVar[Literal["vault.upload.completed"]] = "vault.upload.completed"
    id: str
    occurred_at: str
    data: VaultUploadCompletedData


class VaultUploadFailed(
    msgspec.Struct, tag_field="type", tag="vault.upload.failed", kw_only=True, frozen=True
):
    """vault.upload.failed (stable): A vault object upload failed."""

    type: ClassVar[Literal["vault.upload.failed"]] = "vault.upload.failed"
    id: str
    occurred_at: str
    data: VaultUploadFailedData


class VaultUploadInitiated(
    msgspec.Struct, tag_field="type", tag="vault.upload.initiated", kw_only=True, frozen=True
):
    """vault.upload.initiated (stable): A vault object upload was initiated."""

    type: ClassVar[Literal["vault.upload.initiated"]] = "vault.upload.initiated"
    id: str
    occurred_at: str
    data: VaultUploadInitiatedData


class VoiceTranscriptionCompleted(
    msgspec.Struct, tag_field="type", tag="voice.transcription.completed", kw_only=True, frozen=True
):
    """voice.transcription.completed (stable): A transcription job finished successfully."""

    type: ClassVar[Literal["voice.transcription.completed"]] = "voice.transcription.completed"
    id: str
    occurred_at: str
    data: VoiceTranscriptionCompletedData


class VoiceTranscriptionCreated(
    msgspec.Struct, tag_field="type", tag="voice.transcription.created", kw_only=True, frozen=True
):
    """voice.transcription.created (stable): A transcription job was created."""

    type: ClassVar[Literal["voice.transcription.created"]] = "voice.transcription.created"
    id: str
    occurred_at: str
    data: VoiceTranscriptionCreatedData


class VoiceTranscriptionDeleted(
    msgspec.Struct, tag_field="type", tag="voice.transcription.deleted", kw_only=True, frozen=True
):
    """voice.transcription.deleted (stable): A transcription job was deleted."""

    type: ClassVar[Literal["voice.transcription.deleted"]] = "voice.transcription.deleted"
    id: str
    occurred_at: str
    data: VoiceTranscriptionDeletedData


class VoiceTranscriptionFailed(
    msgspec.Struct, tag_field="type", tag="voice.transcription.failed", kw_only=True, frozen=True
):
    """voice.transcription.failed (stable): A transcription job failed."""

    type: ClassVar[Literal["voice.transcription.failed"]] = "voice.transcription.failed"
    id: str
    occurred_at: str
    data: VoiceTranscriptionFailedData


class VoiceTranscriptionReused(
    msgspec.Struct, tag_field="type", tag="voice.transcription.reused", kw_only=True, frozen=True
):
    """voice.transcription.reused (stable): A completed transcription job was reused from cache."""

    type: ClassVar[Literal["voice.transcription.reused"]] = "voice.transcription.reused"
    id: str
    occurred_at: str
    data: VoiceTranscriptionReusedData


class WebhookEndpointAutoDisabled(
    msgspec.Struct, tag_field="type", tag="webhook.endpoint.auto_disabled", kw_only=True, frozen=True
):
    """webhook.endpoint.auto_disabled (stable): A webhook endpoint was automatically disabled after too many consecutive delivery failures. Subscribe to this to be notified when a downstream customer endpoint starts failing."""

    type: ClassVar[Literal["webhook.endpoint.auto_disabled"]] = "webhook.endpoint.auto_disabled"
    id: str
    occurred_at: str
    data: WebhookEndpointAutoDisabledData


class WorkItemExecutionCompleted(
    msgspec.Struct, tag_field="type", tag="work_item.execution.completed", kw_only=True, frozen=True
):
    """work_item.execution.completed (beta): A matter work item finished execution."""

    type: ClassVar[Literal["work_item.execution.completed"]] = "work_item.execution.completed"
    id: str
    occurred_at: str
    data: WorkItemExecutionCompletedData


class WorkItemExecutionFailed(
    msgspec.Struct, tag_field="type", tag="work_item.execution.failed", kw_only=True, frozen=True
):
    """work_item.execution.failed (beta): A matter work item execution failed."""

    type: ClassVar[Literal["work_item.execution.failed"]] = "work_item.execution.failed"
    id: str
    occurred_at: str
    data: WorkItemExecutionFailedData


class UnknownEvent(msgspec.Struct, kw_only=True, frozen=True):
    """A delivery whose type this module does not know (a newer catalog, or webhook.test)."""

    id: str
    type: str
    occurred_at: str
    data: dict[str, Any]


class _NoEvent(msgspec.Struct, tag_field="type", tag=""):
    """Keeps the decoder a tagged union even for one event (its tag is never known)."""


Event: TypeAlias = (
    AgentChatSessionAborted
    | AgentChatSessionCreated
    | AgentChatSessionResumed
    | AgentChatTurnAccepted
    | AgentChatTurnCompleted
    | AgentChatTurnConflict
    | AgentChatTurnFailed
    | AgentChatTurnStarted
    | AgentCreated
    | AgentDeleted
    | AgentRunCancelled
    | AgentRunCompleted
    | AgentRunCreated
    | AgentRunFailed
    | AgentRunStarted
    | AgentRuntimeFailed
    | AgentRuntimeReused
    | AgentRuntimeStarted
    | AgentScopeActivated
    | AgentScopeActivationFailed
    | AgentScopeReused
    | AgentUpdated
    | AgentWorkerFailed
    | AgentWorkerReady
    | BalanceChanged
    | BillingChargeFailed
    | BillingChargeSucceeded
    | ComputeRunCompleted
    | ComputeRunFailed
    | DeploymentFailed
    | DeploymentSucceeded
    | MatterCreated
    | MatterUpdated
    | OcrJobCompleted
    | OcrJobCreated
    | OcrJobFailed
    | VaultIngestCompleted
    | VaultIngestFailed
    | VaultIngestStarted
    | VaultObjectAppendCompleted
    | VaultObjectAppendFailed
    | VaultObjectAppendStarted
    | VaultUploadCompleted
    | VaultUploadFailed
    | VaultUploadInitiated
    | VoiceTranscriptionCompleted
    | VoiceTranscriptionCreated
    | VoiceTranscriptionDeleted
    | VoiceTranscriptionFailed
    | VoiceTranscriptionReused
    | WebhookEndpointAutoDisabled
    | WorkItemExecutionCompleted
    | WorkItemExecutionFailed
)
"""Every known event; narrow it with ``isinstance`` or ``match``."""

#: The event types this module knows.
KNOWN_TYPES: frozenset[str] = frozenset(
    {
        "agent.chat.session.aborted",
        "agent.chat.session.created",
        "agent.chat.session.resumed",
        "agent.chat.turn.accepted",
        "agent.chat.turn.completed",
        "agent.chat.turn.conflict",
        "agent.chat.turn.failed",
        "agent.chat.turn.started",
        "agent.created",
        "agent.deleted",
        "agent.run.cancelled",
        "agent.run.completed",
        "agent.run.created",
        "agent.run.failed",
        "agent.run.started",
        "agent.runtime.failed",
        "agent.runtime.reused",
        "agent.runtime.started",
        "agent.scope.activated",
        "agent.scope.activation_failed",
        "agent.scope.reused",
        "agent.updated",
        "agent.worker.failed",
        "agent.worker.ready",
        "balance.changed",
        "billing.charge.failed",
        "billing.charge.succeeded",
        "compute.run.completed",
        "compute.run.failed",
        "deployment.failed",
        "deployment.succeeded",
        "matter.created",
        "matter.updated",
        "ocr.job.completed",
        "ocr.job.created",
        "ocr.job.failed",
        "vault.ingest.completed",
        "vault.ingest.failed",
        "vault.ingest.started",
        "vault.object.append.completed",
        "vault.object.append.failed",
        "vault.object.append.started",
        "vault.upload.completed",
        "vault.upload.failed",
        "vault.upload.initiated",
        "voice.transcription.completed",
        "voice.transcription.created",
        "voice.transcription.deleted",
        "voice.transcription.failed",
        "voice.transcription.reused",
        "webhook.endpoint.auto_disabled",
        "work_item.execution.completed",
        "work_item.execution.failed",
    }
)


_EVENTS: tuple[type[Any], ...] = (AgentChatSessionAborted, AgentChatSessionCreated, AgentChatSessionResumed, AgentChatTurnAccepted, AgentChatTurnCompleted, AgentChatTurnConflict, AgentChatTurnFailed, AgentChatTurnStarted, AgentCreated, AgentDeleted, AgentRunCancelled, AgentRunCompleted, AgentRunCreated, AgentRunFailed, AgentRunStarted, AgentRuntimeFailed, AgentRuntimeReused, AgentRuntimeStarted, AgentScopeActivated, AgentScopeActivationFailed, AgentScopeReused, AgentUpdated, AgentWorkerFailed, AgentWorkerReady, BalanceChanged, BillingChargeFailed, BillingChargeSucceeded, ComputeRunCompleted, ComputeRunFailed, DeploymentFailed, DeploymentSucceeded, MatterCreated, MatterUpdated, OcrJobCompleted, OcrJobCreated, OcrJobFailed, VaultIngestCompleted, VaultIngestFailed, VaultIngestStarted, VaultObjectAppendCompleted, VaultObjectAppendFailed, VaultObjectAppendStarted, VaultUploadCompleted, VaultUploadFailed, VaultUploadInitiated, VoiceTranscriptionCompleted, VoiceTranscriptionCreated, VoiceTranscriptionDeleted, VoiceTranscriptionFailed, VoiceTranscriptionReused, WebhookEndpointAutoDisabled, WorkItemExecutionCompleted, WorkItemExecutionFailed,)


def _invalid(reason: str, at: str) -> ValidationError:
    return ValidationError(reason, pointer=at)


def _checked(event: Event | UnknownEvent) -> None:
    """Run the checks a Struct type cannot carry (patterns, formats, bounds)."""
    try:
        _check_envelope(event)
    except ValidationError as error:
        raise ValidationError(error.reason, event=event.type, pointer=error.pointer or "") from None


_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
    Union[(*_EVENTS, _NoEvent)]
)
_UNKNOWN: msgspec.json.Decoder[UnknownEvent] = msgspec.json.Decoder(UnknownEvent)
_UNKNOWN_TAG = re.compile(r"Invalid value .* - at `\$\.type`", re.DOTALL)


def _check_envelope(event: Event | UnknownEvent) -> None:
    if not (_PATTERN_1.search(event.id) is not None):
        raise _invalid('does not match "^evt_[0-9A-HJKMNP-TV-Z]{26}$"', "/id")
    if not (_PATTERN_2.search(event.type) is not None):
        raise _invalid('does not match "^[a-z0-9_]+(\\\\.[a-z0-9_]+)+$"', "/type")
    if not (_is_date_time(event.occurred_at)):
        raise _invalid('is not a "date-time"', "/occurred_at")


def decode(body: Body) -> Event | UnknownEvent:
    """Decode one delivery body (JSON) to its event's Struct, validating it exactly.

    A type this module does not know decodes to ``UnknownEvent`` (its envelope is
    still checked). Raises ``ValidationError`` with the JSON pointer of the problem.
    """
    try:
        event = _DECODER.decode(body)
    except msgspec.ValidationError as error:
        if _UNKNOWN_TAG.fullmatch(str(error)) is None:
            raise _from_msgspec(error, body) from None
        event = _NoEvent()
    except msgspec.DecodeError as error:
        raise ValidationError(f"the body is not JSON: {error}", pointer="") from None
    if isinstance(event, _NoEvent):
        try:
            unknown = _UNKNOWN.decode(body)
        except msgspec.ValidationError as error:
            raise _from_msgspec(error, body) from None
        _checked(unknown)
        return unknown
    _checked(event)
    result: Event = event
    return result

"""Typed Case.dev webhook events (typeddict style): 53 event(s).

Generated from the event catalog by `casedev-conformance codegen --style typeddict`; do not edit by hand.

A delivery of a type not listed here is an ``UnknownEvent``: check ``is_known(event)``
first, then ``event["type"] == ...`` narrows to one event's TypedDict.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias, TypedDict, TypeGuard


class AgentChatSessionAbortedData(TypedDict):
    """The data of agent.chat.session.aborted."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    title: NotRequired[str | None]
    model: NotRequired[str | None]
    reason: NotRequired[str | None]


class AgentChatSessionCreatedData(TypedDict):
    """The data of agent.chat.session.created."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    title: NotRequired[str | None]
    model: NotRequired[str | None]
    reason: NotRequired[str | None]


class AgentChatSessionResumedData(TypedDict):
    """The data of agent.chat.session.resumed."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    title: NotRequired[str | None]
    model: NotRequired[str | None]
    reason: NotRequired[str | None]


class AgentChatTurnAcceptedData(TypedDict):
    """The data of agent.chat.turn.accepted."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    turnId: str
    messageId: NotRequired[str | None]
    finishReason: NotRequired[str | None]
    error: NotRequired[str]


class AgentChatTurnCompletedData(TypedDict):
    """The data of agent.chat.turn.completed."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    turnId: str
    messageId: NotRequired[str | None]
    finishReason: NotRequired[str | None]
    error: NotRequired[str]


class AgentChatTurnConflictData(TypedDict):
    """The data of agent.chat.turn.conflict."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    turnId: str
    messageId: NotRequired[str | None]
    finishReason: NotRequired[str | None]
    error: NotRequired[str]


class AgentChatTurnFailedData(TypedDict):
    """The data of agent.chat.turn.failed."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    turnId: str
    messageId: NotRequired[str | None]
    finishReason: NotRequired[str | None]
    error: NotRequired[str]


class AgentChatTurnStartedData(TypedDict):
    """The data of agent.chat.turn.started."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    turnId: str
    messageId: NotRequired[str | None]
    finishReason: NotRequired[str | None]
    error: NotRequired[str]


class AgentCreatedData(TypedDict):
    """The data of agent.created."""

    name: NotRequired[str]
    model: NotRequired[str]
    adhoc: NotRequired[bool]
    version: NotRequired[str]


class AgentDeletedData(TypedDict):
    """The data of agent.deleted."""


class AgentRunCancelledData(TypedDict):
    """The data of agent.run.cancelled."""

    runId: str
    agentId: NotRequired[str]
    source: NotRequired[str]
    version: NotRequired[str]
    reason: NotRequired[str]


class AgentRunCompletedDataUsage(TypedDict):
    """A nested object."""

    inputTokens: int | float
    outputTokens: int | float


class AgentRunCompletedData(TypedDict):
    """The data of agent.run.completed."""

    runId: str
    agentId: NotRequired[str]
    source: NotRequired[str]
    version: NotRequired[str]
    durationMs: int | float
    usage: NotRequired[AgentRunCompletedDataUsage]


class AgentRunCreatedData(TypedDict):
    """The data of agent.run.created."""

    runId: str
    agentId: NotRequired[str]
    source: NotRequired[str]
    version: NotRequired[str]
    input: NotRequired[dict[str, Any]]
    promptLength: NotRequired[int | float]


class AgentRunFailedData(TypedDict):
    """The data of agent.run.failed."""

    runId: str
    agentId: NotRequired[str]
    source: NotRequired[str]
    version: NotRequired[str]
    adhoc: NotRequired[bool]
    runtime: NotRequired[str]
    error: str


class AgentRunStartedData(TypedDict):
    """The data of agent.run.started."""

    runId: str
    agentId: NotRequired[str]
    source: NotRequired[str]
    version: NotRequired[str]
    workflowId: NotRequired[str]
    adhoc: NotRequired[bool]


class AgentRuntimeFailedData(TypedDict):
    """The data of agent.runtime.failed."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    error: NotRequired[str]


class AgentRuntimeReusedData(TypedDict):
    """The data of agent.runtime.reused."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    error: NotRequired[str]


class AgentRuntimeStartedData(TypedDict):
    """The data of agent.runtime.started."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    error: NotRequired[str]


class AgentScopeActivatedData(TypedDict):
    """The data of agent.scope.activated."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    vaultIds: NotRequired[list[str] | None]
    matterIds: NotRequired[list[str] | None]
    error: NotRequired[str]


class AgentScopeActivationFailedData(TypedDict):
    """The data of agent.scope.activation_failed."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    vaultIds: NotRequired[list[str] | None]
    matterIds: NotRequired[list[str] | None]
    error: NotRequired[str]


class AgentScopeReusedData(TypedDict):
    """The data of agent.scope.reused."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    vaultIds: NotRequired[list[str] | None]
    matterIds: NotRequired[list[str] | None]
    error: NotRequired[str]


class AgentUpdatedData(TypedDict):
    """The data of agent.updated."""

    fields: list[str]


class AgentWorkerFailedData(TypedDict):
    """The data of agent.worker.failed."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    error: NotRequired[str]


class AgentWorkerReadyData(TypedDict):
    """The data of agent.worker.ready."""

    chatId: str
    runtimeProvider: NotRequired[str]
    runtimeId: NotRequired[str | None]
    runtimeState: NotRequired[str | None]
    sessionId: NotRequired[str | None]
    error: NotRequired[str]


class BalanceChangedData(TypedDict):
    """The data of balance.changed."""

    balanceCents: int | float
    deltaCents: int | float
    reason: NotRequired[str]


class BillingChargeFailedData(TypedDict):
    """The data of billing.charge.failed."""

    chargeId: str
    amountCents: int | float
    currency: str
    error: str


class BillingChargeSucceededData(TypedDict):
    """The data of billing.charge.succeeded."""

    chargeId: str
    amountCents: int | float
    currency: str


class ComputeRunCompletedData(TypedDict):
    """The data of compute.run.completed."""

    runId: str
    functionId: str
    durationMs: int | float
    exitCode: NotRequired[int | float]


class ComputeRunFailedData(TypedDict):
    """The data of compute.run.failed."""

    runId: str
    functionId: str
    error: str
    exitCode: NotRequired[int | float]


class DeploymentFailedData(TypedDict):
    """The data of deployment.failed."""

    deploymentId: str
    appName: NotRequired[str]
    error: str


class DeploymentSucceededData(TypedDict):
    """The data of deployment.succeeded."""

    deploymentId: str
    appName: NotRequired[str]
    url: NotRequired[str]
    durationMs: NotRequired[int | float]


class MatterCreatedData(TypedDict):
    """The data of matter.created."""

    matterId: str
    title: NotRequired[str]
    status: str


class MatterUpdatedData(TypedDict):
    """The data of matter.updated."""

    matterId: str
    object: dict[str, Any]
    previous_attributes: NotRequired[dict[str, Any]]


class OcrJobCompletedData(TypedDict):
    """The data of ocr.job.completed."""

    jobId: str
    objectId: str
    vaultId: str
    durationMs: int | float
    pageCount: int | float


class OcrJobCreatedData(TypedDict):
    """The data of ocr.job.created."""

    jobId: str
    objectId: str
    vaultId: str
    pageCount: NotRequired[int | float]


class OcrJobFailedData(TypedDict):
    """The data of ocr.job.failed."""

    jobId: str
    objectId: str
    vaultId: str
    error: str


class VaultIngestCompletedData(TypedDict):
    """The data of vault.ingest.completed."""

    vaultId: str
    objectId: str
    durationMs: int | float
    chunkCount: NotRequired[int | float]


class VaultIngestFailedData(TypedDict):
    """The data of vault.ingest.failed."""

    vaultId: str
    objectId: str
    error: str
    stage: NotRequired[str]


class VaultIngestStartedData(TypedDict):
    """The data of vault.ingest.started."""

    vaultId: str
    objectId: str
    stage: NotRequired[str]


class VaultObjectAppendCompletedData(TypedDict):
    """The data of vault.object.append.completed."""

    vaultId: str
    objectId: str
    appendObjectIds: list[str]
    sizeBytes: int | float
    pageCount: int | float


class VaultObjectAppendFailedData(TypedDict):
    """The data of vault.object.append.failed."""

    vaultId: str
    objectId: str
    appendObjectIds: list[str]
    error: str


class VaultObjectAppendStartedData(TypedDict):
    """The data of vault.object.append.started."""

    vaultId: str
    objectId: str
    appendObjectIds: list[str]


class VaultUploadCompletedData(TypedDict):
    """The data of vault.upload.completed."""

    vaultId: str
    objectId: str
    filename: str
    mimeType: str
    sizeBytes: int | float


class VaultUploadFailedData(TypedDict):
    """The data of vault.upload.failed."""

    vaultId: str
    objectId: str
    error: str


class VaultUploadInitiatedData(TypedDict):
    """The data of vault.upload.initiated."""

    vaultId: str
    objectId: str
    filename: str
    mimeType: NotRequired[str]


class VoiceTranscriptionCompletedData(TypedDict):
    """The data of voice.transcription.completed."""

    jobId: str
    vaultId: NotRequired[str]
    assemblyaiId: NotRequired[str]
    sourceObjectId: str
    resultObjectId: str
    audioDurationSeconds: NotRequired[int | float]
    wordCount: int | float
    confidence: NotRequired[int | float]
    textLength: int | float


class VoiceTranscriptionCreatedData(TypedDict):
    """The data of voice.transcription.created."""

    jobId: str
    vaultId: NotRequired[str]
    assemblyaiId: NotRequired[str]
    objectId: NotRequired[str]
    format: NotRequired[str]
    mode: Literal["vault", "direct"]
    status: NotRequired[str]
    speakerLabels: NotRequired[bool]
    autoHighlights: NotRequired[bool]
    contentSafety: NotRequired[bool]
    languageDetection: NotRequired[bool]


class VoiceTranscriptionDeletedData(TypedDict):
    """The data of voice.transcription.deleted."""

    jobId: str
    vaultId: NotRequired[str]
    assemblyaiId: NotRequired[str]
    transcriptId: str
    mode: Literal["vault", "direct"]
    providerDeleted: bool
    providerAlreadyDeleted: bool
    providerDeleteFailed: bool
    providerErrorStatusCode: NotRequired[int | float]
    resultObjectDeleted: bool
    localRecordDeleted: bool


class VoiceTranscriptionFailedData(TypedDict):
    """The data of voice.transcription.failed."""

    jobId: str
    vaultId: NotRequired[str]
    assemblyaiId: NotRequired[str]
    sourceObjectId: NotRequired[str]
    error: str


class VoiceTranscriptionReusedData(TypedDict):
    """The data of voice.transcription.reused."""

    jobId: str
    vaultId: NotRequired[str]
    assemblyaiId: NotRequired[str]
    objectId: str
    format: NotRequired[str]
    mode: Literal["vault"]
    from_cache: Literal[True]
    options_hash: NotRequired[str]


class WebhookEndpointAutoDisabledData(TypedDict):
    """The data of webhook.endpoint.auto_disabled."""

    endpointId: str
    url: str
    consecutiveFailures: int | float
    lastFailureAt: str


class WorkItemExecutionCompletedData(TypedDict):
    """The data of work_item.execution.completed."""

    matterId: str
    workItemId: str
    durationMs: int | float


class WorkItemExecutionFailedData(TypedDict):
    """The data of work_item.execution.failed."""

    matterId: str
    workItemId: str
    error: str


class AgentChatSessionAborted(TypedDict):
    """agent.chat.session.aborted (beta): An active agent chat generation was aborted."""

    id: str
    type: Literal["agent.chat.session.aborted"]
    occurred_at: str
    data: AgentChatSessionAbortedData


class AgentChatSessionCreated(TypedDict):
    """agent.chat.session.created (beta): An agent chat session was created."""

    id: str
    type: Literal["agent.chat.session.created"]
    occurred_at: str
    data: AgentChatSessionCreatedData


class AgentChatSessionResumed(TypedDict):
    """agent.chat.session.resumed (beta): An agent chat session was resumed."""

    id: str
    type: Literal["agent.chat.session.resumed"]
    occurred_at: str
    data: AgentChatSessionResumedData


class AgentChatTurnAccepted(TypedDict):
    """agent.chat.turn.accepted (beta): An agent chat turn was accepted for processing."""

    id: str
    type: Literal["agent.chat.turn.accepted"]
    occurred_at: str
    data: AgentChatTurnAcceptedData


class AgentChatTurnCompleted(TypedDict):
    """agent.chat.turn.completed (beta): An agent chat turn completed successfully."""

    id: str
    type: Literal["agent.chat.turn.completed"]
    occurred_at: str
    data: AgentChatTurnCompletedData


class AgentChatTurnConflict(TypedDict):
    """agent.chat.turn.conflict (beta): An agent chat turn was rejected because another turn was active."""

    id: str
    type: Literal["agent.chat.turn.conflict"]
    occurred_at: str
    data: AgentChatTurnConflictData


class AgentChatTurnFailed(TypedDict):
    """agent.chat.turn.failed (beta): An agent chat turn failed."""

    id: str
    type: Literal["agent.chat.turn.failed"]
    occurred_at: str
    data: AgentChatTurnFailedData


class AgentChatTurnStarted(TypedDict):
    """agent.chat.turn.started (beta): An agent chat turn began executing."""

    id: str
    type: Literal["agent.chat.turn.started"]
    occurred_at: str
    data: AgentChatTurnStartedData


class AgentCreated(TypedDict):
    """agent.created (beta): An agent definition was created."""

    id: str
    type: Literal["agent.created"]
    occurred_at: str
    data: AgentCreatedData


class AgentDeleted(TypedDict):
    """agent.deleted (beta): An agent definition was deleted."""

    id: str
    type: Literal["agent.deleted"]
    occurred_at: str
    data: AgentDeletedData


class AgentRunCancelled(TypedDict):
    """agent.run.cancelled (beta): An agent run was cancelled."""

    id: str
    type: Literal["agent.run.cancelled"]
    occurred_at: str
    data: AgentRunCancelledData


class AgentRunCompleted(TypedDict):
    """agent.run.completed (beta): An agent run finished successfully."""

    id: str
    type: Literal["agent.run.completed"]
    occurred_at: str
    data: AgentRunCompletedData


class AgentRunCreated(TypedDict):
    """agent.run.created (beta): An agent run was created."""

    id: str
    type: Literal["agent.run.created"]
    occurred_at: str
    data: AgentRunCreatedData


class AgentRunFailed(TypedDict):
    """agent.run.failed (beta): An agent run failed."""

    id: str
    type: Literal["agent.run.failed"]
    occurred_at: str
    data: AgentRunFailedData


class AgentRunStarted(TypedDict):
    """agent.run.started (beta): An agent run began executing."""

    id: str
    type: Literal["agent.run.started"]
    occurred_at: str
    data: AgentRunStartedData


class AgentRuntimeFailed(TypedDict):
    """agent.runtime.failed (beta): An agent chat runtime sandbox failed to start or resume."""

    id: str
    type: Literal["agent.runtime.failed"]
    occurred_at: str
    data: AgentRuntimeFailedData


class AgentRuntimeReused(TypedDict):
    """agent.runtime.reused (beta): An existing agent chat runtime sandbox was reused."""

    id: str
    type: Literal["agent.runtime.reused"]
    occurred_at: str
    data: AgentRuntimeReusedData


class AgentRuntimeStarted(TypedDict):
    """agent.runtime.started (beta): An agent chat runtime sandbox was started."""

    id: str
    type: Literal["agent.runtime.started"]
    occurred_at: str
    data: AgentRuntimeStartedData


class AgentScopeActivated(TypedDict):
    """agent.scope.activated (beta): A chat session scope was activated for the requested matter or vault authority."""

    id: str
    type: Literal["agent.scope.activated"]
    occurred_at: str
    data: AgentScopeActivatedData


class AgentScopeActivationFailed(TypedDict):
    """agent.scope.activation_failed (beta): A chat session scope failed to activate."""

    id: str
    type: Literal["agent.scope.activation_failed"]
    occurred_at: str
    data: AgentScopeActivationFailedData


class AgentScopeReused(TypedDict):
    """agent.scope.reused (beta): An existing chat session scope was reused."""

    id: str
    type: Literal["agent.scope.reused"]
    occurred_at: str
    data: AgentScopeReusedData


class AgentUpdated(TypedDict):
    """agent.updated (beta): An agent definition was updated."""

    id: str
    type: Literal["agent.updated"]
    occurred_at: str
    data: AgentUpdatedData


class AgentWorkerFailed(TypedDict):
    """agent.worker.failed (beta): The agent worker inside a chat runtime failed to become available."""

    id: str
    type: Literal["agent.worker.failed"]
    occurred_at: str
    data: AgentWorkerFailedData


class AgentWorkerReady(TypedDict):
    """agent.worker.ready (beta): The agent worker inside a chat runtime is ready to accept work."""

    id: str
    type: Literal["agent.worker.ready"]
    occurred_at: str
    data: AgentWorkerReadyData


class BalanceChanged(TypedDict):
    """balance.changed (stable): The organization credit balance changed."""

    id: str
    type: Literal["balance.changed"]
    occurred_at: str
    data: BalanceChangedData


class BillingChargeFailed(TypedDict):
    """billing.charge.failed (stable): A billing charge failed."""

    id: str
    type: Literal["billing.charge.failed"]
    occurred_at: str
    data: BillingChargeFailedData


class BillingChargeSucceeded(TypedDict):
    """billing.charge.succeeded (stable): A billing charge succeeded."""

    id: str
    type: Literal["billing.charge.succeeded"]
    occurred_at: str
    data: BillingChargeSucceededData


class ComputeRunCompleted(TypedDict):
    """compute.run.completed (stable): A compute function run completed successfully."""

    id: str
    type: Literal["compute.run.completed"]
    occurred_at: str
    data: ComputeRunCompletedData


class ComputeRunFailed(TypedDict):
    """compute.run.failed (stable): A compute function run failed."""

    id: str
    type: Literal["compute.run.failed"]
    occurred_at: str
    data: ComputeRunFailedData


class DeploymentFailed(TypedDict):
    """deployment.failed (stable): A deployment failed."""

    id: str
    type: Literal["deployment.failed"]
    occurred_at: str
    data: DeploymentFailedData


class DeploymentSucceeded(TypedDict):
    """deployment.succeeded (stable): A deployment succeeded."""

    id: str
    type: Literal["deployment.succeeded"]
    occurred_at: str
    data: DeploymentSucceededData


class MatterCreated(TypedDict):
    """matter.created (beta): A matter was created."""

    id: str
    type: Literal["matter.created"]
    occurred_at: str
    data: MatterCreatedData


class MatterUpdated(TypedDict):
    """matter.updated (beta): A matter was updated."""

    id: str
    type: Literal["matter.updated"]
    occurred_at: str
    data: MatterUpdatedData


class OcrJobCompleted(TypedDict):
    """ocr.job.completed (stable): An OCR job finished successfully."""

    id: str
    type: Literal["ocr.job.completed"]
    occurred_at: str
    data: OcrJobCompletedData


class OcrJobCreated(TypedDict):
    """ocr.job.created (stable): An OCR job was enqueued."""

    id: str
    type: Literal["ocr.job.created"]
    occurred_at: str
    data: OcrJobCreatedData


class OcrJobFailed(TypedDict):
    """ocr.job.failed (stable): An OCR job failed."""

    id: str
    type: Literal["ocr.job.failed"]
    occurred_at: str
    data: OcrJobFailedData


class VaultIngestCompleted(TypedDict):
    """vault.ingest.completed (stable): Vault object ingest finished successfully."""

    id: str
    type: Literal["vault.ingest.completed"]
    occurred_at: str
    data: VaultIngestCompletedData


class VaultIngestFailed(TypedDict):
    """vault.ingest.failed (stable): Vault object ingest failed."""

    id: str
    type: Literal["vault.ingest.failed"]
    occurred_at: str
    data: VaultIngestFailedData


class VaultIngestStarted(TypedDict):
    """vault.ingest.started (stable): Vault object ingest started."""

    id: str
    type: Literal["vault.ingest.started"]
    occurred_at: str
    data: VaultIngestStartedData


class VaultObjectAppendCompleted(TypedDict):
    """vault.object.append.completed (stable): Vault object append finished successfully."""

    id: str
    type: Literal["vault.object.append.completed"]
    occurred_at: str
    data: VaultObjectAppendCompletedData


class VaultObjectAppendFailed(TypedDict):
    """vault.object.append.failed (stable): Vault object append failed."""

    id: str
    type: Literal["vault.object.append.failed"]
    occurred_at: str
    data: VaultObjectAppendFailedData


class VaultObjectAppendStarted(TypedDict):
    """vault.object.append.started (stable): Vault object append started."""

    id: str
    type: Literal["vault.object.append.started"]
    occurred_at: str
    data: VaultObjectAppendStartedData


class VaultUploadCompleted(TypedDict):
    """vault.upload.completed (stable): A vault object upload finished successfully."""

    id: str
    type: Literal["vault.upload.completed"]
    occurred_at: str
    data: VaultUploadCompletedData


class VaultUploadFailed(TypedDict):
    """vault.upload.failed (stable): A vault object upload failed."""

    id: str
    type: Literal["vault.upload.failed"]
    occurred_at: str
    data: VaultUploadFailedData


class VaultUploadInitiated(TypedDict):
    """vault.upload.initiated (stable): A vault object upload was initiated."""

    id: str
    type: Literal["vault.upload.initiated"]
    occurred_at: str
    data: VaultUploadInitiatedData


class VoiceTranscriptionCompleted(TypedDict):
    """voice.transcription.completed (stable): A transcription job finished successfully."""

    id: str
    type: Literal["voice.transcription.completed"]
    occurred_at: str
    data: VoiceTranscriptionCompletedData


class VoiceTranscriptionCreated(TypedDict):
    """voice.transcription.created (stable): A transcription job was created."""

    id: str
    type: Literal["voice.transcription.created"]
    occurred_at: str
    data: VoiceTranscriptionCreatedData


class VoiceTranscriptionDeleted(TypedDict):
    """voice.transcription.deleted (stable): A transcription job was deleted."""

    id: str
    type: Literal["voice.transcription.deleted"]
    occurred_at: str
    data: VoiceTranscriptionDeletedData


class VoiceTranscriptionFailed(TypedDict):
    """voice.transcription.failed (stable): A transcription job failed."""

    id: str
    type: Literal["voice.transcription.failed"]
    occurred_at: str
    data: VoiceTranscriptionFailedData


class VoiceTranscriptionReused(TypedDict):
    """voice.transcription.reused (stable): A completed transcription job was reused from cache."""

    id: str
    type: Literal["voice.transcription.reused"]
    occurred_at: str
    data: VoiceTranscriptionReusedData


class WebhookEndpointAutoDisabled(TypedDict):
    """webhook.endpoint.auto_disabled (stable): A webhook endpoint was automatically disabled after too many consecutive delivery failures. Subscribe to this to be notified when a downstream customer endpoint starts failing."""

    id: str
    type: Literal["webhook.endpoint.auto_disabled"]
    occurred_at: str
    data: WebhookEndpointAutoDisabledData


class WorkItemExecutionCompleted(TypedDict):
    """work_item.execution.completed (beta): A matter work item finished execution."""

    id: str
    type: Literal["work_item.execution.completed"]
    occurred_at: str
    data: WorkItemExecutionCompletedData


class WorkItemExecutionFailed(TypedDict):
    """work_item.execution.failed (beta): A matter work item execution failed."""

    id: str
    type: Literal["work_item.execution.failed"]
    occurred_at: str
    data: WorkItemExecutionFailedData


class UnknownEvent(TypedDict):
    """A delivery whose type this module does not know (a newer catalog, or webhook.test)."""

    id: str
    type: str
    occurred_at: str
    data: dict[str, Any]


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
"""Every known event; narrow it with ``event["type"] == ...``."""

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


def is_known(event: Event | UnknownEvent) -> TypeGuard[Event]:
    """Whether ``event`` is one of the known events (then ``event["type"]`` narrows it)."""
    return event["type"] in KNOWN_TYPES

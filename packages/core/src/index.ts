export { CONTINUE, SUBMIT, handoff, handoffTarget, parseAction, type Action } from './action.ts';
export { createArtifact, reviseArtifact, verifyArtifact, MemoryArtifactStore, type Artifact, type ArtifactStore } from './artifact.ts';
export { BatonError, UserError, ProviderError, ModelBehaviorError, EpisodeError } from './errors.ts';
export type { BatonEvent, BatonEventType, EventSink } from './events.ts';
export { canonicalJson, sha256 } from './hash.ts';
export type { Decision, DecideContext, DecisionOutcome, HandoffHead, Transition } from './head.ts';
export { flattenView, viewKey, type AgentInterface, type Features, type InterfaceView, type LocalState } from './interface.ts';
export type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter, TokenUsage, ToolCall, ToolSpec } from './model.ts';
export { usageTokens, type AgentOption, type Usage, type WorkContext, type WorkResult } from './option.ts';
export { Rng } from './rng.ts';
export { extractJson, generateStructured, type StructuredResult } from './structured.ts';
export {
  InProcessRuntime,
  budgetExhausted,
  checkedGrade,
  checkedWork,
  epochTarget,
  finite,
  gradeFields,
  legalActionsFor,
  returnsToGo,
  type EpisodeOptions,
  type EpisodeResult,
  type RuntimeConfig,
  type TimedReward,
} from './runtime.ts';
export { defineWorkflow, skippedBy, type Budget, type Grade, type Grader, type Workflow, type WorkflowConfig } from './workflow.ts';
export {
  AUDIT_FORMAT,
  AUDIT_FORMAT_VERSION,
  AUDIT_KEY_ENV,
  AuditChain,
  DEFAULT_REDACTED_FIELDS,
  GRADER_LINE,
  REDACTED,
  auditCosts,
  auditKeyFromEnv,
  createAuditSink,
  AuditLogCheck,
  createRedactor,
  forEachAuditLine,
  readAuditLog,
  replayAudit,
  splitAuditText,
  splitLine,
  verifyAuditLines,
  verifyAuditLog,
  withAuditLog,
  type AuditCosts,
  type AuditRecord,
  type AuditSink,
  type AuditSinkOptions,
  type CostLine,
  type EpisodeReplay,
  type EventRecord,
  type GenesisRecord,
  type RedactOptions,
  type ReplayResult,
  type SealRecord,
  type VerifyOptions,
  type VerifyResult,
} from './audit/index.ts';

export { CONTINUE, SUBMIT, handoff, handoffTarget, parseAction, type Action } from './action.ts';
export { createArtifact, reviseArtifact, verifyArtifact, MemoryArtifactStore, type Artifact, type ArtifactStore } from './artifact.ts';
export { BatonError, UserError, ProviderError, ModelBehaviorError, EpisodeError } from './errors.ts';
export type { BatonEvent, BatonEventType, EventSink } from './events.ts';
export { canonicalJson, sha256 } from './hash.ts';
export type { Decision, DecideContext, DecisionOutcome, HandoffHead, TargetIngredients, Transition } from './head.ts';
export {
  flattenView,
  viewKey,
  type AgentInterface,
  type BudgetLeft,
  type Features,
  type InterfaceView,
  type LocalState,
} from './interface.ts';
export type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter, TokenUsage, ToolCall, ToolSpec } from './model.ts';
export { usageTokens, type AgentOption, type Usage, type WorkContext, type WorkResult } from './option.ts';
export { Rng } from './rng.ts';
export { extractJson, generateStructured, type StructuredResult } from './structured.ts';
export { InProcessRuntime, type EpisodeOptions, type EpisodeResult, type Runtime, type RuntimeConfig } from './runtime.ts';
export { defineWorkflow, skippedBy, type Budget, type Grade, type Grader, type Workflow, type WorkflowConfig } from './workflow.ts';

// Models: OpenAI, Anthropic, LangChain adapters, prices, retries (issue 3).
export { createOpenAIModel, type OpenAIModelSettings } from './models/openai.ts';
export { createAnthropicModel, type AnthropicModelSettings } from './models/anthropic.ts';
export { createLangChainModel, type LangChainModelSettings } from './models/langchain.ts';
export { costOf, defaultPrices, priceFor, type ModelPrice, type PriceTable } from './models/prices.ts';
export { RetryBudget, type RetryBudgetLimits, type RetryPolicy } from './models/retry.ts';
export { retryAfterMs } from './models/provider-error.ts';
export type { ModelSettings } from './models/shared.ts';
// Workflow config files: model bindings, the config schema, loading (issue 18.3).
export {
  bindingFields,
  bindingOf,
  checkBinding,
  keySourceOf,
  modelBindingSchema,
  modelFromBinding,
  tokenPriceSchema,
  type BindingContext,
  type ModelBinding,
} from './config/binding.ts';
export { bindingsFileSchema, loadBindings, type LoadedBindings } from './config/bindings-file.ts';
export { DEFAULT_EPISODE_DEADLINE_MS, type ConfigContext } from './config/common.ts';
export { loadHeadsFor, readHeadsFile, saveHeadsFile, type HeadsSnapshot } from './config/heads-file.ts';
export { mathAgentSchema, mathConfigSchema, type MathAgentConfig, type MathConfig } from './config/math-kind.ts';
export { loadProblems, type Problem } from './config/problems.ts';
export {
  configuredDefinition,
  loadWorkflowConfig,
  parseConfigText,
  parseWorkflowConfig,
  workflowConfigJsonSchema,
  workflowConfigSchema,
  type ConfiguredDefinition,
  type DefinitionContext,
  type LoadedConfig,
  type WorkflowConfig,
} from './config/workflow-config.ts';
export {
  createReplayModel,
  countTokens,
  formatWideCsv,
  loadPromptFile,
  loadRecordedSplits,
  loadRecordedTask,
  loadRouteLLMSplits,
  parsePythonStringList,
  promptHashId,
  PythonLiteralError,
  pythonStringListRepr,
  ROUTELLM_TRAIN_SHARE,
  modelPair,
  recordedLabel,
  replayPair,
  loadRouteLLM,
  loadRecordedOutputs,
  loadRouterBench,
  priceOf,
  promptKey,
  replayDefaultPrices,
  routeLLMFiles,
  ReplayUnknownPromptError,
  type PromptRow,
  type RecordedOutput,
  type RecordedSplitsOptions,
  type RecordedTaskFile,
  type RecordedTaskOptions,
  type WideCsvCell,
  type WideCsvRow,
  type ReplayDataset,
  type ReplayModelConfig,
  type ReplayRecord,
  type RouteLLMDataset,
  type RouteLLMFiles,
  type TokenPrice,
} from './replay/index.ts';
// Distributed runtime on BullMQ + Redis (issue 4).
export {
  AgentWorker,
  BATON_WORKER_TIMING,
  batonJobOptions,
  BullmqRuntime,
  checkKeyName,
  checkRedisReachable,
  cleanFinishedKeys,
  connectRedis,
  createEventStreamSink,
  DEFAULT_REDIS_URL,
  DEFAULT_RETENTION,
  InvalidJobError,
  KEY_KINDS,
  loadStoredHead,
  queueName,
  readEventStream,
  redactRedisUrl,
  redisKeys,
  redisOptionsFromUrl,
  removedKinds,
  reportError,
  resultsQueueName,
  SNAPSHOT_EVERY,
  streamRedeliveries,
  takeCensus,
  type AgentWorkerConfig,
  type AgentWorkerStats,
  type BullmqRuntimeConfig,
  type CleanOptions,
  type DeliveredEventSink,
  type EpisodesOptions,
  type ErrorReporter,
  type HeadOp,
  type TracedOp,
  type KeyCensus,
  type KeyKind,
  type KeySpace,
  type KeyTally,
  type RedisConnectOptions,
  type Retention,
  type WorkflowDefinition,
} from './bullmq/index.ts';

export { AgentWorker, type AgentWorkerConfig, type AgentWorkerStats } from './worker.ts';
export { InvalidJobError } from './schema.ts';
export { loadStoredHead, SNAPSHOT_EVERY, type HeadOp, type TracedOp } from './head-store.ts';
export { reportError, type ErrorReporter } from './report.ts';
export { BullmqRuntime, type BullmqRuntimeConfig, type EpisodesOptions } from './runtime.ts';
export {
  checkRedisReachable,
  connectRedis,
  DEFAULT_REDIS_URL,
  redactRedisUrl,
  redisOptionsFromUrl,
  type RedisConnectOptions,
} from './connection.ts';
export { queueName, redisKeys, resultsQueueName, type DeliveredEventSink, type KeySpace, type WorkflowDefinition } from './protocol.ts';
export { BATON_WORKER_TIMING, batonJobOptions } from './job-options.ts';
export {
  checkKeyName,
  cleanFinishedKeys,
  KEY_KINDS,
  removedKinds,
  takeCensus,
  type CleanOptions,
  type KeyCensus,
  type KeyKind,
  type KeyTally,
} from './clean.ts';
export { DEFAULT_RETENTION, FAILED_JOBS_KEPT, retentionOf, type Retention } from './retention.ts';
export { createEventStreamSink, readEventStream, streamRedeliveries } from './stream-sink.ts';

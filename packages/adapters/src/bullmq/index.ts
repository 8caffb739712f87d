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
export {
  EPISODE_KEY_TTL_SECONDS,
  queueName,
  redisKeys,
  resultsQueueName,
  type DeliveredEventSink,
  type KeySpace,
  type WorkflowDefinition,
} from './protocol.ts';
export { BATON_JOB_OPTIONS, BATON_WORKER_TIMING } from './job-options.ts';
export { createEventStreamSink, readEventStream, streamRedeliveries } from './stream-sink.ts';

export { AgentWorker, type AgentWorkerConfig, type AgentWorkerStats } from './worker.ts';
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
export { BATON_JOB_OPTIONS, BATON_WORKER_TIMING } from './job-options.ts';
export { createEventStreamSink, readEventStream, streamRedeliveries } from './stream-sink.ts';

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
export { chainDefinition, chainInput, relayDefinition } from './examples.ts';
export { createEventStreamSink, readEventStream, streamRedeliveries } from './stream-sink.ts';
export { runQueueBench, type QueueBenchOptions, type QueueBenchPoint, type QueueBenchResult } from './bench/queue-bench.ts';
export { PrivateRedis } from './bench/redis-server.ts';
export { runFaultsBench, type FaultsBenchOptions, type FaultsBenchResult } from './bench/faults-bench.ts';

export {
  AUDIT_STREAM_FIELD,
  createRedisStreamAuditSink,
  readRedisAuditStream,
  type RedisStreamAuditSink,
  type RedisStreamAuditSinkOptions,
} from './redis-stream.ts';
export { createOtelSink, type OtelSinkOptions } from './otel.ts';

export { AuditError } from './errors.ts';
export {
  AUDIT_FORMAT,
  AUDIT_FORMAT_VERSION,
  AuditChain,
  splitLine,
  type AuditRecord,
  type EventRecord,
  type GenesisRecord,
  type SealRecord,
} from './format.ts';
export { auditCosts, GRADER_LINE, type AuditCosts, type CostLine } from './costs.ts';
export { AUDIT_KEY_ENV, auditKeyFromEnv, withAuditLog } from './demo.ts';
export { createAuditSink, type AuditSink, type AuditSinkOptions } from './file-sink.ts';
export { createRedactor, DEFAULT_REDACTED_FIELDS, REDACTED, redactionPlan, type RedactionPlan, type RedactOptions } from './redact.ts';
export { replayAudit, type EpisodeReplay, type ReplayResult } from './replay.ts';
export { readAuditLog, readAuditRecords, type AuditRecords } from './read.ts';
export { auditEventSchema, auditRecordSchema, checkEvent, checkRecord } from './schema.ts';
export { AuditLogCheck, splitAuditText, verifyAuditLines, verifyAuditLog, type VerifyOptions, type VerifyResult } from './verify.ts';
export { forEachAuditLine } from './lines.ts';

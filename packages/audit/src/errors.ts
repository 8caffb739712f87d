import { BatonError } from '@baton/core';

/**
 * The audit log itself failed: a write that did not reach the file, a record built out of order. Kept apart from a
 * `UserError` (a bad path or key, a file that is not an audit log) because a caller cannot fix it by changing input:
 * the log is incomplete and the run that wrote it should stop.
 */
export class AuditError extends BatonError {
  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(options?.code ?? 'audit.failed', message, options);
  }
}

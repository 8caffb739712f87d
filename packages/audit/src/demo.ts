import type { EventSink } from '@baton/core';
import { createAuditSink, type AuditSinkOptions } from './file-sink.ts';
import { verifyAuditLog, type VerifyResult } from './verify.ts';

/** The env var the CLI and demo read the HMAC key from. */
export const AUDIT_KEY_ENV = 'BATON_AUDIT_KEY';

/** The HMAC key in `process.env[name]`, or undefined when unset or empty. */
export function auditKeyFromEnv(name: string = AUDIT_KEY_ENV): string | undefined {
  const key = process.env[name];
  return key === undefined || key === '' ? undefined : key;
}

/**
 * Runs `body` with an audit sink on `path` (signed with BATON_AUDIT_KEY when set), closes the log and verifies it:
 * the one call a demo or script needs for `--audit FILE`.
 * @example
 * const { value, verify } = await withAuditLog('demo.audit.jsonl', (sink) =>
 *   new InProcessRuntime({ workflow, heads, sinks: [sink] }).runEpisode({ seed: 1, input }));
 */
export async function withAuditLog<R>(
  path: string,
  body: (sink: EventSink) => Promise<R>,
  options: Omit<AuditSinkOptions, 'path'> = {},
): Promise<{ value: R; verify: VerifyResult }> {
  const hmacKey = options.hmacKey ?? auditKeyFromEnv();
  const audit = createAuditSink({ ...options, path, ...(hmacKey === undefined ? {} : { hmacKey }) });
  let value: R;
  try {
    value = await body(audit.sink);
  } finally {
    await audit.close();
  }
  return { value, verify: await verifyAuditLog(path, hmacKey === undefined ? {} : { hmacKey }) };
}

import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  auditCosts,
  auditKeyFromEnv,
  createAuditSink,
  forEachAuditLine,
  readAuditLog,
  verifyAuditLog,
  type AuditCosts,
  type VerifyResult,
} from '@baton/audit';
import type { BatonEvent, EventSink } from '@baton/core';

export type { AuditCosts, CostLine } from '@baton/audit';

/** What the playground needs from an audit log. The server and UI depend only on this; `coreAudit` is the implementation. */
export interface AuditBackend {
  /** A sink that appends every event it receives to `file` (a new file); `close` flushes and seals it. */
  createSink(file: string): Promise<AuditWriter>;
  /** `live`: the log is still being written, so a missing seal is not a failure. */
  verify(file: string, options?: { live?: boolean }): Promise<AuditVerdict>;
  costs(file: string): Promise<AuditCosts>;
  read(file: string, options?: { offset?: number; limit?: number }): Promise<AuditPage>;
}

export interface AuditWriter {
  readonly sink: EventSink;
  close(): Promise<void>;
}

/** @baton/core's verify result (its `ok` ignores a missing seal when `live`), plus whether the log was live. */
export interface AuditVerdict extends Omit<VerifyResult, 'head'> {
  readonly live: boolean;
}

export interface AuditPageRecord {
  /** 1-based line in the file, as in `AuditVerdict.firstBad.line`. */
  readonly line: number;
  /** `unreadable`: the line is not a record (e.g. tampered into invalid JSON). */
  readonly kind: 'genesis' | 'event' | 'seal' | 'unreadable';
  readonly hash: string;
  readonly ts?: number;
  readonly event?: BatonEvent;
}

export interface AuditPage {
  readonly total: number;
  readonly records: readonly AuditPageRecord[];
}

export interface CoreAuditOptions {
  /** Signs new logs with HMAC-SHA256 and requires valid macs on verify (>= 16 characters). */
  readonly hmacKey?: string | undefined;
}

/**
 * The playground's audit logs on @baton/core's audit log (0005): `createAuditSink` writes each run's hash-chained,
 * redacted, sealed JSONL; `verifyAuditLog` gives the badge; `auditCosts` the per-agent and per-edge costs;
 * `readAuditLog` the records. With a key, logs are signed, and a log without valid macs fails verification.
 */
export function createCoreAudit(options: CoreAuditOptions = {}): AuditBackend {
  const hmacKey = options.hmacKey;
  return {
    async createSink(file) {
      await mkdir(dirname(file), { recursive: true });
      const audit = createAuditSink({ path: file, ...(hmacKey !== undefined ? { hmacKey } : {}) });
      return { sink: audit.sink, close: () => audit.close() };
    },
    async verify(file, { live = false } = {}) {
      const r = await verifyAuditLog(file, { requireSeal: !live, ...(hmacKey !== undefined ? { hmacKey } : {}) });
      return {
        ok: r.ok,
        records: r.records,
        sealed: r.sealed,
        signed: r.signed,
        live,
        ...(r.firstBad ? { firstBad: r.firstBad } : {}),
        ...(r.tornTail ? { tornTail: true } : {}),
      };
    },
    costs: (file) => auditCosts(file),
    async read(file, { offset = 0, limit = 200 } = {}) {
      // Streamed: only the page's lines are kept, whatever the size of the log.
      const lines: string[] = [];
      let total = 0;
      await forEachAuditLine(file, (text) => {
        if (total >= offset && total < offset + limit) lines.push(text);
        total += 1;
        return true;
      });
      // Line by line, so one unparseable (tampered) line does not hide the page around it.
      const records = await Promise.all(
        lines.map(async (text, i): Promise<AuditPageRecord> => {
          const line = offset + i + 1;
          try {
            const [r] = await readAuditLog([text]);
            if (!r) throw new Error('empty');
            return {
              line,
              kind: r.kind,
              hash: r.hash,
              ...(r.kind === 'genesis' ? {} : { ts: r.ts }),
              ...(r.kind === 'event' ? { event: r.event } : {}),
            };
          } catch {
            return { line, kind: 'unreadable', hash: '' };
          }
        }),
      );
      return { total, records };
    },
  };
}

/** The default backend: @baton/core's audit log, signed when `BATON_AUDIT_KEY` is set. */
export const coreAudit: AuditBackend = createCoreAudit({ hmacKey: auditKeyFromEnv() });

/** Audit logs in `dir`, newest first. */
export async function listAuditLogs(dir: string): Promise<{ name: string; bytes: number; modified: string }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const out = await Promise.all(
    names.map(async (name) => {
      const s = await stat(`${dir}/${name}`);
      return { name, bytes: s.size, modified: s.mtime.toISOString() };
    }),
  );
  return out.sort((a, b) => b.modified.localeCompare(a.modified));
}

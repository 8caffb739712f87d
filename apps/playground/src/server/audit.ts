import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  auditCosts,
  auditKeyFromEnv,
  checkEvent,
  createAuditSink,
  forEachAuditLine,
  verifyAuditLog,
  type AuditCosts,
  type AuditRecord,
  type VerifyResult,
} from '@baton/audit';
import type { BatonEvent, EventSink } from '@baton/core';

export type { CostLine } from '@baton/audit';

/** Costs per agent and per edge, summed over the records that parse and match the event schema. */
export interface PlaygroundCosts extends AuditCosts {
  /** Lines left out of the sums: not JSON, not a record, or an event that does not match the schema. */
  readonly excluded: number;
}

/** What the playground needs from an audit log. The server and UI depend only on this; `coreAudit` is the implementation. */
export interface AuditBackend {
  /** A sink that appends every event it receives to `file` (a new file); `close` flushes and seals it. */
  createSink(file: string): Promise<AuditWriter>;
  /** `live`: the log is still being written, so a missing seal is not a failure. */
  verify(file: string, options?: { live?: boolean }): Promise<AuditVerdict>;
  costs(file: string): Promise<PlaygroundCosts>;
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
  /**
   * `unreadable`: the line is not a record (e.g. tampered into invalid JSON); `invalid`: an event record whose event
   * does not match the event schema (`problem` says which field, `text` is the start of the line).
   */
  readonly kind: 'genesis' | 'event' | 'seal' | 'unreadable' | 'invalid';
  readonly hash: string;
  readonly ts?: number;
  readonly event?: BatonEvent;
  readonly problem?: string;
  readonly text?: string;
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
    async costs(file) {
      const records: AuditRecord[] = [];
      let excluded = 0;
      await forEachAuditLine(file, (text) => {
        const r = parseRecord(text);
        if (r.kind === 'unreadable' || r.kind === 'invalid') excluded += 1;
        else if (r.record) records.push(r.record);
        return true;
      });
      return { ...(await auditCosts(records)), excluded };
    },
    async read(file, { offset = 0, limit = 200 } = {}) {
      // Streamed: only the page's lines are kept, whatever the size of the log.
      const records: AuditPageRecord[] = [];
      let total = 0;
      await forEachAuditLine(file, (text) => {
        // Line by line, so one unparseable (tampered) line does not hide the page around it.
        if (total >= offset && total < offset + limit) records.push({ line: total + 1, ...parseRecord(text).page });
        total += 1;
        return true;
      });
      return { total, records };
    },
  };
}

const SHOWN_CHARS = 240;

/** One line of a log: its page form and, when it is a well-formed record, the record. */
function parseRecord(text: string): { kind: AuditPageRecord['kind']; page: Omit<AuditPageRecord, 'line'>; record?: AuditRecord } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', page: { kind: 'unreadable', hash: '', text: text.slice(0, SHOWN_CHARS) } };
  }
  const r = value as Partial<Record<string, unknown>> | null;
  const kind = r?.['kind'];
  const hash = typeof r?.['hash'] === 'string' ? r['hash'] : '';
  const ts = typeof r?.['ts'] === 'number' && Number.isFinite(r['ts']) ? { ts: r['ts'] } : {};
  if (kind === 'genesis' || kind === 'seal') return { kind, page: { kind, hash, ...ts }, record: value as AuditRecord };
  if (kind !== 'event') return { kind: 'unreadable', page: { kind: 'unreadable', hash, text: text.slice(0, SHOWN_CHARS) } };
  const checked = checkEvent(r?.['event']);
  if (!checked.ok) {
    return { kind: 'invalid', page: { kind: 'invalid', hash, ...ts, problem: checked.problem, text: text.slice(0, SHOWN_CHARS) } };
  }
  return {
    kind,
    page: { kind, hash, ...ts, event: checked.event },
    record: { ...(value as AuditRecord), event: checked.event } as AuditRecord,
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

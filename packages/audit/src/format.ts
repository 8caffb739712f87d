import { hash as oneShotHash } from 'node:crypto';
import type { BatonEvent } from '@baton/core';
import { AuditError } from './errors.ts';

/** The `format` of a Baton audit log's genesis record. */
export const AUDIT_FORMAT = 'baton-audit';
/**
 * Bumped whenever the line layout or the hashing rule changes; verifiers refuse versions they do not know.
 * 1: a signed log carries a mac on every record. 2: a signed log carries one on its genesis and seal, and on
 * checkpoint records between them (the file sink signs the last record of every batch it writes); a mac on a record
 * authenticates, through the chain of hashes, every record before it. Version 2 verifiers read both.
 */
export const AUDIT_FORMAT_VERSION = 2;
/** Format versions this code verifies. */
export const AUDIT_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** First record of every log: says what the file is and whether its records carry HMACs. */
export interface GenesisRecord {
  readonly seq: 0;
  readonly kind: 'genesis';
  readonly format: typeof AUDIT_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly signed: boolean;
  readonly prev: null;
  readonly hash: string;
  readonly mac?: string;
}

/** One runtime event, as emitted (after redaction), with the wall-clock time it reached the sink. */
export interface EventRecord {
  readonly seq: number;
  readonly kind: 'event';
  /** Unix milliseconds when the sink received the event. */
  readonly ts: number;
  readonly prev: string;
  readonly event: BatonEvent;
  readonly hash: string;
  readonly mac?: string;
}

/**
 * Written by `close()`: the writer finished cleanly. Without it the tail of a log cannot be told apart from a
 * truncated one, so verify reports an unsealed log as not intact.
 */
export interface SealRecord {
  readonly seq: number;
  readonly kind: 'seal';
  readonly ts: number;
  readonly prev: string;
  /** Event records in the log. */
  readonly events: number;
  readonly hash: string;
  readonly mac?: string;
}

export type AuditRecord = GenesisRecord | EventRecord | SealRecord;

/** Hex SHA-256; the one-shot form avoids allocating a Hash object per record. */
export function sha256Hex(text: string): string {
  return oneShotHash('sha256', text, 'hex');
}

/** HMAC-SHA256 of `text` under `key`, as hex. */
export function hmacHex(key: string, text: string): string {
  return hmacFor(key)(text);
}

/**
 * A reusable HMAC-SHA256 function for one key (the key is imported once, not per record), used by both threads (this
 * one and the audit writer thread, chain-worker.ts). RFC 2104 spelled out over one-shot digests,
 * SHA256((K ^ opad) || SHA256((K ^ ipad) || text)), with the padded keys prepared once: two native calls per mac
 * instead of an Hmac object; the test checks it against createHmac.
 */
export function hmacFor(key: string): (text: string) => string {
  let k = Buffer.from(key, 'utf8');
  if (k.length > 64) k = oneShotHash('sha256', k, 'buffer');
  const ipad = Buffer.alloc(64, 0x36);
  // The outer pad, then room for the inner digest.
  const outer = Buffer.alloc(64 + 32, 0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i] = (ipad[i] as number) ^ (k[i] as number);
    outer[i] = (outer[i] as number) ^ (k[i] as number);
  }
  return (text) => {
    const data = Buffer.from(text, 'utf8');
    outer.set(oneShotHash('sha256', Buffer.concat([ipad, data], 64 + data.length), 'buffer'), 64);
    return oneShotHash('sha256', outer, 'hex');
  };
}

/**
 * Builds the lines of one hash chain. A line is a JSON object whose fields come in a fixed order, ending with
 * `"hash"`, the SHA-256 of the line's exact text before `,"hash"`, and, on the signed records of a signed log (see
 * `AUDIT_FORMAT_VERSION`), `"mac"`, the HMAC-SHA256 of that hash. Hashing the exact bytes rather than a
 * re-canonicalised value keeps both writing and verifying to one JSON serialisation and one digest per record, and
 * makes any byte change visible.
 */
export class AuditChain {
  private seq = 0;
  private head: string | null = null;
  private eventCount = 0;
  private sealed = false;

  private readonly mac: ((text: string) => string) | undefined;

  constructor(private readonly hmacKey: string | undefined) {
    this.mac = hmacKey === undefined ? undefined : hmacFor(hmacKey);
  }

  /** Continues an existing chain (a Redis stream) after the record `seq` whose hash is `head`. */
  resume(seq: number, head: string, events: number): void {
    this.seq = seq + 1;
    this.head = head;
    this.eventCount = events;
  }

  get lastSeq(): number {
    return this.seq - 1;
  }

  get lastHash(): string | null {
    return this.head;
  }

  get events(): number {
    return this.eventCount;
  }

  genesis(createdAt = new Date().toISOString()): string {
    if (this.seq !== 0) throw new AuditError('genesis must be the first record', { code: 'audit.out-of-order' });
    return this.finish(
      `{"seq":0,"kind":"genesis","format":"${AUDIT_FORMAT}","version":${AUDIT_FORMAT_VERSION},"createdAt":${JSON.stringify(createdAt)},"signed":${String(this.hmacKey !== undefined)},"prev":null`,
    );
  }

  /**
   * `eventJson` is the event's JSON text, already redacted. A signed chain signs every record it builds (each one a
   * checkpoint: what a stream whose appends stand alone needs); the file sink's writer thread signs one per batch.
   */
  event(eventJson: string, ts = Date.now()): string {
    if (this.sealed) throw new AuditError('the audit log is sealed', { code: 'audit.sealed' });
    this.eventCount += 1;
    return this.finish(`{"seq":${this.seq},"kind":"event","ts":${ts},"prev":"${this.head as string}","event":${eventJson}`);
  }

  seal(ts = Date.now()): string {
    this.sealed = true;
    return this.finish(`{"seq":${this.seq},"kind":"seal","ts":${ts},"prev":"${this.head as string}","events":${this.eventCount}`);
  }

  /** `text` is the record up to (not including) its closing brace: exactly what the hash covers. */
  private finish(text: string): string {
    const hash = sha256Hex(text);
    this.head = hash;
    this.seq += 1;
    return this.mac === undefined ? `${text},"hash":"${hash}"}` : `${text},"hash":"${hash}","mac":"${this.mac(hash)}"}`;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const HASH_FIELD = ',"hash":"';
const MAC_FIELD = '","mac":"';

/**
 * Splits a line into the text its hash covers (`body`), the hash and the mac, or undefined when the suffix is
 * malformed. The suffix has a fixed length, so it is read from the end without scanning the line.
 */
export function splitLine(line: string): { body: string; hash: string; mac: string | undefined } | undefined {
  const n = line.length;
  if (n < 76 || !line.endsWith('"}')) return undefined;
  // Signed: ,"hash":"<64>","mac":"<64>"}  (148 chars). Unsigned: ,"hash":"<64>"}  (75 chars).
  if (n >= 149 && line.startsWith(MAC_FIELD, n - 75) && line.startsWith(HASH_FIELD, n - 148)) {
    const hash = line.slice(n - 139, n - 75);
    const mac = line.slice(n - 66, n - 2);
    if (!HEX64.test(hash) || !HEX64.test(mac)) return undefined;
    return { body: line.slice(0, n - 148), hash, mac };
  }
  if (!line.startsWith(HASH_FIELD, n - 75)) return undefined;
  const hash = line.slice(n - 66, n - 2);
  if (!HEX64.test(hash)) return undefined;
  return { body: line.slice(0, n - 75), hash, mac: undefined };
}

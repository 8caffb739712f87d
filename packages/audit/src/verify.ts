import type { BatonEventType } from '@baton/core';
import { forEachAuditLine } from './lines.ts';
import { AUDIT_FORMAT, AUDIT_FORMAT_VERSIONS, hmacFor, sha256Hex, splitLine, type AuditRecord } from './format.ts';

export interface VerifyOptions {
  /** The HMAC key the log was signed with. With it, a log rewritten end to end (hashes recomputed) fails. */
  readonly hmacKey?: string;
  /**
   * Whether a log must end with a seal record (default true). A live log, or a Redis stream still being written,
   * is checked with false: everything present must chain, but the tail may still grow.
   */
  readonly requireSeal?: boolean;
  /** For a file: hears the bytes checked so far, after each chunk read (a progress bar for a large log). */
  readonly onProgress?: (bytesRead: number) => void;
}

export interface VerifyResult {
  /** True only when every record chains, every hash (and mac, given a key) matches, there is no torn tail and the log is sealed (when required). */
  readonly ok: boolean;
  /** Records that verified, in order from the genesis. */
  readonly records: number;
  /** The first record that does not verify: its 1-based line number and why. */
  readonly firstBad?: { readonly line: number; readonly reason: string };
  /**
   * The last line was cut short (no newline) as a crash mid-write leaves it. Everything before it verified; the log
   * is still not intact. Distinct from `firstBad`, which is a complete line that does not check.
   */
  readonly tornTail?: boolean;
  readonly sealed: boolean;
  /** Whether the genesis says the records are signed. */
  readonly signed: boolean;
  /** Hash of the last record that verified: anchor it elsewhere to detect later truncation. */
  readonly head: string | null;
  /**
   * Given a key: the records up to and including the last one whose mac verified. A mac authenticates its record and,
   * through the chain, every record before it; in a sealed log that is all of them.
   */
  readonly authenticated?: number;
}

const EVENT_TYPES: readonly BatonEventType[] = [
  'episode-start',
  'work-start',
  'work-end',
  'decision',
  'handoff',
  'scalar-return',
  'submit',
  'episode-end',
  'error',
];
/** The layout AuditChain.event writes: fixed fields, then an event object that starts with its `type`. */
const EVENT_PREFIX = new RegExp(
  `^\\{"seq":(\\d+),"kind":"event","ts":(\\d+),"prev":"([0-9a-f]{64})","event":\\{"type":"(?:${EVENT_TYPES.join('|')})",`,
);

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const HEX64 = /^[0-9a-f]{64}$/;
const HASH_FIELD = ',"hash":"';
const MAC_FIELD = '","mac":"';
const PREV_FIELD = ',"prev":"';
const EVENT_FIELD = '","event":{"type":"';

/**
 * The common case, checked without regexes, captures or a record object: an event record at index `i` that is
 * exactly what the writer produces, chained to `prev`. Returns its hash, and whether it carried a mac, when it passes
 * every check the general path would make (sequence, kind, digits of ts, prev, known event type, suffix shape, hash,
 * mac), else undefined, and the general path then runs and names the reason. It never accepts a line the general
 * path would reject.
 */
function fastEvent(
  line: string,
  i: number,
  prev: string,
  macs: MacRule,
  mac: ((hash: string) => string) | undefined,
): { hash: string; signed: boolean } | undefined {
  const head = `{"seq":${i},"kind":"event","ts":`;
  if (!line.startsWith(head)) return undefined;
  let p = head.length;
  const digits = p;
  for (let c = line.charCodeAt(p); c >= 48 && c <= 57; c = line.charCodeAt(++p));
  if (p === digits || !line.startsWith(PREV_FIELD, p)) return undefined;
  p += PREV_FIELD.length;
  if (!line.startsWith(prev, p)) return undefined;
  p += 64;
  if (!line.startsWith(EVENT_FIELD, p)) return undefined;
  p += EVENT_FIELD.length;
  const q = line.indexOf('"', p);
  if (q < 0 || line.charCodeAt(q + 1) !== 44 /* , */ || !EVENT_TYPE_SET.has(line.slice(p, q))) return undefined;
  const n = line.length;
  if (!line.endsWith('"}')) return undefined;
  let bodyEnd: number;
  let macText: string | undefined;
  if (macs !== 'none' && n >= 149 && line.startsWith(MAC_FIELD, n - 75) && line.startsWith(HASH_FIELD, n - 148)) {
    bodyEnd = n - 148;
    macText = line.slice(n - 66, n - 2);
  } else {
    if (macs === 'every' || n < 76 || !line.startsWith(HASH_FIELD, n - 75)) return undefined;
    bodyEnd = n - 75;
  }
  if (bodyEnd <= q || line.charCodeAt(bodyEnd - 1) !== 125 /* } */) return undefined;
  const hash = line.slice(bodyEnd + HASH_FIELD.length, bodyEnd + HASH_FIELD.length + 64);
  // Equal to a fresh digest means well-formed hex too.
  if (sha256Hex(line.slice(0, bodyEnd)) !== hash) return undefined;
  if (macText !== undefined && (mac !== undefined ? mac(hash) !== macText : !HEX64.test(macText))) return undefined;
  return { hash, signed: macText !== undefined };
}

/**
 * Which records of a log carry a mac: none (unsigned), every one (a signed version 1 log), or the genesis, the seal
 * and any checkpoints between them (a signed version 2 log).
 */
type MacRule = 'none' | 'every' | 'checkpoints';

/** Splits file text into complete lines and a torn tail (text after the last newline). */
export function splitAuditText(text: string): { lines: string[]; torn: string | undefined } {
  const lines = text.split('\n');
  const last = lines.pop() as string;
  return { lines, torn: last === '' ? undefined : last };
}

/** Checks the structure of a parsed record beyond its hash; returns a reason or undefined. */
function checkShape(rec: AuditRecord, expectedSeq: number, sealedAlready: boolean): string | undefined {
  if (rec.seq !== expectedSeq) return `sequence number ${String(rec.seq)}, expected ${expectedSeq}`;
  if (sealedAlready) return 'record after the seal';
  if (expectedSeq === 0) {
    if (rec.kind !== 'genesis') return 'first record is not a genesis record';
    const format: unknown = rec.format; // the genesis line is read from a file: it can name any format
    if (format !== AUDIT_FORMAT) return `unknown format ${JSON.stringify(rec.format)}`;
    if (!AUDIT_FORMAT_VERSIONS.includes(rec.version)) return `unsupported format version ${String(rec.version)}`;
    return undefined;
  }
  if (rec.kind === 'event') return undefined;
  if (rec.kind === 'seal') return typeof rec.events === 'number' ? undefined : 'malformed seal';
  return `unexpected record kind ${JSON.stringify(rec.kind)}`;
}

/**
 * Checks a log one line at a time, so that a file can be verified as it is read, whatever its size. `push` each
 * complete line in order until it returns false (that line failed; the result is then final), then `result`.
 */
export class AuditLogCheck {
  private readonly key: string | undefined;
  private readonly mac: ((hash: string) => string) | undefined;
  private prev: string | null = null;
  /** The hash before `prev`: the head to report when the record that produced `prev` turns out to be the bad one. */
  private before: string | null = null;
  /**
   * Set by `check` when the fault lies in the line before the one being checked: the line whose hash the next line
   * does not chain to (an edit with its own hash recomputed shows up first on the line after it).
   */
  private blamePrevious = false;
  private signed = false;
  private macs: MacRule = 'none';
  private sealed = false;
  private events = 0;
  /** Lines checked and passed. */
  private i = 0;
  /** With a key: index of the last record whose mac verified. */
  private lastMac = -1;
  private failed: VerifyResult | undefined;

  constructor(private readonly options: VerifyOptions = {}) {
    this.key = options.hmacKey;
    this.mac = this.key === undefined ? undefined : hmacFor(this.key);
  }

  push(line: string): boolean {
    if (this.failed) return false;
    const reason = this.check(line);
    if (reason === undefined) {
      this.i += 1;
      return true;
    }
    if (this.blamePrevious) {
      this.prev = this.before;
      this.failed = { ok: false, records: this.i - 1, firstBad: { line: this.i, reason }, ...this.state() };
    } else {
      this.failed = { ok: false, records: this.i, firstBad: { line: this.i + 1, reason }, ...this.state() };
    }
    return false;
  }

  /** The verdict over the lines pushed; `torn` is a trailing fragment (text after the last newline of a file). */
  result(torn?: string): VerifyResult {
    if (this.failed) return this.failed;
    const records = this.i;
    if (records === 0 && torn === undefined) return { ok: false, records: 0, firstBad: { line: 1, reason: 'empty log' }, ...this.state() };
    if (torn !== undefined) return { ok: false, records, tornTail: true, ...this.state() };
    if ((this.options.requireSeal ?? true) && !this.sealed) {
      return {
        ok: false,
        records,
        firstBad: { line: records + 1, reason: 'log is not sealed: the writer did not close it, or its tail was cut' },
        ...this.state(),
      };
    }
    return { ok: true, records, ...this.state() };
  }

  private state(): { sealed: boolean; signed: boolean; head: string | null; authenticated?: number } {
    return { sealed: this.sealed, signed: this.signed, head: this.prev, ...(this.mac ? { authenticated: this.lastMac + 1 } : {}) };
  }

  /** Checks line `this.i`; returns why it fails, or undefined when it passes (and advances the chain). */
  private check(line: string): string | undefined {
    const i = this.i;
    const mac = this.mac;
    if (this.prev !== null && !this.sealed) {
      const fast = fastEvent(line, i, this.prev, this.macs, mac);
      if (fast !== undefined) {
        this.events += 1;
        this.before = this.prev;
        this.prev = fast.hash;
        if (fast.signed && mac) this.lastMac = i;
        return undefined;
      }
    }
    const parts = splitLine(line);
    if (!parts) return line.trim() === '' ? 'empty line' : 'no hash suffix (not a complete audit record)';
    if (sha256Hex(parts.body) !== parts.hash) return 'hash mismatch: the record was altered';
    // Event records (all but two) are read from their fixed prefix: the hash already proves the bytes are the
    // writer's, and the writer serialised them with JSON.stringify. Genesis and seal are parsed in full.
    const fast = parts.body.endsWith('}') ? EVENT_PREFIX.exec(parts.body) : null;
    let rec: AuditRecord;
    if (fast) {
      rec = {
        seq: Number(fast[1]),
        kind: 'event',
        ts: Number(fast[2]),
        prev: fast[3] as string,
        hash: parts.hash,
      } as unknown as AuditRecord;
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return 'not valid JSON';
      }
      if (parsed === null || typeof parsed !== 'object') return 'not a record';
      rec = parsed as AuditRecord;
      if (rec.kind === 'event') return 'malformed event record';
    }
    const shape = checkShape(rec, i, this.sealed);
    if (shape) return shape;
    if (rec.prev !== this.prev) {
      if (i === 0) return 'previous-hash mismatch: the genesis record must have prev null';
      // The sequence numbers run on, so no record is missing or extra: the line before is not the one this line
      // was chained to. Most often it was edited and its hash recomputed; name it, not this one.
      this.blamePrevious = true;
      return `line ${i + 1} records a different previous hash: this line was altered and its own hash recomputed, or records were deleted, inserted or reordered here`;
    }
    if (i === 0) {
      this.signed = (rec as { signed?: unknown }).signed === true;
      this.macs = !this.signed ? 'none' : rec.kind === 'genesis' && rec.version === 1 ? 'every' : 'checkpoints';
      if (this.key !== undefined && !this.signed) return 'a key was given but the log is not signed';
    }
    if (parts.mac === undefined) {
      if (this.macs === 'every' || (this.macs === 'checkpoints' && rec.kind !== 'event')) return 'missing mac in a signed log';
    } else if (this.macs === 'none') {
      return 'mac in an unsigned log';
    } else if (mac !== undefined) {
      if (mac(parts.hash) !== parts.mac) {
        const since = this.lastMac < 0 ? '' : ` (after line ${this.lastMac + 1}, the last record whose mac verified)`;
        return `mac mismatch: wrong key, or the chain was rewritten at or before this record${since}`;
      }
      this.lastMac = i;
    }
    if (rec.kind === 'event') this.events += 1;
    if (rec.kind === 'seal') {
      if (rec.events !== this.events) return `seal counts ${rec.events} events, the log holds ${this.events}`;
      this.sealed = true;
    }
    this.before = this.prev;
    this.prev = rec.hash;
    return undefined;
  }
}

/** Verifies records given as complete lines; `torn` is a trailing fragment from a file. */
export function verifyAuditLines(lines: readonly string[], options: VerifyOptions = {}, torn?: string): VerifyResult {
  const check = new AuditLogCheck(options);
  for (const line of lines) if (!check.push(line)) break;
  return check.result(torn);
}

/**
 * Verifies an audit log: a JSONL file path, or its records as lines (a Redis stream). Detects any changed byte,
 * deleted, duplicated, inserted or reordered record, and a cut tail (through the seal); with the HMAC key, also a
 * chain rewritten end to end. A file that cannot be read is a UserError.
 * @example
 * const result = await verifyAuditLog('run.audit.jsonl', { hmacKey: process.env.BATON_AUDIT_KEY });
 * if (!result.ok) console.error(result.firstBad ?? 'torn tail');
 */
export async function verifyAuditLog(source: string | readonly string[], options: VerifyOptions = {}): Promise<VerifyResult> {
  if (typeof source !== 'string') return verifyAuditLines(source, options);
  const check = new AuditLogCheck(options);
  const { torn } = await forEachAuditLine(source, (line) => check.push(line), options);
  return check.result(torn);
}

/**
 * The audit writer thread (started by file-sink.ts with `startModuleWorker`). It owns everything after the genesis
 * record: for each batch it reads the events off the tape (tape.ts), writes each as JSON text, redacts those that
 * may carry free text (`createRedactor` with the sink's plan), builds the records exactly as `AuditChain.event` does
 * (same layout, same SHA-256 over the text before `,"hash"`, the same `hmacFor`), signs the last record of each
 * batch and the seal (the checkpoints of format version 2), writes the batch with one synchronous write, and
 * acknowledges with the new head. The file descriptor stays the opener's (the sink closes it after the final
 * acknowledgement). The verifier is the check that this thread and `AuditChain` agree: every test log goes through it.
 *
 * Messages in: `ChainRequest`. Messages out: `ChainReply` after each batch (`nums`: the tape, handed back for reuse),
 * `{ error }` on a failed write. `done[0]` (shared Int32Array) counts batches processed, for the sender's
 * backpressure.
 */
import { hash as oneShot } from 'node:crypto';
import { fsyncSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { hmacFor } from './format.ts';
import { createRedactor, type RedactionPlan } from './redact.ts';
import { RECORD_JSON, TAG, TAPE_FREE_TEXT, TAPE_JSON, TAPE_SCHEMAS, type FieldSpec, type TapeBatch } from './tape.ts';

/** What the sink hands the thread at start. */
export interface ChainWorkerData {
  readonly fd: number;
  readonly hmacKey: string | undefined;
  readonly seq: number;
  readonly head: string | null;
  readonly events: number;
  readonly done: Int32Array;
  readonly plan: RedactionPlan;
}

export interface ChainRequest {
  tape?: TapeBatch;
  ack?: number;
  fsync?: boolean;
  close?: boolean;
  ts?: number;
}

export interface ChainReply {
  ack?: number;
  head?: string | null;
  seq?: number;
  events?: number;
  nums?: Float64Array;
  error?: { message: string; code?: string };
}

const port = parentPort;
if (!port) throw new Error('chain-worker must run in a worker thread');
const { fd, hmacKey, done, plan } = workerData as ChainWorkerData;
let seq = (workerData as ChainWorkerData).seq;
let head = (workerData as ChainWorkerData).head;
let events = (workerData as ChainWorkerData).events;
let failed = false;
const sha = (bytes: Uint8Array): string => oneShot('sha256', bytes, 'hex');
const mac = hmacKey === undefined ? undefined : hmacFor(hmacKey);
const redact = createRedactor(plan);

// JSON text of values, as JSON.stringify writes them.
const plain = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
};
const str = (s: string): string => (plain(s) ? '"' + s + '"' : JSON.stringify(s));
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');
// Reading the tape: nums[at]; a string is an index into the batch's table, JSON-quoted once per batch.
let nums: Float64Array = new Float64Array(0);
let strs: string[] = [];
let quotedStrs: (string | undefined)[] = [];
let at = 0;
// Consecutive records mostly share a millisecond: the number is written out once.
let lastTs = -1;
let tsText = '';
const next = (): number => nums[at++] as number;
const q = (): string => {
  const id = next();
  return (quotedStrs[id] ??= str(strs[id] as string));
};
const raw = (): string => strs[next()] as string;
const n = (): string => num(next());
const b = (): string => (next() === 1 ? 'true' : 'false');
const ss = (): string => {
  const count = next();
  let out = '[';
  for (let i = 0; i < count; i++) out += (i === 0 ? '' : ',') + q();
  return out + ']';
};
const r = (): string => {
  const count = next();
  if (count === RECORD_JSON) return raw();
  let out = '{';
  for (let i = 0; i < count; i++) {
    out += (i === 0 ? '' : ',') + q() + ':';
    const tag = next();
    out += tag === TAG.number ? n() : tag === TAG.string ? q() : tag === TAG.true ? 'true' : tag === TAG.false ? 'false' : 'null';
  }
  return out + '}';
};
const present = (): boolean => next() === 1;
// One decoder per event type, generated from its schema: straight-line concatenation in field order (JavaScript
// evaluates the operands of + left to right, so the tape is read in order). Generated code only calls the readers
// above; the schemas are this package's constants.
const expression = (fields: readonly FieldSpec[], first: boolean): string =>
  fields
    .map((f, i) => {
      if (i === 0 && f.optional && first) throw new Error('a schema cannot start with an optional field');
      const key = JSON.stringify((i === 0 && first ? '' : ',') + str(f.name) + ':');
      const value = f.kind === 'o' ? "'{' + " + expression(f.fields ?? [], true) + " + '}'" : f.kind + '()';
      return f.optional ? '(present() ? ' + key + ' + ' + value + " : '')" : key + ' + ' + value;
    })
    .join(' + ');
type Reader = () => string;
function compileDecoder(body: string): Reader {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from this package's constant schemas, as said above
  const make = new Function('s', 'n', 'b', 'ss', 'r', 'present', body) as (...readers: unknown[]) => Reader;
  return make(q, n, b, ss, r, present);
}
const decoders = TAPE_SCHEMAS.map((s) =>
  compileDecoder(`return () => ${JSON.stringify('{"type":' + str(s.type))} + ${expression(s.fields, false)} + '}';`),
);

// Records are encoded straight into one buffer per batch: each record's text is encoded to UTF-8 once, hashed from
// the buffer, and the buffer goes to the file in one write.
let out = Buffer.allocUnsafe(1 << 20);
let pos = 0;
const room = (chars: number): void => {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; the suffix at most 150.
  const need = pos + 3 * chars + 160;
  if (need <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(need, 2 * out.length));
  out.copy(bigger, 0, 0, pos);
  out = bigger;
};
/**
 * Appends a record whose text (up to its closing brace) is prefix + body; in a signed log, with a mac when it is a
 * checkpoint (the last record of a write: each write ends authenticated).
 */
const finish = (prefix: string, body: string, checkpoint: boolean): void => {
  room(prefix.length + body.length);
  const start = pos;
  pos += out.write(prefix + body, pos, 'utf8');
  const hash = sha(out.subarray(start, pos));
  head = hash;
  seq += 1;
  pos += out.write(mac === undefined || !checkpoint ? `,"hash":"${hash}"}\n` : `,"hash":"${hash}","mac":"${mac(hash)}"}\n`, pos, 'latin1');
};
const writeAll = (): void => {
  if (failed || pos === 0) return;
  let off = 0;
  while (off < pos) off += writeSync(fd, out, off, pos - off);
  pos = 0;
};
const fail = (error: unknown): void => {
  if (!failed) {
    const e = error as Partial<NodeJS.ErrnoException> | undefined;
    const reply: ChainReply = { error: { message: String(e?.message ?? error) } };
    if (e?.code !== undefined && reply.error) reply.error.code = e.code;
    port.postMessage(reply);
  }
  failed = true;
};
port.on('message', (msg: ChainRequest) => {
  try {
    pos = 0;
    if (msg.tape) {
      ({ nums, strs } = msg.tape);
      quotedStrs = new Array<string | undefined>(strs.length);
      at = 0;
      while (at < msg.tape.length) {
        const code = nums[at] as number;
        const free = nums[at + 1] === TAPE_FREE_TEXT;
        const ts = nums[at + 2] as number;
        at += 3;
        let json = code === TAPE_JSON ? raw() : (decoders[code] as Reader)();
        if (free) json = redact(json);
        if (ts !== lastTs) {
          lastTs = ts;
          tsText = `,"kind":"event","ts":${ts},"prev":"`;
        }
        finish(`{"seq":${seq}${tsText}${head ?? ''}","event":`, json, !msg.close && at >= msg.tape.length);
        events += 1;
      }
    }
    if (msg.close)
      finish(`{"seq":${seq},"kind":"seal","ts":${msg.ts ?? Date.now()},"prev":"${head ?? ''}","events":`, String(events), true);
    writeAll();
    if (!failed && (msg.fsync || msg.close)) fsyncSync(fd);
  } catch (error) {
    fail(error);
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
  if (msg.ack !== undefined) {
    const reply: ChainReply = { ack: msg.ack, head, seq: seq - 1, events };
    // The tape goes back to the sender, for a later batch.
    if (msg.tape) {
      reply.nums = msg.tape.nums;
      port.postMessage(reply, [msg.tape.nums.buffer as ArrayBuffer]);
    } else port.postMessage(reply);
  }
  if (msg.close) port.close();
});

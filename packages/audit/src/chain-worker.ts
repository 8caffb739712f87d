import { HMAC_SOURCE } from './format.ts';
import { REDACTED, REDACTOR_SOURCE } from './redact.ts';

/**
 * Source of the audit writer thread (run with `new Worker(source, { eval: true })`, so it needs no TypeScript loader
 * in the worker). It owns everything after the genesis record: for each batch it reads the events off the tape
 * (tape.ts; the schemas arrive as `workerData.schemas`), writes each as JSON text, redacts those that may carry free
 * text (with the plan from redact.ts, applied exactly as `createRedactor` applies it), builds the records exactly as
 * `AuditChain.event` does (same layout, same SHA-256 over the text before `,"hash"`, the same HMAC code,
 * `HMAC_SOURCE`), signs the last record of each batch and the seal (the checkpoints of format version 2), writes the
 * batch with one synchronous write, and acknowledges with the new head. The file descriptor stays the opener's (the sink closes it
 * after the final acknowledgement). The verifier is the check that this thread and `AuditChain` agree: every test
 * log goes through it.
 *
 * Messages in: `{ tape?: { nums, length, strs }, ack: number, fsync?: boolean, close?: boolean, ts?: number }`.
 * Messages out: `{ ack, head, seq, events, nums? }` after each batch (`nums`: the tape, handed back for reuse),
 * `{ error }` on a failed write. `done[0]` (shared Int32Array) counts batches processed, for the sender's
 * backpressure.
 */
export const CHAIN_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync, fsyncSync } = require('node:fs');
const { hash: oneShot } = require('node:crypto');
const { fd, hmacKey, done, schemas, tags, codes, plan } = workerData;
let seq = workerData.seq;
let head = workerData.head;
let events = workerData.events;
let failed = false;
const sha = (bytes) => oneShot('sha256', bytes, 'hex');
// HMAC-SHA256 of a checkpoint's hash: the code of format.ts hmacFor.
const mac = hmacKey === undefined ? undefined : (${HMAC_SOURCE})(oneShot, hmacKey);

// Redaction: the plan of redact.ts, applied by the same code as createRedactor.
const redact = (${REDACTOR_SOURCE})(plan, ${JSON.stringify(REDACTED)});

// JSON text of values, as JSON.stringify writes them.
const plain = (s) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
};
const str = (s) => (plain(s) ? '"' + s + '"' : JSON.stringify(s));
const num = (x) => (Number.isFinite(x) ? '' + x : 'null');
// Reading the tape: nums[at]; a string is an index into the batch's table, JSON-quoted once per batch.
let nums, strs, quotedStrs, at;
// Consecutive records mostly share a millisecond: the number is written out once.
let lastTs = -1;
let tsText = '';
const q = () => {
  const id = nums[at++];
  return quotedStrs[id] ??= str(strs[id]);
};
const raw = () => strs[nums[at++]];
const n = () => num(nums[at++]);
const b = () => (nums[at++] === 1 ? 'true' : 'false');
const ss = () => {
  const count = nums[at++];
  let out = '[';
  for (let i = 0; i < count; i++) out += (i === 0 ? '' : ',') + q();
  return out + ']';
};
const r = () => {
  const count = nums[at++];
  if (count === codes.recordJson) return raw();
  let out = '{';
  for (let i = 0; i < count; i++) {
    out += (i === 0 ? '' : ',') + q() + ':';
    const tag = nums[at++];
    out += tag === tags.number ? n() : tag === tags.string ? q() : tag === tags.true ? 'true' : tag === tags.false ? 'false' : 'null';
  }
  return out + '}';
};
const present = () => nums[at++] === 1;
// One decoder per event type, generated from its schema: straight-line concatenation in field order (JavaScript
// evaluates the operands of + left to right, so the tape is read in order).
const expression = (fields, first) => fields.map((f, i) => {
  if (i === 0 && f.optional && first) throw new Error('a schema cannot start with an optional field');
  const key = JSON.stringify((i === 0 && first ? '' : ',') + str(f.name) + ':');
  const value = f.kind === 'o' ? "'{' + " + expression(f.fields, true) + " + '}'" : f.kind + '()';
  return f.optional ? '(present() ? ' + key + ' + ' + value + " : '')" : key + ' + ' + value;
}).join(' + ');
const decoders = schemas.map((s) =>
  new Function('s', 'n', 'b', 'ss', 'r', 'present', 'return () => ' + JSON.stringify('{"type":' + str(s.type)) + ' + ' + expression(s.fields, false) + " + '}';")(q, n, b, ss, r, present));

// Records are encoded straight into one buffer per batch: each record's text is encoded to UTF-8 once, hashed from
// the buffer, and the buffer goes to the file in one write.
let out = Buffer.allocUnsafe(1 << 20);
let pos = 0;
const room = (chars) => {
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
const finish = (prefix, body, checkpoint) => {
  room(prefix.length + body.length);
  const start = pos;
  pos += out.utf8Write(prefix + body, pos);
  const hash = sha(out.subarray(start, pos));
  head = hash;
  seq += 1;
  pos += out.latin1Write(mac === undefined || !checkpoint ? ',"hash":"' + hash + '"}\n' : ',"hash":"' + hash + '","mac":"' + mac(hash) + '"}\n', pos);
};
const writeAll = () => {
  if (failed || pos === 0) return;
  let off = 0;
  while (off < pos) off += writeSync(fd, out, off, pos - off);
  pos = 0;
};
const fail = (error) => {
  if (!failed) parentPort.postMessage({ error: { message: String(error && error.message || error), code: error && error.code } });
  failed = true;
};
parentPort.on('message', (msg) => {
  try {
    pos = 0;
    if (msg.tape) {
      ({ nums, strs } = msg.tape);
      quotedStrs = new Array(strs.length);
      at = 0;
      while (at < msg.tape.length) {
        const code = nums[at];
        const free = nums[at + 1] === codes.freeText;
        const ts = nums[at + 2];
        at += 3;
        let json;
        if (code === codes.json) json = raw();
        else json = decoders[code]();
        if (free) json = redact(json);
        if (ts !== lastTs) {
          lastTs = ts;
          tsText = ',"kind":"event","ts":' + ts + ',"prev":"';
        }
        finish('{"seq":' + seq + tsText + head + '","event":', json, !msg.close && at >= msg.tape.length);
        events += 1;
      }
    }
    if (msg.close) finish('{"seq":' + seq + ',"kind":"seal","ts":' + msg.ts + ',"prev":"' + head + '","events":', '' + events, true);
    writeAll();
    if (!failed && (msg.fsync || msg.close)) fsyncSync(fd);
  } catch (error) {
    fail(error);
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
  if (msg.ack !== undefined) {
    const reply = { ack: msg.ack, head, seq: seq - 1, events };
    // The tape goes back to the sender, for a later batch.
    if (msg.tape) {
      reply.nums = msg.tape.nums;
      parentPort.postMessage(reply, [msg.tape.nums.buffer]);
    } else parentPort.postMessage(reply);
  }
  if (msg.close) parentPort.close();
});
`;

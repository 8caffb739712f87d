/**
 * Source of the audit writer thread (run with `new Worker(source, { eval: true })`, so it needs no TypeScript loader
 * in the worker). It owns the hash chain after the genesis: for each batch of `ts event-json` lines it builds the
 * records exactly as `AuditChain.event` does (same layout, same SHA-256 over the text before `,"hash"`, same HMAC of
 * the hash), writes them with one synchronous write, and acknowledges with the new head. The file descriptor stays
 * the opener's (the sink closes it after the final acknowledgement). The verifier is the check
 * that both writers agree: every test log goes through it.
 *
 * Messages in: `{ batch: string, ack?: number, fsync?: boolean }` and `{ close: true, ack: number, ts: number }`.
 * Messages out: `{ ack, head, seq, events }` after each acknowledged batch, `{ error }` on a failed write.
 * `done[0]` (shared Int32Array) counts batches processed, for the sender's backpressure.
 */
export const CHAIN_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync, fsyncSync } = require('node:fs');
const { createHash, createHmac, createSecretKey, hash: oneShot } = require('node:crypto');
const { fd, hmacKey, done } = workerData;
let seq = workerData.seq;
let head = workerData.head;
let events = workerData.events;
let failed = false;
const secret = hmacKey === undefined ? undefined : createSecretKey(Buffer.from(hmacKey, 'utf8'));
const sha = typeof oneShot === 'function' ? (text) => oneShot('sha256', text, 'hex') : (text) => createHash('sha256').update(text).digest('hex');
const finish = (text) => {
  const hash = sha(text);
  head = hash;
  seq += 1;
  return secret === undefined ? text + ',"hash":"' + hash + '"}\n'
    : text + ',"hash":"' + hash + '","mac":"' + createHmac('sha256', secret).update(hash).digest('hex') + '"}\n';
};
const writeAll = (text) => {
  if (failed || text === '') return;
  const data = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
};
const fail = (error) => {
  if (!failed) parentPort.postMessage({ error: { message: String(error && error.message || error), code: error && error.code } });
  failed = true;
};
parentPort.on('message', (msg) => {
  try {
    let out = '';
    if (msg.batch) {
      const text = msg.batch;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const sp = text.indexOf(' ', start);
        out += finish('{"seq":' + seq + ',"kind":"event","ts":' + text.slice(start, sp) + ',"prev":"' + head + '","event":' + text.slice(sp + 1, nl));
        events += 1;
        start = nl + 1;
      }
    }
    if (msg.close) out += finish('{"seq":' + seq + ',"kind":"seal","ts":' + msg.ts + ',"prev":"' + head + '","events":' + events);
    writeAll(out);
    if (!failed && (msg.fsync || msg.close)) fsyncSync(fd);
  } catch (error) {
    fail(error);
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
  if (msg.ack !== undefined) parentPort.postMessage({ ack: msg.ack, head, seq: seq - 1, events });
  if (msg.close) parentPort.close();
});
`;

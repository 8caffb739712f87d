import { closeSync, openSync, writeSync } from 'node:fs';
import { UserError, type BatonEvent, type EventSink } from '@baton/core';
import { startModuleWorker } from '@baton/core/internal';
import type { ChainReply, ChainRequest, ChainWorkerData } from './chain-worker.ts';
import { AuditError } from './errors.ts';
import { AuditChain } from './format.ts';
import { redactionPlan, type RedactOptions } from './redact.ts';
import { TapeWriter } from './tape.ts';

/** Batches handed to the writer thread and not yet written before the sink blocks until it catches up. */
const MAX_QUEUED_BATCHES = 64;

export interface AuditSinkOptions {
  /** The JSONL file to create. It must not exist unless `overwrite` is set: an audit log is never appended to blindly. */
  readonly path: string;
  /** Signs every record with HMAC-SHA256 (e.g. `process.env.BATON_AUDIT_KEY`); absent means hash chain only. */
  readonly hmacKey?: string;
  /** Extra field names to redact, and the env to take secret values from. Key-shaped strings are always redacted. */
  readonly redact?: RedactOptions;
  /**
   * Longest time (ms) a record may sit in the buffer before it is handed to the OS, checked at every episode end
   * and by an idle timer. Default 50. Records handed to the OS survive the process being killed.
   */
  readonly flushIntervalMs?: number;
  /** Events per batch that trigger a write regardless of time. Default 1024. */
  readonly flushEvents?: number;
  /** fsync after every flush (power-loss durability, slower) instead of only at close. Default false. */
  readonly fsync?: boolean;
  readonly overwrite?: boolean;
}

export interface AuditSink {
  /** Give this to `RuntimeConfig.sinks`. */
  readonly sink: EventSink;
  /** Writes everything buffered so far and waits for it to reach the OS. */
  flush(): Promise<void>;
  /** Flushes, appends the seal record, fsyncs and closes the file. Further events throw. */
  close(): Promise<void>;
  /** Hash of the last record written: anchor it elsewhere to detect truncation later. */
  readonly head: () => string | null;
}

/**
 * An append-only, hash-chained JSONL audit log of every event the runtime emits, with secrets redacted.
 *
 * Cost on the engine's thread: each event's fields are copied onto a tape (tape.ts); no JSON is built there. A
 * writer thread turns the tape into JSON, redacts secrets, hashes, signs and writes, and never blocks the engine on
 * the disk. Events collect in a batch handed to the writer when an episode ends and `flushIntervalMs` has passed
 * since the last hand-off, when `flushEvents` is reached, on an idle timer, and on flush()/close(). A process killed
 * mid-write therefore loses at most the batches not yet written; the earlier records all verify, and a line cut in
 * half is reported by verify as a torn tail.
 * @example
 * const audit = createAuditSink({ path: 'run.audit.jsonl', hmacKey: process.env.BATON_AUDIT_KEY });
 * const runtime = new InProcessRuntime({ workflow, heads, sinks: [audit.sink] });
 * await runtime.runEpisode({ seed: 1, input });
 * await audit.close();
 */
export function createAuditSink(options: AuditSinkOptions): AuditSink {
  if (!options.path) throw new UserError('is required', { field: 'path' });
  if (options.hmacKey !== undefined && options.hmacKey.length < 16) {
    throw new UserError('must be at least 16 characters', { field: 'hmacKey' });
  }
  const flushIntervalMs = options.flushIntervalMs ?? 50;
  const flushEvents = options.flushEvents ?? 1024;
  if (!Number.isInteger(flushEvents) || flushEvents < 1) throw new UserError('must be a positive integer', { field: 'flushEvents' });
  let fd: number;
  try {
    fd = openSync(options.path, options.overwrite ? 'w' : 'wx');
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new UserError(exists ? `${options.path} exists; audit logs are never overwritten (pass overwrite)` : (error as Error).message, {
      field: 'path',
      cause: error,
    });
  }
  const chain = new AuditChain(options.hmacKey);
  writeSync(fd, `${chain.genesis()}\n`);

  // The writer thread owns the chain from here on; this thread only copies events onto the tape.
  const done = new Int32Array(new SharedArrayBuffer(4));
  const workerData: ChainWorkerData = {
    fd,
    hmacKey: options.hmacKey,
    seq: chain.lastSeq + 1,
    head: chain.lastHash,
    events: 0,
    done,
    plan: redactionPlan(options.redact),
  };
  const worker = startModuleWorker(import.meta.url, 'chain-worker', { workerData });
  worker.unref();
  let head: string | null = chain.lastHash;
  let failure: Error | undefined;
  let exitError: Error | undefined;
  const waiters = new Map<number, () => void>();
  let nextAck = 0;
  /** Tapes the writer thread has finished with, for the next batches. */
  const spareTapes: Float64Array[] = [];
  worker.on('message', (msg: ChainReply) => {
    if (msg.error) {
      failure ??= new AuditError(`audit log write failed: ${msg.error.message}${msg.error.code ? ` (${msg.error.code})` : ''}`, {
        code: 'audit.write-failed',
      });
      return;
    }
    if (msg.head !== undefined) head = msg.head;
    if (msg.nums && spareTapes.length < 4) spareTapes.push(msg.nums);
    if (msg.ack !== undefined) {
      waiters.get(msg.ack)?.();
      waiters.delete(msg.ack);
      if (waiters.size === 0) worker.unref();
    }
  });
  worker.on('error', (error) => {
    failure ??= error;
    exitError ??= error;
    for (const resolve of waiters.values()) resolve();
    waiters.clear();
  });

  const tape = new TapeWriter();
  let lastFlush = Date.now();
  let sent = 0;
  let closed = false;

  /** Hands the batch to the writer thread; with `ack`, resolves once it reached the OS. */
  const send = (extra: { ack?: boolean; fsync?: boolean; close?: boolean } = {}): Promise<void> | undefined => {
    lastFlush = Date.now();
    if (tape.events === 0 && !extra.ack && !extra.close) return undefined;
    // Backpressure: a writer thread starved of CPU must not let batches pile up without bound.
    while (sent - Atomics.load(done, 0) >= MAX_QUEUED_BATCHES && exitError === undefined) Atomics.wait(done, 0, Atomics.load(done, 0), 100);
    const batch = tape.events > 0 ? tape.take(spareTapes.pop()) : undefined;
    const msg: ChainRequest = {};
    if (batch) msg.tape = batch;
    // Every batch is acknowledged: the worker is kept referenced (the process stays up) until all of them are written.
    const id = nextAck++;
    msg.ack = id;
    if (waiters.size === 0) worker.ref();
    const acked = exitError ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(id, resolve));
    if (extra.fsync) msg.fsync = true;
    if (extra.close) {
      msg.close = true;
      msg.ts = Date.now();
    }
    sent += 1;
    // The numbers are transferred, not copied.
    worker.postMessage(msg, batch ? [batch.nums.buffer as ArrayBuffer] : []);
    return acked;
  };
  const timer = setInterval(() => {
    // Not awaited: a timed flush only hands the batch over (its promise resolves when written and never rejects).
    if (tape.events > 0 && Date.now() - lastFlush >= flushIntervalMs) void send();
  }, flushIntervalMs);
  timer.unref();

  const sink: EventSink = (event: BatonEvent) => {
    if (closed) throw new UserError('audit sink is closed', { field: 'sink' });
    if (failure) throw failure;
    const now = Date.now();
    tape.write(event, now);
    if (tape.events >= flushEvents || (event.type === 'episode-end' && now - lastFlush >= flushIntervalMs)) void send();
  };

  const flush = async (): Promise<void> => {
    if (closed) return;
    await send({ ack: true, ...(options.fsync ? { fsync: true } : {}) });
    if (failure) throw failure;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    try {
      await send({ close: true });
      await worker.terminate();
    } finally {
      closeSync(fd);
    }
    if (failure) throw failure;
  };

  return { sink, flush, close, head: () => head };
}

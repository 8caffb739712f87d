import type { Redis } from 'ioredis';
import { AuditChain, createRedactor, type RedactOptions } from '@baton/audit';
import { UserError, type BatonEvent, type EventSink } from '@baton/core';

export interface RedisStreamAuditSinkOptions {
  /** A connection used only by this sink: the chain is extended under WATCH, which is per connection. */
  readonly redis: Redis;
  /** The stream key. Its chain head lives beside it at `${stream}:head`. */
  readonly stream: string;
  /** Signs every record with HMAC-SHA256; every writer of one stream must use the same key (or none). */
  readonly hmacKey?: string;
  readonly redact?: RedactOptions;
  /** Attempts to extend the chain when other writers keep winning the race. Default 200. */
  readonly maxAttempts?: number;
}

export interface RedisStreamAuditSink {
  /** Give this to the runtime's sinks; resolves once the record is in the stream. */
  readonly sink: EventSink;
  /** Appends the seal record: call once, when no writer will add to this stream again. */
  seal(): Promise<void>;
  /** Waits for pending appends. Does not seal (other workers may still be writing) and does not quit `redis`. */
  close(): Promise<void>;
}

interface StreamHead {
  readonly seq: number;
  readonly hash: string;
  readonly events: number;
  readonly signed: boolean;
  readonly sealed: boolean;
}

/** The field of each stream entry that holds the record line. */
export const AUDIT_STREAM_FIELD = 'r';

/**
 * The audit log as a Redis stream for the distributed runtime: each entry holds one record line, byte for byte
 * what the JSONL sink writes, so `verifyAuditLog(await readRedisAuditStream(...))` checks it the same way. Several
 * workers may write one stream: each append reads the chain head, builds the record, and commits the XADD and the
 * new head in one MULTI under WATCH, retrying when another writer got there first, so the chain stays one line.
 * @example
 * const audit = createRedisStreamAuditSink({ redis: new Redis(), stream: 'baton:audit:run-7', hmacKey });
 */
export function createRedisStreamAuditSink(options: RedisStreamAuditSinkOptions): RedisStreamAuditSink {
  const { redis, stream, hmacKey } = options;
  if (!stream) throw new UserError('is required', { field: 'stream' });
  const headKey = `${stream}:head`;
  const redact = createRedactor(options.redact);
  const maxAttempts = options.maxAttempts ?? 200;
  let queue: Promise<void> = Promise.resolve();

  const append = async (build: (chain: AuditChain) => string[], sealing: boolean): Promise<void> => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      await redis.watch(headKey);
      const raw = await redis.get(headKey);
      const chain = new AuditChain(hmacKey);
      const lines: string[] = [];
      if (raw === null) lines.push(chain.genesis());
      else {
        const head = JSON.parse(raw) as StreamHead;
        if (head.sealed || head.signed !== (hmacKey !== undefined)) {
          await redis.unwatch();
          throw new UserError(
            head.sealed ? `audit stream ${stream} is sealed` : `audit stream ${stream} is ${head.signed ? '' : 'not '}signed`,
            { field: 'stream' },
          );
        }
        chain.resume(head.seq, head.hash, head.events);
      }
      lines.push(...build(chain));
      const next: StreamHead = {
        seq: chain.lastSeq,
        hash: chain.lastHash as string,
        events: chain.events,
        signed: hmacKey !== undefined,
        sealed: sealing,
      };
      const tx = redis.multi();
      for (const line of lines) tx.xadd(stream, '*', AUDIT_STREAM_FIELD, line);
      tx.set(headKey, JSON.stringify(next));
      const result = await tx.exec();
      if (result === null) {
        // Another writer extended the chain first. Back off with jitter so racing writers stop colliding.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
        continue;
      }
      const failed = result.find(([error]) => error);
      if (failed) throw failed[0] as Error;
      return;
    }
    throw new Error(`audit stream ${stream}: could not extend the chain in ${maxAttempts} attempts`);
  };
  const enqueue = (build: (chain: AuditChain) => string[], sealing = false): Promise<void> => {
    const run = queue.then(() => append(build, sealing));
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    sink: (event: BatonEvent) => {
      const json = redact(JSON.stringify(event));
      const ts = Date.now();
      return enqueue((chain) => [chain.event(json, ts)]);
    },
    seal: () => enqueue((chain) => [chain.seal()], true),
    close: () => queue,
  };
}

/** Every record line of an audit stream, oldest first, in pages of `pageSize`. */
export async function readRedisAuditStream(options: { redis: Redis; stream: string; pageSize?: number }): Promise<string[]> {
  const { redis, stream } = options;
  const pageSize = options.pageSize ?? 1000;
  const lines: string[] = [];
  let start = '-';
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', pageSize);
    for (const [, fields] of page) {
      const at = fields.indexOf(AUDIT_STREAM_FIELD);
      lines.push(at >= 0 && at % 2 === 0 ? (fields[at + 1] ?? '') : '');
    }
    if (page.length < pageSize) return lines;
    start = `(${(page[page.length - 1] as [string, string[]])[0]}`;
  }
}

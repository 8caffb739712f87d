import type { Redis } from 'ioredis';
import { AuditChain, createRedactor, type RedactOptions } from '@baton/audit';
import { UserError, type BatonEvent } from '@baton/core';

export interface RedisStreamAuditSinkOptions {
  /** The connection to write on (shared use is fine: every append is one script call). */
  readonly redis: Redis;
  /** The stream key. Its chain head lives beside it at `${stream}:head`, the delivered event ids at `${stream}:seen`. */
  readonly stream: string;
  /** Signs every record with HMAC-SHA256; every writer of one stream must use the same key (or none). */
  readonly hmacKey?: string;
  readonly redact?: RedactOptions;
  /** Attempts to extend the chain when other writers keep winning the race. Default 200. */
  readonly maxAttempts?: number;
  /** How long the delivered event ids are remembered (a redelivery after this is appended again). Default a day. */
  readonly dedupeSeconds?: number;
}

export interface RedisStreamAuditSink {
  /**
   * Give this to the runtime's sinks (or a worker's: the BullMQ worker passes each event's stable `eventId`, and an
   * event delivered again after a crash is then not appended twice). Resolves once the record is in the stream.
   */
  readonly sink: (event: BatonEvent, delivery?: { readonly eventId: string }) => Promise<void>;
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
 * Extends the chain in one atomic step, or refuses: 2 when the event id was already delivered (a redelivery), 0 when
 * the head is not the one the records were built on (another writer, or this very call re-sent by the client after
 * a reconnect, got there first), 1 when appended. Checking the head inside the script, rather than WATCH/MULTI,
 * keeps the chain exact when the client replays a command whose reply it lost: the replay finds a new head.
 */
const APPEND_SCRIPT = `
if ARGV[3] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[3]) == 1 then return 2 end
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
for i = 5, #ARGV do redis.call('XADD', KEYS[1], '*', '${AUDIT_STREAM_FIELD}', ARGV[i]) end
redis.call('SET', KEYS[2], ARGV[2])
if ARGV[3] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[3])
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[4]))
end
return 1
`;

type AppendClient = Redis & { batonAuditAppend(numKeys: number, ...args: string[]): Promise<number> };

/**
 * The audit log as a Redis stream for the distributed runtime: each entry holds one record line, byte for byte
 * what the JSONL sink writes, so `verifyAuditLog(await readRedisAuditStream(...))` checks it the same way. Several
 * workers may write one stream: each append reads the chain head, builds the record and extends the chain in one
 * script that checks the head is still the one it read (else it reads again), so the chain stays one line. Under
 * at-least-once delivery an event's `eventId` is sequenced once: a redelivered event is dropped before it gets a
 * sequence number.
 * @example
 * const audit = createRedisStreamAuditSink({ redis: new Redis(), stream: 'baton:audit:run-7', hmacKey });
 */
export function createRedisStreamAuditSink(options: RedisStreamAuditSinkOptions): RedisStreamAuditSink {
  const { redis, stream, hmacKey } = options;
  if (!stream) throw new UserError('is required', { field: 'stream' });
  const client = redis as AppendClient;
  if (typeof client.batonAuditAppend !== 'function') redis.defineCommand('batonAuditAppend', { lua: APPEND_SCRIPT });
  const headKey = `${stream}:head`;
  const seenKey = `${stream}:seen`;
  const dedupeSeconds = String(options.dedupeSeconds ?? 86_400);
  const redact = createRedactor(options.redact);
  const maxAttempts = options.maxAttempts ?? 200;
  let queue: Promise<void> = Promise.resolve();

  const append = async (build: (chain: AuditChain) => string[], sealing: boolean, eventId: string): Promise<void> => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const raw = await redis.get(headKey);
      const chain = new AuditChain(hmacKey);
      const lines: string[] = [];
      if (raw === null) lines.push(chain.genesis());
      else {
        const head = JSON.parse(raw) as StreamHead;
        if (head.sealed || head.signed !== (hmacKey !== undefined)) {
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
      const result = await client.batonAuditAppend(
        3,
        stream,
        headKey,
        seenKey,
        raw ?? '',
        JSON.stringify(next),
        eventId,
        dedupeSeconds,
        ...lines,
      );
      if (result !== 0) return;
      // Another writer extended the chain first. Back off with jitter so racing writers stop colliding.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
    }
    throw new Error(`audit stream ${stream}: could not extend the chain in ${maxAttempts} attempts`);
  };
  const enqueue = (build: (chain: AuditChain) => string[], sealing: boolean, eventId: string): Promise<void> => {
    const run = queue.then(() => append(build, sealing, eventId));
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    sink: (event, delivery) => {
      const json = redact(JSON.stringify(event));
      const ts = Date.now();
      return enqueue((chain) => [chain.event(json, ts)], false, delivery?.eventId ?? '');
    },
    seal: () => enqueue((chain) => [chain.seal()], true, ''),
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

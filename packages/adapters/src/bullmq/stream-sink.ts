import type { Redis } from 'ioredis';
import type { BatonEvent } from '@baton/core';
import type { DeliveredEventSink } from './protocol.ts';

const APPEND_ONCE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', 86400) == false then
  redis.call('INCR', KEYS[3])
  return 0
end
redis.call('XADD', KEYS[1], '*', 'event', ARGV[1])
return 1
`;

type StreamClient = Redis & { batonAppendOnce(numKeys: number, ...args: string[]): Promise<number> };

/**
 * A minimal sink that appends each event as JSON to a Redis stream (field `event`), once per event id: an event
 * re-emitted after a crash (delivery to sinks is at-least-once) is dropped and counted under `<stream>:redelivered`.
 * Stand-in until the hash-chained audit sink (`createRedisStreamAuditSink`) is available.
 */
export function createEventStreamSink(redis: Redis, stream: string): DeliveredEventSink {
  const client = redis as StreamClient;
  if (typeof client.batonAppendOnce !== 'function') redis.defineCommand('batonAppendOnce', { lua: APPEND_ONCE });
  return async (event, delivery) => {
    const json = JSON.stringify(event);
    if (!delivery) {
      await redis.xadd(stream, '*', 'event', json);
      return;
    }
    await client.batonAppendOnce(3, stream, `${stream}:seen:${delivery.eventId}`, `${stream}:redelivered`, json);
  };
}

/** How many re-emitted events the stream sink dropped. */
export async function streamRedeliveries(redis: Redis, stream: string): Promise<number> {
  return Number((await redis.get(`${stream}:redelivered`)) ?? 0);
}

/** Reads every event back from a stream written by `createEventStreamSink`. */
export async function readEventStream(redis: Redis, stream: string): Promise<BatonEvent[]> {
  const events: BatonEvent[] = [];
  let start = '-';
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', 5000);
    for (const [, fields] of page) {
      const i = fields.indexOf('event');
      if (i >= 0) events.push(JSON.parse(fields[i + 1] as string) as BatonEvent);
    }
    if (page.length < 5000) return events;
    start = `(${(page[page.length - 1] as [string, string[]])[0]}`;
  }
}

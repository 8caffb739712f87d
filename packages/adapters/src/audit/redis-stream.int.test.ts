import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAudit, verifyAuditLog } from '@baton/audit';
import { relayInput, relayRuntime } from '@baton/core/test';
import { createRedisStreamAuditSink, readRedisAuditStream } from '@baton/adapters/audit';

const prefix = `baton-test:audit:${process.pid}-${Date.now()}`;
const KEY = 'redis-hmac-key-0123456789abcdef';
let redis: Redis;
let second: Redis;

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
  second = redis.duplicate();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await Promise.all([redis.quit(), second.quit()]);
});

describe('Redis stream audit sink', () => {
  it('writes a chain that the file verifier and replay accept, with two writers racing', async () => {
    const stream = `${prefix}:run`;
    const a = createRedisStreamAuditSink({ redis, stream, hmacKey: KEY });
    const b = createRedisStreamAuditSink({ redis: second, stream, hmacKey: KEY });
    const ra = relayRuntime([a.sink]);
    const rb = relayRuntime([b.sink]);
    await Promise.all([
      (async () => {
        for (let s = 1; s <= 4; s++) await ra.runEpisode({ seed: s, input: relayInput(), episodeId: `a-${s}` });
      })(),
      (async () => {
        for (let s = 1; s <= 4; s++) await rb.runEpisode({ seed: s, input: relayInput(), episodeId: `b-${s}` });
      })(),
    ]);
    const live = await readRedisAuditStream({ redis, stream });
    expect(await verifyAuditLog(live, { hmacKey: KEY, requireSeal: false })).toMatchObject({ ok: true, signed: true });
    await a.seal();
    await Promise.all([a.close(), b.close()]);
    await expect(b.sink({ type: 'error', episodeId: 'late', time: 0, code: 'x', message: 'after seal' })).rejects.toThrow(/sealed/);
    const lines = await readRedisAuditStream({ redis, stream, pageSize: 50 });
    expect(lines.length).toBe(live.length + 1);
    expect(await verifyAuditLog(lines, { hmacKey: KEY })).toMatchObject({ ok: true, sealed: true, records: lines.length });
    const replay = await replayAudit(lines);
    expect(replay.ok).toBe(true);
    expect(replay.episodes).toHaveLength(8);
  });

  it('detects an entry deleted from the stream and a forged entry', async () => {
    const stream = `${prefix}:tamper`;
    const sink = createRedisStreamAuditSink({ redis, stream });
    await relayRuntime([sink.sink]).runEpisode({ seed: 3, input: relayInput() });
    await sink.seal();
    const entries = await redis.xrange(stream, '-', '+');
    await redis.xdel(stream, (entries[5] as [string, string[]])[0]);
    expect((await verifyAuditLog(await readRedisAuditStream({ redis, stream }))).firstBad).toEqual({
      line: 6,
      reason: expect.stringContaining('sequence'),
    });
    const forged = `${prefix}:forged`;
    for (const [, fields] of entries) await redis.xadd(forged, '*', 'r', (fields[1] as string).replace('"draft"', '"polish"'));
    expect((await verifyAuditLog(await readRedisAuditStream({ redis, stream: forged }))).ok).toBe(false);
  });
});

describe('Redis stream audit sink under at-least-once delivery', () => {
  it('sequences a redelivered event once, whichever writer delivers it again', async () => {
    const stream = `${prefix}:redeliver`;
    const sink = createRedisStreamAuditSink({ redis, stream, hmacKey: KEY });
    const event = { type: 'error', episodeId: 'e1', time: 0, code: 'x', message: 'once' } as const;
    await sink.sink(event, { eventId: 'fx-1#0' });
    await sink.sink(event, { eventId: 'fx-1#0' }); // the same delivery again (a worker replaying its outbox)
    await sink.sink({ ...event, message: 'twice' }, { eventId: 'fx-2#0' });
    // A restarted worker (another connection, another sink) replays the same outbox: still dropped.
    const other = createRedisStreamAuditSink({ redis: second, stream, hmacKey: KEY });
    await other.sink(event, { eventId: 'fx-1#0' });
    await other.sink({ ...event, message: 'from another writer' }, { eventId: 'fx-3#0' });
    await sink.seal();
    const lines = await readRedisAuditStream({ redis, stream });
    expect(lines).toHaveLength(1 + 3 + 1); // genesis, three distinct events, seal
    expect(await verifyAuditLog(lines, { hmacKey: KEY })).toMatchObject({ ok: true, sealed: true });
  });
});

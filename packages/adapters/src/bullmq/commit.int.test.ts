import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from './connection.ts';
import { commitClient, commitEffect, type Commit } from './commit.ts';
import { driverScripts } from './driver-scripts.ts';
import { redisKeys } from './protocol.ts';
import { DEFAULT_RETENTION } from './retention.ts';
import { dropKeys, uniqueKeys } from './test-support.ts';

const redis = commitClient(connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
const keys = uniqueKeys('commit');
const k = redisKeys(keys);

afterAll(async () => {
  await dropKeys(redis, keys);
  redis.disconnect();
});

const effect = (effectId: string, op: string | undefined, expected: string, next: string): Commit => ({
  effectId,
  agentId: 'a',
  headVersion: { expected, next },
  ops: op === undefined ? [] : [op],
  inboxApplied: 0,
  inboxKnown: 0,
  episodes: [['e', `{"by":"${effectId}"}`]],
  sends: [],
  closes: [],
  jobs: [],
  sinkEvents: [],
  artifacts: [],
});

describe('commitEffect with pipelined commits', () => {
  it('applies each effect once and refuses, unchanged, a commit computed from a head Redis does not hold', async () => {
    // Sent back to back without awaiting, as a worker does: run in order on the connection.
    const outcomes = await Promise.all([
      commitEffect(redis, k, effect('x1', 'O1', '', 'v1')),
      commitEffect(redis, k, effect('x2', 'O2', 'v1', 'v2')),
      commitEffect(redis, k, effect('x1', 'O1b', 'v2', 'v3')),
      // Computed after the refused retry above, from a head version that never reached Redis.
      commitEffect(redis, k, effect('x3', 'O3', 'v3', 'v4')),
      // No head written, but computed from the head at v2: applies.
      commitEffect(redis, k, effect('x4', undefined, 'v2', '')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'refused', 'stale', 'applied']);
    expect(await redis.lrange(k.ops('a'), 0, -1)).toEqual(['O1', 'O2']);
    expect(await redis.mget(k.headVersion('a'), k.effect('x3'), k.appliedCount, k.refusedCount)).toEqual(['v2', null, '3', '1']);
    expect(await redis.hget(k.episodes('a'), 'e')).toBe('{"by":"x4"}');
    // The stale effect, retried from the head in Redis, applies; a snapshot replaces the operations.
    expect((await commitEffect(redis, k, { ...effect('x3', undefined, 'v2', 'v5'), snapshot: 'H3' })).status).toBe('applied');
    expect(await redis.mget(k.head('a'), k.headVersion('a'))).toEqual(['H3', 'v5']);
    expect(await redis.llen(k.ops('a'))).toBe(0);
  });

  it('delivers a scalar to the sender inbox, sends the result at the submit and counts closes down to the one that tells the driver', async () => {
    await redis.rpush(k.path('ep'), 'a', 'b', 'a', 'c');
    // Commits ring no bells (entries wait in the inboxes); the driver hears the last close.
    const listener = redis.duplicate();
    const heard: [string, string][] = [];
    listener.on('message', (channel: string, message: string) => heard.push([channel, message]));
    await listener.subscribe(k.bell('b'), k.closedChannel);
    const sent = await commitEffect(redis, k, {
      ...effect('y1', undefined, '*', ''),
      agentId: 'c',
      sends: [['b', '{"kind":"scalar"}']],
      submit: { episode: 'ep', result: '{"r":1}', notice: '{"kind":"end"}', resultJob: '{"job":"result"}' },
    });
    // The result job goes out with the submit (kept in its marker for a retry); the others close in their own time.
    expect(sent).toEqual({ status: 'applied', added: ['{"job":"result"}'], news: [] });
    expect(await redis.get(k.effect('y1'))).toBe('{"events":[],"jobs":[{"job":"result"}]}');
    expect(await redis.lrange(k.inbox('a'), 0, -1)).toEqual(['1|{"kind":"end"}']);
    expect(await redis.lrange(k.inbox('b'), 0, -1)).toEqual(['1|{"kind":"scalar"}', '2|{"kind":"end"}']);
    expect(await redis.get(k.closing('ep'))).toBe('2');
    // Once the result is out, what the driver reads is kept an hour.
    for (const key of [k.result('ep'), k.path('ep')]) {
      const ttl = await redis.ttl(key);
      expect([key, ttl > 0 && ttl <= DEFAULT_RETENTION.finishedSeconds]).toEqual([key, true]);
    }
    const close = (id: string, agent: string) =>
      commitEffect(redis, k, { ...effect(id, undefined, '*', ''), agentId: agent, inboxApplied: 1, closes: ['ep'] });
    expect(await close('z1', 'a')).toEqual({ status: 'applied', added: [], news: [] });
    // The reply brings b's inbox entries after the ones it says it has heard of (none): the end, not yet applied.
    expect(await close('z2', 'b')).toEqual({ status: 'applied', added: [], news: ['2|{"kind":"end"}'] });
    // The last close named the episode; nobody rang b.
    await expect.poll(() => heard).toEqual([[k.closedChannel, 'ep']]);
    // The driver rings an agent with its last entries not yet applied, one per line, once however often it is named.
    await redis.rpush(k.inbox('b'), '3|{"kind":"scalar"}');
    await driverScripts(redis, k).ring(['b', 'a', 'b']);
    await expect.poll(() => heard.slice(1)).toEqual([[k.bell('b'), '2|{"kind":"end"}\n3|{"kind":"scalar"}']]);
    listener.disconnect();
    expect(await redis.lrange(k.inbox('a'), 0, -1)).toEqual([]);
    expect(await redis.get(k.closing('ep'))).toBeNull();
  });
});

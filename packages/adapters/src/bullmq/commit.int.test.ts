import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from './connection.ts';
import { commitClient, commitEffect, type Commit } from './commit.ts';
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
  outboxId: effectId,
  agentId: 'a',
  headVersion: { expected, next },
  ops: op === undefined ? [] : [op],
  inboxApplied: 0,
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

  it('delivers a scalar to the sender inbox and counts closes down to the one that reports', async () => {
    await redis.rpush(k.path('ep'), 'a', 'b', 'a', 'c');
    const sent = await commitEffect(redis, k, {
      ...effect('y1', undefined, '*', ''),
      agentId: 'c',
      sends: [['b', '{"kind":"scalar"}']],
      submit: { episode: 'ep', result: '{"r":1}', notice: '{"kind":"end"}', resultJob: '{"job":"result"}' },
    });
    expect(sent).toEqual({ status: 'applied', outbox: '' });
    expect(await redis.lrange(k.inbox('a'), 0, -1)).toEqual(['1|{"kind":"end"}']);
    expect(await redis.lrange(k.inbox('b'), 0, -1)).toEqual(['1|{"kind":"scalar"}', '2|{"kind":"end"}']);
    expect(await redis.get(k.closing('ep'))).toBe('2');
    // Until the last participant closes, the result lives as long as a failed episode's keys; then an hour.
    expect(await redis.ttl(k.result('ep'))).toBeGreaterThan(DEFAULT_RETENTION.finishedSeconds);
    const close = (id: string, agent: string) =>
      commitEffect(redis, k, { ...effect(id, undefined, '*', ''), agentId: agent, inboxApplied: 1, closes: [['ep', '{"job":"result"}']] });
    expect((await close('z1', 'a')).status).toBe('applied');
    expect(await close('z2', 'b')).toEqual({ status: 'applied', outbox: '{"events":[],"jobs":[{"job":"result"}]}' });
    expect(await redis.lrange(k.inbox('a'), 0, -1)).toEqual([]);
    expect(await redis.get(k.closing('ep'))).toBeNull();
    for (const key of [k.result('ep'), k.path('ep')]) {
      const ttl = await redis.ttl(key);
      expect([key, ttl > 0 && ttl <= DEFAULT_RETENTION.finishedSeconds]).toEqual([key, true]);
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from './connection.ts';
import { commitClient, commitEffect, type Commit } from './commit.ts';
import { redisKeys } from './protocol.ts';
import { dropKeys, uniqueKeys } from './test-support.ts';

const redis = commitClient(connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
const keys = uniqueKeys('commit');
const k = redisKeys(keys);

afterAll(async () => {
  await dropKeys(redis, keys);
  redis.disconnect();
});

const effect = (effectId: string, head: string | undefined, expected: string, next: string): Commit => ({
  effectId,
  agentId: 'a',
  episodeId: 'e',
  ...(head === undefined ? {} : { head }),
  headVersion: { expected, next },
  episodeState: `{"by":"${effectId}"}`,
  outbox: '',
});

describe('commitEffect with pipelined commits', () => {
  it('applies each effect once and refuses, unchanged, a commit computed from a head Redis does not hold', async () => {
    // Sent back to back without awaiting, as a worker does: run in order on the connection.
    const [first, second, retried, stale, eval_] = await Promise.all([
      commitEffect(redis, k, effect('x1', 'H1', '', 'v1')),
      commitEffect(redis, k, effect('x2', 'H2', 'v1', 'v2')),
      commitEffect(redis, k, effect('x1', 'H1b', 'v2', 'v3')),
      // Computed after the refused retry above, from a head version that never reached Redis.
      commitEffect(redis, k, effect('x3', 'H3', 'v3', 'v4')),
      // No head written, but computed from the head at v2: applies.
      commitEffect(redis, k, effect('x4', undefined, 'v2', '')),
    ]);
    expect([first, second, retried, stale, eval_]).toEqual(['applied', 'applied', 'refused', 'stale', 'applied']);
    expect(await redis.mget(k.head('a'), k.headVersion('a'), k.effect('x3'), k.appliedCount, k.refusedCount)).toEqual([
      'H2',
      'v2',
      null,
      '3',
      '1',
    ]);
    // The stale effect, retried from the head in Redis, applies.
    expect(await commitEffect(redis, k, effect('x3', 'H3', 'v2', 'v5'))).toBe('applied');
    expect(await redis.mget(k.head('a'), k.headVersion('a'))).toEqual(['H3', 'v5']);
  });
});

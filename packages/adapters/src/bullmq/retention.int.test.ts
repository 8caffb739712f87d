import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { batonJobOptions, cleanFinishedKeys, connectRedis, loadStoredHead, queueName, redisKeys, takeCensus } from '@baton/adapters';
import { deploy, PrivateRedis, relayDefinition, type Deployment } from '@baton/adapters/test';
import type { BatonError } from '@baton/core';
import { removedKinds, type KeyKind } from './clean.ts';
import { retentionOf } from './retention.ts';

// What a deployment keeps for good, by design (README, "Redis keys"): heads, inbox positions, counters, BullMQ's
// per-queue keys. Every other key must carry a TTL.
const LONG_LIVED = [
  /:agent:[^:]+:(head|head:v|ops|inbox:n|inbox:applied)$/,
  /:stats:(applied|refused)$/,
  /\.(agent\.[^:.]+|results):(meta|id|events)$/,
];

const retention = retentionOf({ finishedSeconds: 600, failedSeconds: 7200 });
const definition = relayDefinition();
let server: PrivateRedis;
let redis: ReturnType<typeof connectRedis>;
let deployment: Deployment<unknown>;

async function keysWithTtl(pattern: string): Promise<{ key: string; ttl: number }[]> {
  const keys = await redis.keys(pattern); // a private server holding only this test's keys
  return Promise.all(keys.map(async (key) => ({ key, ttl: await redis.pttl(key) })));
}

async function settled(prefix: string): Promise<void> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
    if ((await takeCensus(redis, { prefix })).inFlight.length === 0) return;
  throw new Error('jobs still in flight after 5 s');
}

let entryJobId: string;
const reported: BatonError[] = [];

beforeAll(async () => {
  server = await PrivateRedis.start();
  redis = connectRedis(server.url);
  deployment = (await deploy(redis, definition, () => ({ onError: (e) => void reported.push(e) }), { retention })) as Deployment<unknown>;
  const input = () => ({ progress: 0, quality: 0 });
  const [first] = await deployment.runtime.runEpisodes({ count: 150, seed: 1, input, concurrency: 4 });
  entryJobId = `${String(first?.episodeId)}.e`;
  await deployment.runtime.runEpisodes({ count: 20, seed: 500, input, learn: false });
  await settled(deployment.keys.prefix);
}, 120_000);

afterAll(async () => {
  await deployment.stop();
  redis.disconnect();
  await server.stop();
});

describe('retention of what finished episodes leave in Redis', () => {
  it('gives every key a TTL but the long-lived ones (heads, inbox positions, counters, queues)', async () => {
    const found = await keysWithTtl(`${deployment.keys.prefix}:*`);
    expect(found.length).toBeGreaterThan(500);
    expect(found.filter((k) => k.ttl === -1 && !LONG_LIVED.some((re) => re.test(k.key))).map((k) => k.key)).toEqual([]);
    // Completed jobs are gone at once; their duplicate guards, effect markers and artifacts expire as configured.
    const census = await takeCensus(redis, { prefix: deployment.keys.prefix });
    expect(census.kinds.get('completed job')?.keys).toEqual([]);
    const ttls = (kind: KeyKind): number[] => {
      const names = new Set(census.kinds.get(kind)?.keys);
      return found.filter((k) => names.has(k.key)).map((k) => k.ttl);
    };
    const within = (kind: KeyKind, min: number, max: number): void => {
      const outside = ttls(kind).filter((ms) => ms <= min || ms > max);
      expect([kind, ttls(kind).length > 0, outside]).toEqual([kind, true, []]);
    };
    expect(ttls('duplicate guard').length).toBeGreaterThan(500);
    within('duplicate guard', 0, 600_000);
    within('effect marker', 600_000, 7_200_000);
    within('artifact version', 0, 7_200_000);
    expect(reported).toEqual([]);
  });

  it("drops a finished job re-added with Baton's options (a replayed outbox): its guard outlives the job", async () => {
    const { prefix } = deployment.keys;
    const queue = new Queue(queueName(deployment.keys, 'draft'), { connection: redis, prefix });
    try {
      expect(await queue.getJob(entryJobId)).toBeUndefined();
      expect(await redis.pttl(`${prefix}:${queue.name}:de:${entryJobId}`)).toBeGreaterThan(0);
      // Data no worker accepts: had the add not been dropped, the job would exist, then fail.
      await queue.add('receive', { bogus: true }, batonJobOptions(entryJobId, retention));
      await new Promise((r) => setTimeout(r, 200));
      expect(await queue.getJob(entryJobId)).toBeUndefined();
      expect(deployment.workers.reduce((n, w) => n + w.stats.invalid, 0)).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('cleans: refuses while a job is in flight, keeps failed jobs unless asked, leaves heads and foreign keys', async () => {
    const { prefix, workflowKey } = deployment.keys;
    const k = redisKeys(deployment.keys);
    const foreign = [`${prefix}:notes`, `${prefix}:${workflowKey}:notes:1`];
    for (const key of [...foreign, `other-${prefix}:${workflowKey}:artifact:abc`]) await redis.set(key, 'not Baton state');
    const queue = new Queue(queueName(deployment.keys, 'check'), { connection: redis, prefix });
    try {
      // A job in flight (delayed): nothing is removed.
      const delayed = await queue.add('receive', { bogus: true }, { jobId: 'later', delay: 60_000 });
      await expect(cleanFinishedKeys(redis, { prefix })).rejects.toThrow(/episodes in flight \(1 jobs waiting, active or delayed\)/);
      expect((await takeCensus(redis, { prefix })).kinds.get('effect marker')?.keys.length).toBeGreaterThan(500);
      await delayed.remove();
      // A failed job (a payload the worker refuses) is kept for inspection.
      await queue.add('receive', { bogus: true }, batonJobOptions('broken', retention));
      for (let i = 0; i < 100 && (await queue.getJobCounts('failed')).failed === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const heads = await Promise.all(definition.workflow.agents.map((a) => loadStoredHead(redis, k, definition, a.id)));

      const { before, after } = await cleanFinishedKeys(redis, { prefix });
      expect(before.kinds.get('effect marker')?.keys.length).toBeGreaterThan(500);
      for (const kind of removedKinds(false)) expect([kind, after.kinds.get(kind)?.keys.length]).toEqual([kind, 0]);
      expect(after.kinds.get("not Baton's")?.keys.sort()).toEqual(foreign);
      expect(await redis.get(`other-${prefix}:${workflowKey}:artifact:abc`)).toBe('not Baton state');
      const restored = await Promise.all(definition.workflow.agents.map((a) => loadStoredHead(redis, k, definition, a.id)));
      expect(restored.map((h) => h.toJSON())).toEqual(heads.map((h) => h.toJSON()));
      // Left: the long-lived keys, the failed job (its hash and the failed set), the foreign keys, stall checks (TTL).
      const failed = new Set([...(after.kinds.get('failed job')?.keys ?? []), `${prefix}:${queue.name}:failed`]);
      const unexpected = async (): Promise<string[]> =>
        (await redis.keys(`${prefix}:*`)).filter(
          (key) => !LONG_LIVED.some((re) => re.test(key)) && !foreign.includes(key) && !key.endsWith(':stalled-check'),
        );
      expect((await unexpected()).sort()).toEqual([...failed].sort());

      const withFailed = await cleanFinishedKeys(redis, { prefix, failed: true });
      for (const kind of removedKinds(true)) expect([kind, withFailed.after.kinds.get(kind)?.keys.length]).toEqual([kind, 0]);
      expect(await unexpected()).toEqual([]);
      // The one job the workers refused is the bogus one.
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.map((e) => e.message).filter((m) => !m.startsWith('agent job: kind:'))).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});

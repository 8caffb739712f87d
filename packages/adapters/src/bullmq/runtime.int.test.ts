import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '@baton/core';
import { Queue } from 'bullmq';
import { AgentWorker, BullmqRuntime, connectRedis, queueName, redisKeys, type KeySpace } from '@baton/adapters';
import { relayDefinition } from '@baton/adapters/test';
import { dropKeys, uniqueKeys } from './test-support.ts';

const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys: KeySpace = uniqueKeys('relay');
const definition = relayDefinition();
const events: BatonEvent[] = [];
let workers: AgentWorker<unknown>[] = [];
let runtime: BullmqRuntime<{ progress: number; quality: number }>;
// Completed jobs kept, so the test can take one and deliver it again.
const retention = { completedJobs: 100 };

beforeAll(async () => {
  workers = (await Promise.all(
    definition.workflow.agents.map((a) =>
      AgentWorker.start({ definition, agentId: a.id, keys, redis, sinks: [(e) => void events.push(e)], concurrency: 4, retention }),
    ),
  )) as AgentWorker<unknown>[];
  runtime = await BullmqRuntime.start({ workflow: definition.workflow, redis, keys, episodeTimeoutMs: 20_000, retention });
});

afterAll(async () => {
  await runtime.close();
  await Promise.all(workers.map((w) => w.close()));
  await dropKeys(redis, keys);
  redis.disconnect();
});

describe('BullmqRuntime', () => {
  it('never applies a redelivered job twice', async () => {
    const first = await runtime.runEpisode({ seed: 7, input: { progress: 0, quality: 0 }, episodeId: 'relay-dup-1' });
    expect(first.decisions).toBeGreaterThanOrEqual(1);
    const snapshots = workers.map((w) => JSON.stringify(w.currentHead.toJSON()));
    const refusedBefore = workers.reduce((n, w) => n + w.stats.refused, 0);
    // Redeliver the entry job, as a crashed worker's retry would.
    const entryQueue = new Queue(queueName(keys, 'draft'), { connection: redis, prefix: keys.prefix });
    const job = await entryQueue.getJob('relay-dup-1.e');
    expect(job).toBeDefined();
    const data: unknown = job?.data;
    await job?.remove();
    await entryQueue.add('receive', data, { jobId: 'relay-dup-1.e' });
    const deadline = Date.now() + 5000;
    while (workers.reduce((n, w) => n + w.stats.refused, 0) === refusedBefore && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await entryQueue.close();
    expect(workers.reduce((n, w) => n + w.stats.refused, 0)).toBeGreaterThan(refusedBefore);
    expect(workers.map((w) => JSON.stringify(w.currentHead.toJSON()))).toEqual(snapshots);
    expect(Number(await redis.get(redisKeys(keys).refusedCount))).toBeGreaterThan(0);
  });
});

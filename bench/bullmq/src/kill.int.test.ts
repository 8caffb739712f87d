import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqRuntime, connectRedis, loadStoredHead, readEventStream, redisKeys, type KeySpace } from '@baton/adapters';
import { decisionTrail, inProcessTwin, relayDefinition } from '@baton/adapters/test';
import { activate, spawnBenchWorker, stopWorker, type BenchWorkerConfig, type WorkerProcess } from './processes.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = connectRedis(url);
afterAll(() => redis.disconnect());

describe('BullMQ runtime across a SIGKILLed worker', () => {
  it('makes the same decisions, returns and heads as in-process when a worker is killed mid-episode', async () => {
    const keys: KeySpace = { prefix: `baton-test-${randomUUID().slice(0, 8)}`, workflowKey: 'relay' };
    const stream = `${keys.prefix}:events`;
    const definition = relayDefinition();
    const config = (agent: string): BenchWorkerConfig => ({
      mode: 'baton',
      url,
      prefix: keys.prefix,
      workflowKey: keys.workflowKey,
      workflow: 'relay',
      hops: 0,
      agents: [agent],
      concurrency: 4,
      auditStream: stream,
      timing: { lockDuration: 800, stalledInterval: 400, maxStalledCount: 1000 },
    });
    const workers: WorkerProcess[] = definition.workflow.agents.map((a) => spawnBenchWorker(config(a.id)));
    const spare = spawnBenchWorker({ ...config('check'), standby: true });
    await Promise.all([...workers.map((w) => w.ready), spare.ready]);
    const runtime = await BullmqRuntime.start({ workflow: definition.workflow, redis, keys, episodeTimeoutMs: 60_000 });
    const count = 24;
    try {
      const got = [];
      for (let i = 0; i < count; i++) {
        const episode = runtime.runEpisode({ seed: 300 + i, input: { progress: 0, quality: 0 } });
        if (i === 8) {
          // Mid-episode: kill the checker (its jobs in flight are retried by the spare once their lock lapses).
          await new Promise((r) => setTimeout(r, 5));
          const victim = workers[1] as WorkerProcess;
          await stopWorker(victim, 'SIGKILL');
          await activate(spare);
          workers[1] = spare;
        }
        got.push(await episode);
      }
      const twin = await inProcessTwin(definition, count, 300);
      expect(got.map((r) => r.return)).toEqual(twin.results.map((r) => r.return));
      expect(got.map((r) => r.path)).toEqual(twin.results.map((r) => r.path));
      const events = await readEventStream(redis, stream);
      expect(
        decisionTrail(
          events,
          got.map((r) => r.episodeId),
        ),
      ).toEqual(
        decisionTrail(
          twin.events,
          twin.results.map((r) => r.episodeId),
        ),
      );
      const k = redisKeys(keys);
      for (const agent of definition.workflow.agents) {
        const stored = await loadStoredHead(redis, k, definition, agent.id);
        expect(JSON.stringify(stored.toJSON())).toEqual(JSON.stringify(twin.heads[agent.id]?.toJSON()));
      }
    } finally {
      await runtime.close();
      await Promise.all(workers.map((w) => stopWorker(w)));
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (found.length) await redis.del(...found);
      } while (cursor !== '0');
    }
    // Four worker processes start (each loads the sources through tsx): slow on a loaded machine.
  }, 120_000);
});

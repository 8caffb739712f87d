import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@baton/core';
import { ensureTfBackend } from '@baton/learner';
import { connectRedis, loadStoredHead, redisKeys, type TracedOp } from '@baton/adapters';
import { decisionTrail, deploy, inProcessTwin, relayDefinition, type RelayHeads } from '@baton/adapters/test';

const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

beforeAll(async () => {
  await ensureTfBackend();
});

afterAll(() => redis.disconnect());

describe.each<RelayHeads>(['tabular', 'linear', 'neural'])('BullMQ runtime vs in-process, %s heads', (heads) => {
  it('makes the same decisions, returns and heads on the same seeds, one episode in flight', async () => {
    const definition = relayDefinition({ heads });
    const count = heads === 'neural' ? 20 : 30;
    const twin = await inProcessTwin(definition, count, 100);
    const deployment = await deploy(redis, definition);
    try {
      const got = await deployment.runtime.runEpisodes({ count, seed: 100, input: () => ({ progress: 0, quality: 0 }) });
      expect(got.map((r) => r.return)).toEqual(twin.results.map((r) => r.return));
      expect(got.map((r) => r.path)).toEqual(twin.results.map((r) => r.path));
      expect(got.map((r) => r.skipped)).toEqual(twin.results.map((r) => r.skipped));
      expect(got.map((r) => r.artifact.hash)).toEqual(twin.results.map((r) => r.artifact.hash));
      expect(got.reduce((n, r) => n + r.handoffs, 0)).toBeGreaterThan(count / 2);
      const trail = decisionTrail(
        deployment.events,
        got.map((r) => r.episodeId),
      );
      expect(trail.length).toBeGreaterThan(3 * count);
      expect(trail).toEqual(
        decisionTrail(
          twin.events,
          twin.results.map((r) => r.episodeId),
        ),
      );
      const k = redisKeys(deployment.keys);
      for (const w of deployment.workers) {
        const expected = JSON.stringify(twin.heads[w.agentId]?.toJSON());
        expect(JSON.stringify(w.currentHead.toJSON())).toEqual(expected);
        // What a restarted worker would resume from: the stored snapshot plus the operations since.
        expect(JSON.stringify((await loadStoredHead(redis, k, definition, w.agentId)).toJSON())).toEqual(expected);
      }
    } finally {
      await deployment.stop();
    }
  });
});

describe('BullMQ runtime with episodes interleaved', () => {
  it('equals the in-process kernel performing each head operation in the order the workers did', async () => {
    const definition = relayDefinition();
    const traces = new Map<string, TracedOp[]>();
    const deployment = await deploy(redis, definition, (id) => {
      const trace: TracedOp[] = [];
      traces.set(id, trace);
      return { trace: (op) => void trace.push(op) };
    });
    try {
      const results = await deployment.runtime.runEpisodes({
        count: 48,
        seed: 500,
        concurrency: 8,
        input: () => ({ progress: 0, quality: 0 }),
      });
      // Episodes really overlapped: some episode started before an earlier one ended.
      const open = new Set<string>();
      let overlapped = false;
      for (const e of deployment.events) {
        if (e.type === 'episode-start') overlapped ||= open.size > 0;
        if (e.type === 'episode-start') open.add(e.episodeId);
        if (e.type === 'episode-end') open.delete(e.episodeId);
      }
      expect(overlapped).toBe(true);
      let decisions = 0;
      for (const w of deployment.workers) {
        const ops = traces.get(w.agentId) ?? [];
        // A fresh head of the same kind, driven through the same operations in the same order, decides the same
        // way at every step and ends in the same state.
        const head = definition.createHead(w.agentId);
        for (const op of ops) {
          if ('decide' in op) {
            const { view, legal, explore, rng, decision } = op.decide;
            const again = head.decide(view, legal, { rng: Rng.fromState(rng), explore });
            expect(again).toEqual(decision);
            decisions += 1;
          } else if ('learn' in op) head.learn(op.learn);
          else head.endEpisode?.(op.end);
        }
        expect(JSON.stringify(head.toJSON())).toEqual(JSON.stringify(w.currentHead.toJSON()));
      }
      // Every decision of every episode is in the traces, once.
      expect(decisions).toBe(results.reduce((n, r) => n + r.decisions, 0));
    } finally {
      await deployment.stop();
    }
  });
});

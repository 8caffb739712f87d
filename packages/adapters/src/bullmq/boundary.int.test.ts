import { afterAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Queue } from 'bullmq';
import { defineWorkflow, type BatonError } from '@baton/core';
import { TabularIcqHead } from '@baton/learner';
import { BullmqRuntime, connectRedis, queueName, redisKeys, type WorkflowDefinition } from '@baton/adapters';
import { deploy, relayDefinition } from '@baton/adapters/test';
import { uniqueKeys } from './test-support.ts';

const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.disconnect());

const JOB_KEYS = ['ctx', 'from', 'kind'];
const CTX_KEYS = ['artifact', 'artifactHash', 'book', 'episodeId', 'explore', 'learn', 'rng', 'seed'];
const BOOK_KEYS = ['costUsd', 'decisions', 'discounted', 'handoffs', 'steps', 'time', 'tokens'];

function keysOf(value: unknown): string[] {
  return typeof value === 'object' && value !== null ? Object.keys(value).sort() : [];
}

describe('what crosses the process boundary', () => {
  it("gives each agent's worker only the artifact, the baton's bookkeeping and the scalars and ends addressed to it", async () => {
    const definition = relayDefinition();
    // Completed jobs kept (removed at once by default), so the test can read what each carried.
    const deployment = await deploy(redis, definition, undefined, { retention: { completedJobs: 1000 } });
    const k = redisKeys(deployment.keys);
    const listener = redis.duplicate();
    // What reaches an agent's process from its inbox: its bell carries the entries it has not applied (one per line),
    // and its commit replies and reads bring lines of the same list; each entry is counted once.
    const inbox = new Map<string, Map<string, unknown>>();
    listener.on('message', (channel: string, message: string) => {
      const agent = channel.slice(k.bell('').length - ':bell'.length, -':bell'.length);
      const entries = inbox.get(agent) ?? new Map<string, unknown>();
      for (const line of message.split('\n')) entries.set(line.slice(0, line.indexOf('|')), JSON.parse(line.slice(line.indexOf('|') + 1)));
      inbox.set(agent, entries);
    });
    await listener.subscribe(...definition.workflow.agents.map((a) => k.bell(a.id)));
    try {
      const results = await deployment.runtime.runEpisodes({ count: 12, seed: 40, input: () => ({ progress: 0, quality: 0 }) });
      expect(results.reduce((n, r) => n + r.handoffs, 0)).toBeGreaterThan(5);
      const handoffsBy = new Map<string, Set<string>>();
      for (const e of deployment.events)
        if (e.type === 'handoff') handoffsBy.set(e.from, (handoffsBy.get(e.from) ?? new Set()).add(e.handoffId));
      for (const agent of definition.workflow.agents) {
        const queue = new Queue(queueName(deployment.keys, agent.id), { connection: redis, prefix: deployment.keys.prefix });
        const jobs = await queue.getJobs(['completed']);
        await queue.close();
        expect(jobs.length).toBeGreaterThan(0);
        for (const job of jobs) {
          const data = job.data as { ctx: { book: unknown; artifact?: { hash: string }; artifactHash: string }; from?: unknown };
          expect(keysOf(data).every((key) => JOB_KEYS.includes(key))).toBe(true);
          expect(keysOf(data.ctx).every((key) => CTX_KEYS.includes(key))).toBe(true);
          expect(keysOf(data.ctx.book)).toEqual(BOOK_KEYS);
          if (data.ctx.artifact) expect(data.ctx.artifact.hash).toBe(data.ctx.artifactHash);
          if (data.from) expect(keysOf(data.from)).toEqual(['agent', 'handoffId']);
        }
        // Its inbox held the scalars of its own handoffs and the ends of episodes it took part in, nothing else.
        const mine = handoffsBy.get(agent.id) ?? new Set<string>();
        const took = new Set(results.filter((r) => r.path.includes(agent.id)).map((r) => r.episodeId));
        for (const entry of inbox.get(agent.id)?.values() ?? []) {
          const e = entry as { kind: string; handoffId?: string; episodeId: string };
          if (e.kind === 'scalar') {
            expect(keysOf(e)).toEqual(['episodeId', 'handoffId', 'kind', 'scalar']);
            expect(mine.has(e.handoffId as string)).toBe(true);
          } else {
            expect(keysOf(e)).toEqual(['episodeId', 'finalReturn', 'kind']);
            expect(took.has(e.episodeId)).toBe(true);
          }
        }
      }
      expect([...inbox.values()].reduce((n, entries) => n + entries.size, 0)).toBeGreaterThan(10);
    } finally {
      listener.disconnect();
      await deployment.stop();
    }
  });

  it('fails a job whose payload does not fit, with the field, and keeps serving episodes', async () => {
    const reported: BatonError[] = [];
    const definition = relayDefinition();
    const deployment = await deploy(redis, definition, () => ({ onError: (e) => void reported.push(e) }));
    try {
      const queue = new Queue(queueName(deployment.keys, 'draft'), { connection: redis, prefix: deployment.keys.prefix });
      const bad: unknown[] = [null, 'hello', { kind: 'nope' }, { kind: 'receive', ctx: { episodeId: 'x', seed: 1 } }];
      const jobs = await Promise.all(bad.map((data, i) => queue.add('bad', data, { jobId: `bad-${i}`, attempts: 3 })));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await Promise.all(jobs.map((j) => j.getState()))).some((s) => s !== 'failed'))
        await new Promise((r) => setTimeout(r, 50));
      const states = await Promise.all(jobs.map((j) => j.getState()));
      expect(states).toEqual(['failed', 'failed', 'failed', 'failed']);
      const reasons = await Promise.all(jobs.map(async (j) => (await queue.getJob(j.id as string))?.failedReason ?? ''));
      expect(reasons[0]).toMatch(/agent job: \(root\)/);
      expect(reasons[2]).toMatch(/agent job: kind/);
      expect(reasons[3]).toMatch(/agent job: ctx\.learn/);
      // Failed at once, not retried: a bad payload stays bad.
      expect((await queue.getJob('bad-0'))?.attemptsMade).toBe(1);
      await queue.close();
      expect(deployment.workers.find((w) => w.agentId === 'draft')?.stats.invalid).toBe(4);
      expect(reported.filter((e) => e.code === 'job.invalid')).toHaveLength(4);
      const after = await deployment.runtime.runEpisodes({ count: 3, seed: 9, input: () => ({ progress: 0, quality: 0 }) });
      expect(after).toHaveLength(3);
    } finally {
      await deployment.stop();
    }
  });

  it("hands the episode's AbortSignal to the work in the worker and rejects with episode.aborted", async () => {
    let sawAbort = false;
    let started!: () => void;
    const working = new Promise<void>((resolve) => (started = resolve));
    const workflow = defineWorkflow<{ n: number }>({
      name: 'slow',
      artifact: z.object({ n: z.number() }),
      agents: [
        {
          id: 'slow',
          interface: { projectionKeys: [], project: () => ({}) },
          work: (_x, ctx) =>
            new Promise((resolve, reject) => {
              started();
              const timer = setTimeout(() => resolve({ reward: 0 }), 20_000);
              ctx.signal?.addEventListener('abort', () => {
                sawAbort = true;
                clearTimeout(timer);
                reject(ctx.signal?.reason as Error);
              });
            }),
        },
      ],
      entry: 'slow',
      successors: { slow: [] },
      grader: () => 1,
      budget: { maxSteps: 2, maxHandoffs: 0 },
    });
    const definition: WorkflowDefinition<{ n: number }> = {
      workflow,
      createHead: () => new TabularIcqHead(),
      loadHead: (_id, s) => TabularIcqHead.fromJSON(s),
    };
    const deployment = await deploy(redis, definition, () => ({ onError: () => undefined }));
    try {
      const controller = new AbortController();
      const episode = deployment.runtime.runEpisode({ seed: 1, input: { n: 0 }, signal: controller.signal });
      await working;
      controller.abort();
      await expect(episode).rejects.toMatchObject({ code: 'episode.aborted' });
      await vi.waitFor(() => expect(sawAbort).toBe(true), { timeout: 5000, interval: 20 });
    } finally {
      await deployment.stop();
    }
  });

  it('fails fast, naming the commands to run, when an agent has no worker', async () => {
    const definition = relayDefinition();
    const started = Date.now();
    const error = await BullmqRuntime.start({ workflow: definition.workflow, redis, keys: uniqueKeys('relay') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'runtime.no-workers' });
    expect((error as Error).message).toMatch(/baton worker --workflow relay --agent draft/);
    expect((error as Error).message).toMatch(/--agent polish/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

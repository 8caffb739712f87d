import { describe, expect, it } from 'vitest';
import { CONTINUE, defineWorkflow, InProcessRuntime, SUBMIT } from '@baton/core';
import { z } from 'zod';
import {
  DEFAULT_RELAY,
  DEFAULT_SYNTHETIC,
  environmentHeads,
  environmentOf,
  evaluateEpisodes,
  exactGreedyValue,
  exactReturn,
  FixedPipelineHead,
  greedyPolicy,
  relayModel,
  syntheticOptimum,
  syntheticRandomReturn,
  trainEpisodes,
  uniformPolicy,
  valueIteration,
  type EnvironmentSpec,
  type EpochModel,
  type MethodName,
} from '@baton/learner';

describe('exact evaluation with the runtime budget', () => {
  // One agent, a counter artifact: each unit of work costs 0.1 and adds 1; the grade is the count (discount 0.5).
  const workflow = defineWorkflow({
    name: 'counter',
    artifact: z.object({ n: z.number() }),
    agents: [
      {
        id: 'a',
        interface: { projectionKeys: ['n'], project: (x) => ({ n: x.value.n }) },
        work: (x) => ({ value: { n: x.value.n + 1 }, reward: -0.1, duration: 1 }),
      },
    ],
    entry: 'a',
    successors: { a: [] },
    grader: (x) => x.value.n,
    budget: { maxSteps: 3, maxHandoffs: 0 },
    discount: 0.5,
  });
  // Decision epochs after 1, 2, 3 units: states n = 1, 2, 3 (index n - 1).
  const model: EpochModel = {
    workflow: workflow as never,
    size: 3,
    holder: () => 'a',
    views: (s) => [{ view: { projection: { n: s + 1 }, privateState: {} }, p: 1 }],
    terminal: (s) => s + 1,
    step: (s) => ({ reward: -0.1, next: [[Math.min(s + 1, 2), 0.5]] }),
    start: { reward: -0.1, next: [[0, 0.5]] },
  };

  it('forces the submit at maxSteps, so a policy that never submits still has its real value', async () => {
    // Always continue: work at t = 0, 1, 2 (costs -0.1, -0.05, -0.025), forced submit of n = 3 at t = 3 (3 / 8).
    const never = exactReturn(model, (_s, legal) => [[legal.includes(CONTINUE) ? CONTINUE : SUBMIT, 1]]);
    expect(never).toBeCloseTo(-0.1 - 0.05 - 0.025 + 3 / 8, 12);
    // Continues for as long as it may: the budget forces the submit.
    const runtime = new InProcessRuntime({ workflow, heads: { a: new FixedPipelineHead(1000, undefined) } });
    const episode = await runtime.runEpisode({ seed: 1, input: { n: 0 }, learn: false });
    expect(episode.forcedSubmit).toBe(true);
    expect(episode.return).toBeCloseTo(never, 12);
    // Submitting at once pays n = 1 at t = 1 (0.5) after one unit (-0.1): the optimum.
    expect(exactReturn(model, 'optimal')).toBeCloseTo(0.4, 12);
  });
});

describe('the synthetic IC-SMDP, exactly', () => {
  it('has an optimum under the budget within 1e-3 of the unbudgeted value iteration, and above every policy', async () => {
    const optimum = syntheticOptimum(DEFAULT_SYNTHETIC);
    expect(Math.abs(optimum - valueIteration(DEFAULT_SYNTHETIC).startValue)).toBeLessThan(1e-3);
    expect(syntheticRandomReturn(DEFAULT_SYNTHETIC)).toBeLessThan(optimum);
    const env = environmentOf({ kind: 'synthetic', config: DEFAULT_SYNTHETIC });
    const { heads } = environmentHeads(env, 'icq-tabular', 3);
    await trainEpisodes(new InProcessRuntime({ workflow: env.workflow('interface', 1), heads }), {
      episodes: 300,
      seed: 3,
      input: env.input,
    });
    expect(exactGreedyValue(DEFAULT_SYNTHETIC, heads)).toBeLessThanOrEqual(optimum + 1e-12);
  });

  it('keeps the optimum where it is along the mixing knob (only the variance of gamma^tau moves)', () => {
    const base = syntheticOptimum({ ...DEFAULT_SYNTHETIC, mixing: 0 });
    for (const mixing of [0.3, 0.6, 0.9, 1]) expect(syntheticOptimum({ ...DEFAULT_SYNTHETIC, mixing })).toBeCloseTo(base, 10);
    expect(syntheticRandomReturn({ ...DEFAULT_SYNTHETIC, mixing: 0.9 })).toBeCloseTo(
      syntheticRandomReturn({ ...DEFAULT_SYNTHETIC, mixing: 0 }),
      10,
    );
  });
});

describe('the relay, exactly', () => {
  const config = { ...DEFAULT_RELAY, stages: 5 };
  const { skilled: s, unskilled: u, cost: c, discount: g } = config;
  // Work at t = 0, 2, ..., 2(K - 1); the grade arrives at 2K - 1.
  const costs = Array.from({ length: 5 }, (_, j) => c * g ** (2 * j)).reduce((a, b) => a + b, 0);

  it('has the closed-form optimum (every route to the skilled agent) and random floor', () => {
    const model = relayModel(config);
    expect(model.size).toBe(2 ** (5 + 3) - 12);
    expect(exactReturn(model, 'optimal')).toBeCloseTo(s ** 5 * g ** 9 - costs, 12);
    expect(exactReturn(model, uniformPolicy)).toBeCloseTo(s * ((s + u) / 2) ** 4 * g ** 9 - costs, 12);
  });
});

/**
 * The runtime against the model (docs/decisions/0002): the mean return of N greedy runtime episodes must lie within
 * 4 standard errors of the exact value the model gives the same policy. Seeds are fixed, so the test is
 * deterministic; 4 SE is the stated tolerance (a real mismatch of the dynamics or the budget shows as many SE).
 */
describe('runtime episode means match the exact model', () => {
  const cases: { name: string; spec: EnvironmentSpec; method: MethodName; train: number }[] = [
    { name: 'synthetic, random', spec: { kind: 'synthetic', config: DEFAULT_SYNTHETIC }, method: 'random', train: 0 },
    { name: 'synthetic, trained IC-Q', spec: { kind: 'synthetic', config: DEFAULT_SYNTHETIC }, method: 'icq-tabular', train: 400 },
    {
      name: 'synthetic, interface gap 0.5 and mixing 0.9',
      spec: { kind: 'synthetic', config: { ...DEFAULT_SYNTHETIC, interfaceGap: 0.5, mixing: 0.9 } },
      method: 'icq-tabular',
      train: 400,
    },
    {
      name: 'synthetic, centralized (joint view)',
      spec: { kind: 'synthetic', config: DEFAULT_SYNTHETIC },
      method: 'centralized-oracle',
      train: 300,
    },
    {
      name: 'relay, noisy grader, trained MC',
      spec: { kind: 'relay', config: { ...DEFAULT_RELAY, stages: 4, noise: 1 } },
      method: 'independent-mc',
      train: 300,
    },
    { name: 'relay, random', spec: { kind: 'relay', config: { ...DEFAULT_RELAY, stages: 6 } }, method: 'random', train: 0 },
  ];
  for (const { name, spec, method, train } of cases) {
    it(name, async () => {
      const env = environmentOf(spec);
      const { heads, view } = environmentHeads(env, method, 1);
      const runtime = new InProcessRuntime({ workflow: env.workflow(view, 2), heads });
      if (train) await trainEpisodes(runtime, { episodes: train, seed: 4, input: env.input });
      const exact = exactReturn(env.model, method === 'random' ? uniformPolicy : greedyPolicy(env.model, heads, view));
      const returns: number[] = [];
      await evaluateEpisodes(runtime, { episodes: 2000, seed: 9, input: env.input, onEpisode: (_i, r) => returns.push(r) });
      const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
      const se = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1) / returns.length);
      expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
    });
  }

  it('splits exact Q-value ties evenly, as the heads break them at random', () => {
    const env = environmentOf({ kind: 'relay', config: DEFAULT_RELAY });
    // Untrained optimistic tables: every route ties, so the greedy policy is the uniform one.
    const { heads, view } = environmentHeads(env, 'icq-tabular', 1);
    expect(exactReturn(env.model, greedyPolicy(env.model, heads, view))).toBeCloseTo(exactReturn(env.model, uniformPolicy), 12);
  });
});

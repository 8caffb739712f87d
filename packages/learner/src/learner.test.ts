import { describe, expect, it } from 'vitest';
import { InProcessRuntime, Rng, UserError, type Action, type HandoffHead, type InterfaceView } from '@baton/core';
import {
  DEFAULT_SYNTHETIC,
  ensureTfBackend,
  exactGreedyValue,
  IndependentMcHead,
  methodHeads,
  NeuralIcqHead,
  RandomHead,
  solveSmdp,
  SYNTHETIC_AGENTS,
  syntheticActions,
  syntheticFeatures,
  syntheticInput,
  syntheticOptimum,
  syntheticRandomReturn,
  syntheticWorkflow,
  TabularIcqHead,
  trainEpisodes,
  UcbBanditHead,
  valueIteration,
} from '@baton/learner';

const view = (projection: Record<string, number>, privateState: Record<string, number> = {}): InterfaceView => ({
  projection,
  privateState,
});

describe('value iteration', () => {
  it('solves a two-state SMDP with a known answer', () => {
    // State 0: "stop" pays 1; "go" costs 0.1 and reaches state 1 with discount 0.5. State 1: "stop" pays 10.
    // V(1) = 10; Q(0, go) = -0.1 + 0.5 * 10 = 4.9 > 1, so V(0) = 4.9.
    const { values, policy } = solveSmdp([
      [[{ p: 1, reward: 1, discount: 0, next: null }], [{ p: 1, reward: -0.1, discount: 0.5, next: 1 }]],
      [[{ p: 1, reward: 10, discount: 0, next: null }]],
    ]);
    expect(values[1]).toBeCloseTo(10, 12);
    expect(values[0]).toBeCloseTo(4.9, 12);
    expect(policy[0]).toBe(1);
  });

  it('solves a geometric retry loop: V = r / (1 - gamma (1 - p)) closed form', () => {
    // "try" succeeds with p = 0.25 (pays 1) else stays, each try costs 0.05, discount 0.9.
    const p = 0.25;
    const { values } = solveSmdp([
      [
        [
          { p, reward: 1 - 0.05, discount: 0, next: null },
          { p: 1 - p, reward: -0.05, discount: 0.9, next: 0 },
        ],
      ],
    ]);
    expect(values[0]).toBeCloseTo((p - 0.05) / (1 - 0.9 * (1 - p)), 9);
  });

  it('bounds what a centralized learner reaches on the synthetic IC-SMDP, which gets close to it', async () => {
    const optimum = valueIteration(DEFAULT_SYNTHETIC);
    const oracle = methodHeads('centralized-oracle', 1).heads;
    const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(DEFAULT_SYNTHETIC, 'joint'), heads: oracle });
    await trainEpisodes(runtime, { episodes: 3000, seed: 3, input: syntheticInput });
    const exact = exactGreedyValue(DEFAULT_SYNTHETIC, oracle, 'joint');
    expect(exact).toBeLessThanOrEqual(optimum.startValue + 1e-9);
    expect(exact).toBeGreaterThan(optimum.startValue - 0.1);
  });
});

describe('IC-Q tabular head', () => {
  it('applies the step size c / (n + n0)^omega to each target', () => {
    const head = new TabularIcqHead({ stepSize: { c: 1, n0: 1, omega: 1 }, targetSyncEvery: 1 });
    const z = view({ x: 1 });
    head.learn({ view: z, action: 'submit', target: 1, legal: ['submit'] }); // alpha = 1/2
    expect(head.table.q('x=1;|', 'submit')).toBeCloseTo(0.5, 12);
    head.learn({ view: z, action: 'submit', target: 1, legal: ['submit'] }); // alpha = 1/3
    expect(head.table.q('x=1;|', 'submit')).toBeCloseTo(0.5 + (1 - 0.5) / 3, 12);
    expect(head.value(z, ['submit', 'continue'])).toBeCloseTo(0.6666666667, 9);
  });

  it('keeps the target copy until the sync', () => {
    const head = new TabularIcqHead({ stepSize: { c: 1, n0: 0, omega: 1 }, targetSyncEvery: 3 });
    const z = view({ x: 0 });
    head.learn({ view: z, action: 'continue', target: 2, legal: ['continue'] });
    expect(head.value(z, ['continue'])).toBe(0);
    head.learn({ view: z, action: 'continue', target: 2, legal: ['continue'] });
    head.learn({ view: z, action: 'continue', target: 2, legal: ['continue'] });
    expect(head.value(z, ['continue'])).toBe(2);
  });

  it('reports its Q-values over the legal set in an object without a prototype (any action name is a plain key)', () => {
    const head = new TabularIcqHead({ stepSize: { c: 1, n0: 1, omega: 1 }, targetSyncEvery: 1 });
    const z = view({ x: 1 });
    head.learn({ view: z, action: 'handoff:b', target: 1, legal: ['handoff:b', 'submit'] });
    const decision = head.decide(z, ['handoff:b', 'submit', 'handoff:__proto__'], { rng: new Rng(1), explore: false });
    expect(Object.getPrototypeOf(decision.qValues)).toBeNull();
    expect(JSON.stringify(decision.qValues)).toBe(JSON.stringify({ 'handoff:b': 0.5, submit: 0, 'handoff:__proto__': 0 }));
    expect(decision.action).toBe('handoff:b');
  });

  it('refuses non-finite targets and empty legal sets', () => {
    const head = new TabularIcqHead();
    expect(() => head.learn({ view: view({}), action: 'submit', target: Number.NaN, legal: ['submit'] })).toThrow(UserError);
    expect(() => head.decide(view({}), [], { rng: new Rng(1), explore: true })).toThrow(UserError);
  });

  it('save -> load -> same decisions', async () => {
    const { heads } = methodHeads('icq-tabular', 1);
    await trainEpisodes(new InProcessRuntime({ workflow: syntheticWorkflow(), heads }), { episodes: 300, seed: 5, input: syntheticInput });
    const restored = Object.fromEntries(
      Object.entries(heads).map(([id, h]) => [id, TabularIcqHead.fromJSON(JSON.parse(JSON.stringify(h.toJSON())))]),
    );
    expect(exactGreedyValue(DEFAULT_SYNTHETIC, restored)).toBe(exactGreedyValue(DEFAULT_SYNTHETIC, heads));
    const rng = new Rng(2);
    for (let i = 0; i < 200; i++) {
      const z = view({ kind: rng.int(3), progress: rng.int(4) }, { fatigue: 1 + rng.int(2) });
      const legal: Action[] = ['continue', 'handoff:solver', 'handoff:checker'];
      expect(restored.drafter?.decide(z, legal, { rng: new Rng(i), explore: false }).action).toBe(
        heads.drafter?.decide(z, legal, { rng: new Rng(i), explore: false }).action,
      );
    }
  });

  it('rejects a corrupted saved head, naming the field', () => {
    expect(() => TabularIcqHead.fromJSON({ kind: 'icq-tabular', format: 1 })).toThrow(/head\.config/);
  });
});

describe('masking', () => {
  it('never picks an illegal action, for every kind of head', async () => {
    await ensureTfBackend();
    const rng = new Rng(9);
    const all: Action[] = ['continue', 'handoff:solver', 'handoff:checker', 'submit'];
    const heads: HandoffHead[] = [
      new TabularIcqHead({ initialQ: 1 }),
      new IndependentMcHead(),
      new UcbBanditHead(),
      new RandomHead(),
      new NeuralIcqHead({ actions: syntheticActions('drafter'), features: syntheticFeatures('drafter'), hidden: [8] }),
    ];
    for (const head of heads) {
      for (let i = 0; i < 300; i++) {
        const legal = all.filter(() => rng.next() < 0.5);
        if (!legal.length) continue;
        const z = view({ kind: rng.int(3), progress: rng.int(4) }, { fatigue: 1 });
        expect(legal).toContain(head.decide(z, legal, { rng, explore: i % 2 === 0 }).action);
      }
    }
  });
});

describe('reproducibility', () => {
  it('same seed, same training, same result', async () => {
    const run = async () => {
      const { heads } = methodHeads('icq-tabular', 1);
      const summary = await trainEpisodes(new InProcessRuntime({ workflow: syntheticWorkflow(), heads }), {
        episodes: 200,
        seed: 11,
        input: syntheticInput,
      });
      return [summary.meanReturn, JSON.stringify(heads.drafter?.toJSON())];
    };
    expect(await run()).toEqual(await run());
  });
});

describe('IC-Q neural head', () => {
  it('learns toward its targets and survives save -> load with the same decisions', async () => {
    await ensureTfBackend();
    const actions = syntheticActions('checker');
    const head = new NeuralIcqHead({
      actions,
      features: syntheticFeatures('checker'),
      hidden: [16],
      trainEvery: 1,
      batchSize: 8,
      learningRate: 0.05,
      seed: 3,
    });
    const z = view({ progress: 3, flaw: 0 }, { fatigue: 1 });
    for (let i = 0; i < 200; i++) head.learn({ view: z, action: 'submit', target: 1, legal: actions });
    const q = head.decide(z, ['submit'], { rng: new Rng(1), explore: false }).qValues.submit ?? 0;
    expect(q).toBeGreaterThan(0.8);
    const restored = NeuralIcqHead.fromJSON(JSON.parse(JSON.stringify(head.toJSON())));
    const rng = new Rng(4);
    for (let i = 0; i < 50; i++) {
      const zi = view({ progress: rng.int(4), flaw: rng.int(2) }, { fatigue: 1 + rng.int(2) });
      expect(restored.decide(zi, actions, { rng: new Rng(i), explore: false })).toEqual(
        head.decide(zi, actions, { rng: new Rng(i), explore: false }),
      );
    }
    expect(restored.value(z, actions)).toBeCloseTo(head.value(z, actions), 6);
    head.dispose();
    restored.dispose();
  });

  it('recomputes replayed continue targets from their ingredients with the current target network (switchable)', async () => {
    await ensureTfBackend();
    const actions: Action[] = ['continue', 'submit'];
    const make = (replayTargets: 'recompute' | 'stored') =>
      new NeuralIcqHead({
        actions,
        features: [{ key: 'x', from: 'projection' }],
        hidden: [8],
        trainEvery: 1,
        batchSize: 4,
        learningRate: 0.05,
        seed: 2,
        replayTargets,
      });
    const z = view({ x: 1 });
    const next = view({ x: 0 });
    // A stored target of 5 whose ingredients say 0 + 0.5 * max Qbar(next) = 0 (an untrained net outputs ~0 there).
    const transition = {
      view: z,
      action: 'continue' as const,
      target: 5,
      legal: actions,
      bootstrap: { reward: 0, discount: 0.5, view: next, legal: actions },
    };
    const recompute = make('recompute');
    const stored = make('stored');
    for (let i = 0; i < 300; i++) {
      recompute.learn(transition);
      stored.learn(transition);
    }
    const q = (h: NeuralIcqHead) => h.decide(z, ['continue'], { rng: new Rng(1), explore: false }).qValues.continue ?? NaN;
    expect(Math.abs(q(recompute))).toBeLessThan(0.5);
    expect(q(stored)).toBeGreaterThan(4);
    recompute.dispose();
    stored.dispose();
  });

  it('gets continue ingredients from the runtime that reproduce the target it was sent', async () => {
    const seen: { target: number; recomputed: number }[] = [];
    const inner = methodHeads('icq-tabular', 1).heads;
    const heads = Object.fromEntries(
      Object.entries(inner).map(([id, h]) => [
        id,
        {
          ...h,
          kind: h.kind,
          decide: h.decide.bind(h),
          value: h.value.bind(h),
          toJSON: h.toJSON.bind(h),
          learn: (t: Parameters<HandoffHead['learn']>[0]) => {
            if (t.bootstrap)
              seen.push({
                target: t.target,
                recomputed: t.bootstrap.reward + t.bootstrap.discount * h.value(t.bootstrap.view, t.bootstrap.legal),
              });
            h.learn(t);
          },
        } satisfies HandoffHead,
      ]),
    );
    await trainEpisodes(new InProcessRuntime({ workflow: syntheticWorkflow(), heads }), { episodes: 20, seed: 3, input: syntheticInput });
    expect(seen.length).toBeGreaterThan(10);
    for (const { target, recomputed } of seen) expect(recomputed).toBe(target);
  });

  it('rejects an action outside its option set', async () => {
    await ensureTfBackend();
    const head = new NeuralIcqHead({ actions: ['continue', 'submit'], features: [{ key: 'x', from: 'projection' }] });
    expect(() => head.decide(view({ x: 1 }), ['handoff:ghost'], { rng: new Rng(1), explore: false })).toThrow(
      /not in this head's option set/,
    );
    head.dispose();
  });
});

describe('the synthetic IC-SMDP', () => {
  it('hides part of the artifact from every agent', () => {
    const wf = syntheticWorkflow();
    for (const id of SYNTHETIC_AGENTS) {
      const keys = wf.agentById.get(id)?.interface.projectionKeys ?? [];
      expect(['kind', 'progress', 'flaw'].every((k) => keys.includes(k))).toBe(false);
    }
  });

  it('IC-Q tabular learns a policy far above random within 1,500 episodes', async () => {
    const { heads } = methodHeads('icq-tabular', 2);
    const random = syntheticRandomReturn(DEFAULT_SYNTHETIC);
    const optimum = syntheticOptimum(DEFAULT_SYNTHETIC);
    await trainEpisodes(new InProcessRuntime({ workflow: syntheticWorkflow(), heads }), { episodes: 1500, seed: 2, input: syntheticInput });
    const normalized = (exactGreedyValue(DEFAULT_SYNTHETIC, heads) - random) / (optimum - random);
    expect(normalized).toBeGreaterThan(0.85);
  });
});

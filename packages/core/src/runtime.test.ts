import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflow, InProcessRuntime, UserError, EpisodeError, type Action, type BatonEvent } from '@baton/core';
import { ScriptedHead, scriptedOption } from '@baton/core/test';
import { legalActionsFor } from '@baton/core/internal';

const counter = z.object({ n: z.number() });
type Counter = z.infer<typeof counter>;

function pair(overrides: { maxSteps?: number; maxHandoffs?: number } = {}) {
  const a = scriptedOption<Counter>({
    id: 'a',
    work: (x) => ({ value: { n: x.value.n + 1 }, reward: -0.1, duration: 2 }),
    project: (x) => ({ n: x.value.n }),
  });
  const b = scriptedOption<Counter>({
    id: 'b',
    work: (x) => ({ value: { n: x.value.n + 10 }, reward: -0.2, duration: 1 }),
    project: (x) => ({ n: x.value.n }),
  });
  return defineWorkflow<Counter>({
    name: 'pair',
    artifact: counter,
    agents: [a, b],
    entry: 'a',
    successors: { a: ['b'], b: ['a'] },
    grader: (x) => x.value.n,
    budget: { maxSteps: overrides.maxSteps ?? 20, maxHandoffs: overrides.maxHandoffs ?? 10 },
    discount: 0.9,
  });
}

/** A head that hands off whenever it may, else submits: without a budget it would never end. */
function pingPongHead(): ScriptedHead {
  return Object.assign(new ScriptedHead(), {
    decide: (_v: unknown, legal: readonly Action[]) => ({
      action: legal.find((a) => a.startsWith('handoff:')) ?? 'submit',
      qValues: {},
      explored: false,
    }),
  });
}

describe('InProcessRuntime: the three targets of ICQ.md', () => {
  it('computes continue, handoff (one scalar) and submit targets by hand', async () => {
    const headA = new ScriptedHead(['continue', 'handoff:b'], 3);
    const headB = new ScriptedHead(['submit'], 5);
    const runtime = new InProcessRuntime({ workflow: pair(), heads: { a: headA, b: headB } });
    const result = await runtime.runEpisode({ seed: 1, input: { n: 0 } });

    // a works (n=1, r=-0.1, tau=2), decides continue at z={n:1}; works again (n=2), so the continue target is
    // r + gamma^tau * max Qbar_a(z') = -0.1 + 0.81 * 3.
    expect(headA.learned[0]?.action).toBe('continue');
    expect(headA.learned[0]?.view.projection).toEqual({ n: 1 });
    expect(headA.learned[0]?.target).toBeCloseTo(-0.1 + 0.81 * 3, 12);
    // a hands to b at z={n:2}; b works (n=12, r=-0.2, tau=1) and sends back u = -0.2 + 0.9 * 5.
    expect(headA.learned[1]?.action).toBe('handoff:b');
    expect(headA.learned[1]?.view.projection).toEqual({ n: 2 });
    expect(headA.learned[1]?.target).toBeCloseTo(-0.2 + 0.9 * 5, 12);
    // b submits: target R = 12.
    expect(headB.learned).toHaveLength(1);
    expect(headB.learned[0]?.action).toBe('submit');
    expect(headB.learned[0]?.target).toBe(12);
    expect(result.return).toBeCloseTo(-0.1 + 0.81 * -0.1 + 0.9 ** 4 * -0.2 + 0.9 ** 5 * 12, 12);
    expect(result.path).toEqual(['a', 'b']);
    expect(result.artifact.version).toBe(3);
  });

  it('discounts the scalar by the transfer time of a handoff', async () => {
    const wf = { ...pair(), transferTime: 2 };
    const headA = new ScriptedHead(['handoff:b'], 0);
    const runtime = new InProcessRuntime({ workflow: wf, heads: { a: headA, b: new ScriptedHead(['submit'], 5) } });
    await runtime.runEpisode({ seed: 1, input: { n: 0 } });
    expect(headA.learned[0]?.target).toBeCloseTo((-0.2 + 0.9 * 5) * 0.81, 12);
  });

  it('emits exactly one scalar-return per handoff, from receiver to sender', async () => {
    const events: BatonEvent[] = [];
    const runtime = new InProcessRuntime({
      workflow: pair(),
      heads: { a: new ScriptedHead(['handoff:b']), b: new ScriptedHead(['handoff:a', 'submit']) },
      sinks: [(e) => void events.push(e)],
    });
    await runtime.runEpisode({ seed: 3, input: { n: 0 } });
    const handoffs = events.filter((e) => e.type === 'handoff');
    const scalars = events.filter((e) => e.type === 'scalar-return');
    expect(handoffs).toHaveLength(2);
    expect(scalars.map((s) => [s.from, s.to])).toEqual([
      ['b', 'a'],
      ['a', 'b'],
    ]);
    expect(events[0]?.type).toBe('episode-start');
    expect(events.at(-1)?.type).toBe('episode-end');
  });

  it('hands every event of a long episode to sync and async sinks once each, in order', async () => {
    // 40 epochs, about 200 events: more than the runtime keeps before it empties its event array.
    const run = async (sinks: ((e: BatonEvent) => void | Promise<void>)[]) =>
      new InProcessRuntime({
        workflow: pair({ maxSteps: 40, maxHandoffs: 100 }),
        heads: { a: pingPongHead(), b: pingPongHead() },
        sinks,
      }).runEpisode({
        seed: 5,
        input: { n: 0 },
        episodeId: 'long',
      });
    const alone: BatonEvent[] = [];
    await run([(e) => void alone.push(e)]);
    expect(alone.length).toBeGreaterThan(150);
    expect(alone.filter((e) => e.type === 'handoff')).toHaveLength(39);

    const sync: BatonEvent[] = [];
    const slow: BatonEvent[] = [];
    let k = 0;
    await run([
      (e) => void sync.push(e),
      // Every third event settles later (a timer), the rest on the microtask queue.
      (e) =>
        new Promise<void>((resolve) => (k++ % 3 === 0 ? setTimeout(resolve, 0) : queueMicrotask(resolve))).then(() => void slow.push(e)),
    ]);
    expect(sync).toEqual(alone);
    expect(slow).toEqual(alone);
  });
});

describe('budgets and masking', () => {
  it('stops a ping-pong workflow at the budget with a forced submit', async () => {
    const runtime = new InProcessRuntime({
      workflow: pair({ maxSteps: 7, maxHandoffs: 100 }),
      heads: { a: pingPongHead(), b: pingPongHead() },
    });
    const result = await runtime.runEpisode({ seed: 1, input: { n: 0 } });
    expect(result.steps).toBe(7);
    expect(result.forcedSubmit).toBe(true);
    expect(result.handoffs).toBe(6);
  });

  it('masks handoffs once maxHandoffs is spent', () => {
    const runtime = new InProcessRuntime({ workflow: pair({ maxHandoffs: 1 }), heads: { a: new ScriptedHead(), b: new ScriptedHead() } });
    expect(legalActionsFor(runtime.workflow, 'a', 0)).toEqual(['continue', 'handoff:b', 'submit']);
    expect(legalActionsFor(runtime.workflow, 'a', 1)).toEqual(['continue', 'submit']);
  });

  it('rejects a head that picks an illegal action', async () => {
    const cheat = Object.assign(new ScriptedHead(), { decide: () => ({ action: 'handoff:nobody', qValues: {}, explored: false }) });
    const runtime = new InProcessRuntime({ workflow: pair(), heads: { a: cheat, b: new ScriptedHead() } });
    await expect(runtime.runEpisode({ seed: 1, input: { n: 0 } })).rejects.toThrow(EpisodeError);
  });

  it('refuses NaN rewards instead of learning from them', async () => {
    const bad = scriptedOption<Counter>({ id: 'a', work: () => ({ reward: Number.NaN }) });
    const wf = defineWorkflow<Counter>({
      name: 'nan',
      artifact: counter,
      agents: [bad],
      entry: 'a',
      successors: {},
      grader: () => 0,
      budget: { maxSteps: 3, maxHandoffs: 0 },
    });
    const head = new ScriptedHead(['submit']);
    await expect(new InProcessRuntime({ workflow: wf, heads: { a: head } }).runEpisode({ seed: 1, input: { n: 0 } })).rejects.toThrow(
      /finite/,
    );
    expect(head.learned).toHaveLength(0);
  });

  it('counts skips when a handoff jumps past an agent in the nominal order', async () => {
    const mk = (id: string) => scriptedOption<Counter>({ id, work: () => ({}) });
    const wf = defineWorkflow<Counter>({
      name: 'skip',
      artifact: counter,
      agents: [mk('a'), mk('b'), mk('c')],
      entry: 'a',
      successors: { a: ['b', 'c'], b: ['c'] },
      grader: () => 1,
      budget: { maxSteps: 5, maxHandoffs: 3 },
    });
    const result = await new InProcessRuntime({
      workflow: wf,
      heads: { a: new ScriptedHead(['handoff:c']), b: new ScriptedHead(), c: new ScriptedHead(['submit']) },
    }).runEpisode({ seed: 1, input: { n: 0 } });
    expect(result.skipped).toEqual({ b: 1 });
  });
});

describe('defineWorkflow rejects bad input with a UserError naming the field', () => {
  const a = scriptedOption<Counter>({ id: 'a', work: () => ({}) });
  const base = {
    name: 'w',
    artifact: counter,
    agents: [a],
    entry: 'a',
    successors: {},
    grader: () => 0,
    budget: { maxSteps: 3, maxHandoffs: 0 },
  };
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown successor', { successors: { a: ['ghost'] } }, 'successors.a[0]'],
    ['no entry', { entry: '' }, 'entry'],
    ['unknown entry', { entry: 'ghost' }, 'entry'],
    ['negative budget', { budget: { maxSteps: -1, maxHandoffs: 0 } }, 'budget.maxSteps'],
    ['missing budget', { budget: undefined }, 'budget'],
    ['missing maxHandoffs', { budget: { maxSteps: 3 } }, 'budget.maxHandoffs'],
    ['no path to submit', { agents: [{ ...a, canSubmit: false }] }, 'successors'],
  ];
  it.each(cases)('%s', (_name, patch, field) => {
    let caught: unknown;
    try {
      defineWorkflow({ ...base, ...patch });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).field).toBe(field);
  });
});

describe('InProcessRuntime: masking from the artifact', () => {
  it('offers only what an agent mask leaves, and submit when it leaves nothing', async () => {
    const base = pair();
    const offered: (readonly Action[])[] = [];
    const masked = base.agents.map((agent) => ({
      ...agent,
      mask: (x: { value: Counter }, legal: readonly Action[]) => (x.value.n >= 11 ? [] : legal.filter((a) => a !== 'continue')),
    }));
    const wf = defineWorkflow<Counter>({ ...base, agents: masked });
    const spy = (inner: ScriptedHead) => ({
      kind: inner.kind,
      decide: (view: Parameters<ScriptedHead['decide']>[0], legal: readonly Action[], ctx: Parameters<ScriptedHead['decide']>[2]) => {
        offered.push(legal);
        return inner.decide(view, legal, ctx);
      },
      value: () => 0,
      learn: () => undefined,
      toJSON: () => null,
    });
    const runtime = new InProcessRuntime({
      workflow: wf,
      heads: { a: spy(new ScriptedHead(['continue', 'handoff:b'])), b: spy(new ScriptedHead(['handoff:a'])) },
    });
    const result = await runtime.runEpisode({ seed: 1, input: { n: 0 } });
    // a (n=1): continue masked, so it hands to b; b (n=11): the mask leaves nothing, so submit is the only action.
    expect(offered).toEqual([['handoff:b', 'submit'], ['submit']]);
    expect(result.path).toEqual(['a', 'b']);
    expect(result.terminalReward).toBe(11);
  });
});

describe('InProcessRuntime: cancellation', () => {
  it("hands the episode's AbortSignal to work and stops at the next epoch once it is aborted", async () => {
    const controller = new AbortController();
    const seen: (AbortSignal | undefined)[] = [];
    const a = scriptedOption<Counter>({
      id: 'a',
      work: (x, ctx) => {
        seen.push(ctx.signal);
        if (x.value.n === 1) controller.abort();
        return { value: { n: x.value.n + 1 } };
      },
      project: (x) => ({ n: x.value.n }),
    });
    const wf = defineWorkflow<Counter>({
      name: 'cancel',
      artifact: counter,
      agents: [a],
      entry: 'a',
      successors: { a: [] },
      grader: () => 1,
      budget: { maxSteps: 10, maxHandoffs: 0 },
    });
    const runtime = new InProcessRuntime({ workflow: wf, heads: { a: new ScriptedHead(['continue', 'continue', 'continue']) } });
    await expect(runtime.runEpisode({ seed: 1, input: { n: 0 }, signal: controller.signal })).rejects.toMatchObject({
      code: 'episode.aborted',
    });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(controller.signal);
    await runtime.close();
  });
});

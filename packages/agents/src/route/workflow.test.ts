import { describe, expect, it } from 'vitest';
import { InProcessRuntime, Rng, SUBMIT, handoff, type HandoffHead } from '@baton/core';
import {
  bestModel,
  DISPATCHER,
  evaluateRoute,
  paretoModels,
  recordedRouteWorkflow,
  routeInput,
  trainRoute,
  type RecordedPrompt,
  type RecordedTask,
} from '@baton/agents/route';

const OPTIONS = ['A', 'B', 'C', 'D'];

/**
 * Two cheap models that are right 80 % of the time, independently, and always answer something; when both are wrong
 * they name different wrong letters. An expert is always right at 10x their cost. So "cheap, second cheap, expert
 * only when they disagree" is right ~96 % of the time for ~40 % of the expert's cost.
 */
function agreementTask(n: number, seed: number): RecordedTask {
  const rng = new Rng(seed);
  const prompts: RecordedPrompt[] = [];
  for (let i = 0; i < n; i++) {
    const gold = OPTIONS[rng.int(4)] as string;
    const wrong = OPTIONS.filter((o) => o !== gold);
    const a = rng.next() < 0.8 ? gold : (wrong[0] as string);
    const b = rng.next() < 0.8 ? gold : (wrong[1] as string);
    const question = `Question ${i}?\nA) one\nB) two\nC) three\nD) four\nAnswer:`;
    prompts.push({
      id: `q${i}`,
      prompt: question,
      drafts: {
        cheapA: { text: a, score: a === gold ? 1 : 0, costUsd: 0.001 },
        cheapB: { text: `The answer is ${b}`, score: b === gold ? 1 : 0, costUsd: 0.001 },
        expert: { text: gold, score: 1, costUsd: 0.01 },
      },
    });
  }
  return { name: 'fixture', kind: 'choice', models: ['cheapA', 'cheapB', 'expert'], prompts, source: 'memory' };
}

/** Takes `prefer` when it is legal, else the first legal action (submit, when the mask left only that). */
function scripted(prefer: string): HandoffHead {
  return {
    kind: 'scripted',
    decide: (_view, legal) => ({ action: (legal.find((a) => a === prefer) ?? legal[0]) as never, qValues: {}, explored: false }),
    value: () => 0,
    learn: () => undefined,
    toJSON: () => ({}),
  };
}

describe('the route workflow', () => {
  const task = agreementTask(20, 1);

  it('masks handoffs to models that drafted and grades the submitter\u2019s own draft', async () => {
    const wf = recordedRouteWorkflow(task, { lambda: 0.5, costScale: 0.01, maxDrafts: 3 });
    const heads: Record<string, HandoffHead> = {
      [DISPATCHER]: scripted(handoff('cheapA')),
      cheapA: scripted(handoff('cheapB')),
      cheapB: scripted(handoff('expert')),
      expert: scripted(handoff('cheapA')), // cheapA has drafted: masked, and maxDrafts leaves only submit
    };
    const runtime = new InProcessRuntime({ workflow: wf, heads });
    const p = task.prompts[0] as RecordedPrompt;
    const r = await runtime.runEpisode({ seed: 1, input: routeInput(p.prompt, p.id), learn: false });
    expect(r.path).toEqual([DISPATCHER, 'cheapA', 'cheapB', 'expert']);
    expect(r.submitter).toBe('expert');
    expect(r.terminalReward).toBe(1);
    expect(r.costUsd).toBeCloseTo(0.012, 10);
    // reward: R - lambda x dollars / costScale = 1 - 0.5 x 1.2
    expect(r.return).toBeCloseTo(1 - 0.5 * 1.2, 10);
    expect(r.artifact.value.drafts.map((d) => d.answer)).toEqual([
      p.drafts.cheapA?.text,
      /([ABCD])$/.exec(p.drafts.cheapB?.text ?? '')?.[1],
      p.drafts.expert?.text,
    ]);
  });

  it('offers only submit after maxDrafts drafts', async () => {
    const wf = recordedRouteWorkflow(task, { lambda: 0, costScale: 0.01, maxDrafts: 1 });
    const seen: string[][] = [];
    const spy: HandoffHead = {
      kind: 'spy',
      decide: (_v, legal) => {
        seen.push([...legal]);
        return { action: legal[0] as never, qValues: {}, explored: false };
      },
      value: () => 0,
      learn: () => undefined,
      toJSON: () => ({}),
    };
    const runtime = new InProcessRuntime({ workflow: wf, heads: { [DISPATCHER]: spy, cheapA: spy, cheapB: spy, expert: spy } });
    const p = task.prompts[0] as RecordedPrompt;
    await runtime.runEpisode({ seed: 1, input: routeInput(p.prompt, p.id), learn: false });
    expect(seen[0]).toEqual(['handoff:cheapA', 'handoff:cheapB', 'handoff:expert']);
    expect(seen[1]).toEqual([SUBMIT]);
  });

  it('keeps the non-dominated models, cheapest first', () => {
    const dominated: RecordedTask = {
      ...task,
      models: [...task.models, 'pricey'],
      prompts: task.prompts.map((p) => ({ ...p, drafts: { ...p.drafts, pricey: { text: 'A', score: 0, costUsd: 0.02 } } })),
    };
    expect(paretoModels(dominated)).toEqual(paretoModels(task));
    expect(paretoModels(task)[paretoModels(task).length - 1]).toBe('expert');
    expect(paretoModels(dominated)).not.toContain('pricey');
    expect(bestModel(task)).toBe('expert');
  });
});

describe('learned handoffs on recorded drafts', () => {
  it('IC-Q learns to ask a second cheap model and escalate only on disagreement', async () => {
    const train = agreementTask(400, 2);
    const test = agreementTask(400, 3);
    const trained = await trainRoute(train, { lambda: 0.3, seed: 5, pool: 'all' });
    const score = await evaluateRoute(test, trained);
    // The expert alone: accuracy 1 at share 1 (value 0.7); a cheap model alone: 0.8 at 0.1 (0.77);
    // cheap + cheap + expert on disagreement: ~0.96 at ~0.52 (~0.80).
    const share = score.costUsd / 0.01;
    expect(score.accuracy - 0.3 * share).toBeGreaterThan(0.78);
    expect(score.accuracy).toBeGreaterThan(0.92);
    expect(share).toBeLessThan(0.7);
  }, 60_000);

  it('pays for the expert when dollars barely count and stays cheap when they dominate', async () => {
    const train = agreementTask(300, 4);
    const cheap = await evaluateRoute(train, await trainRoute(train, { lambda: 5, seed: 1, pool: 'all' }));
    expect(cheap.costUsd).toBeLessThanOrEqual(0.0011);
    const rich = await evaluateRoute(train, await trainRoute(train, { lambda: 0.001, seed: 1, pool: 'all' }));
    expect(rich.accuracy).toBeGreaterThan(0.97);
  }, 60_000);
});

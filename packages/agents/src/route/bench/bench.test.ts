import { describe, expect, it } from 'vitest';
import type { RecordedTask } from '@baton/agents/route';
import {
  agreementPlanner,
  allCascades,
  bestFixedCascade,
  hindsightAgreement,
  runAgreementPolicy,
  solveAgreementPolicy,
  defaultRouteMethods,
  oracle,
  perfectChecker,
  routePlotSvg,
  runRouteBench,
  taskTable,
  type RouteMethod,
} from '@baton/agents/route-bench';

const LETTERS = ['A', 'B', 'C', 'D'];
const COST: Record<string, number> = { a: 0.001, b: 0.001, c: 0.0005, x: 0.01 };

/**
 * A planted multiple-choice task. a is wrong on i%4==0, b on i%4==1 (different wrong letters), c always wrong with a
 * third letter, x never wrong. So a and b agree exactly when both are right, and the cheapest perfect fixed rule is
 * "a and b agree, else x" (cost .002 + .5 x .01 = .007), beating x alone (.01).
 */
function planted(n: number, name = 'planted'): RecordedTask {
  const prompts = Array.from({ length: n }, (_, i) => {
    const truth = i % 4;
    const letter = (k: number) => LETTERS[(truth + k) % 4] as string;
    const says: Record<string, string> = {
      a: i % 4 === 0 ? letter(1) : letter(0),
      b: i % 4 === 1 ? letter(2) : letter(0),
      c: letter(3),
      x: letter(0),
    };
    const drafts = Object.fromEntries(
      Object.entries(says).map(([m, s]) => [m, { text: `The answer is ${s}`, score: s === letter(0) ? 1 : 0, costUsd: COST[m] as number }]),
    );
    return { id: `${name}-${i}`, prompt: `Question ${i}?\nA) one\nB) two\nC) three\nD) four\nAnswer:`, drafts };
  });
  return { name, kind: 'choice', models: ['a', 'b', 'c', 'x'], prompts, source: `${name}.csv` };
}

describe('answer table', () => {
  it('reads each draft once: answer ids shared by equal answers, scores and costs', () => {
    const t = taskTable(planted(8));
    expect(t.n).toBe(8);
    expect(t.m).toBe(4);
    // Prompt 2: a, b and x right -> one id, c's wrong letter another; prompt 1: b (wrong) has its own id.
    expect([...t.answer.slice(2 * 4, 3 * 4)]).toEqual([0, 0, 1, 0]);
    expect(t.answer[1 * 4 + 1]).not.toBe(t.answer[1 * 4 + 0]);
    expect(t.meanCost[3]).toBeCloseTo(0.01, 12);
    expect(taskTable(planted(8))).not.toBe(t);
  });
});

describe('best fixed cascade', () => {
  const task = planted(40);

  it('scores every cascade by its rule', () => {
    const byLabel = new Map(allCascades(task, task).map((c) => [c.label, c]));
    expect(byLabel.get('a+b>x')?.train).toEqual({ accuracy: 1, costUsd: expect.closeTo(0.007, 12) });
    expect(byLabel.get('a?>x')?.train.accuracy).toBeCloseTo(0.75, 12);
    expect(byLabel.get('x')?.train).toEqual({ accuracy: 1, costUsd: expect.closeTo(0.01, 12) });
    // 4 single + 4x3 one-drafter + 12x2 pairs + 24x1 triples.
    expect(byLabel.size).toBe(4 + 12 + 24 + 24);
  });

  it('finds the planted best cascade on the train frontier', async () => {
    const front = await bestFixedCascade().points(task, task, 1);
    const top = front[front.length - 1];
    expect(top?.train.accuracy).toBe(1);
    expect(top?.train.costUsd).toBeCloseTo(0.007, 12);
    expect(['a+b>x', 'b+a>x']).toContain(top?.label);
  });

  it('has ceilings above it', async () => {
    const [checker] = await perfectChecker.points(task, task, 1);
    const [best] = await oracle.points(task, task, 1);
    expect(checker?.train.accuracy).toBe(1);
    expect(best?.train).toEqual({ accuracy: 1, costUsd: expect.closeTo(0.001, 12) });
    expect(checker?.train.costUsd).toBeCloseTo(0.0005 + 0.001 + 0.25 * 0.001, 12);
  });
});

describe('agreement planner', () => {
  const task = planted(40);

  it('solves the planted rule by dynamic programming over agreement states', () => {
    const t = taskTable(task);
    // lambda 0.1 per x-cost: a+b>x is worth 1 - 0.07, x alone 0.9, a alone 0.74.
    const policy = solveAgreementPolicy(t, 0.1, 0.01);
    expect(runAgreementPolicy(t, t, policy, 3)).toEqual({ accuracy: 1, costUsd: expect.closeTo(0.007, 12) });
    // From the empty state it calls a or b; when they disagree it calls x and submits x's draft.
    const first = policy.get('|');
    expect(first).toEqual(expect.objectContaining({ call: expect.any(Number) }));
    expect(policy.get('0,1|0,1')).toEqual({ call: 3 });
    expect(policy.get('0,1,3|0,1,1')).toEqual({ submit: expect.any(Number) });
    // Free calls: still no wrong submit; prohibitive calls: the one cheapest call (c, always wrong) and submit it.
    expect(runAgreementPolicy(t, t, solveAgreementPolicy(t, 0, 0.01), 3).accuracy).toBe(1);
    expect(runAgreementPolicy(t, t, solveAgreementPolicy(t, 100, 0.01), 3)).toEqual({ accuracy: 0, costUsd: expect.closeTo(0.0005, 12) });
  });

  it('falls back to the best model on states it never saw', () => {
    const t = taskTable(task);
    const policy = new Map([['|', { call: 0 } as const]]);
    // After a's draft the state "0|0" is unknown: call x (column 3), then submit the most accurate drafted model (x).
    expect(runAgreementPolicy(t, t, policy, 3)).toEqual({ accuracy: 1, costUsd: expect.closeTo(0.011, 12) });
  });

  it('is a train-chosen baseline; its hindsight twin is solved on test', async () => {
    const train = planted(40, 'train');
    const test = planted(8, 'test');
    const planner = await agreementPlanner().points(train, test, 1);
    expect(Math.max(...planner.map((p) => p.test.accuracy))).toBe(1);
    const ceiling = await hindsightAgreement().points(train, test, 1);
    for (const p of ceiling) expect(p.train.accuracy).toBe(p.test.accuracy);
  });
});

describe('runRouteBench', () => {
  const train = planted(40, 'train');
  const test = planted(24, 'test');
  // A stand-in learned method: the planted cascade's policy with seed noise on test accuracy.
  const icq: RouteMethod = {
    name: 'icq',
    description: 'stand-in',
    points: (_tr, _te, seed) => [
      { label: 'cheap', train: { accuracy: 0.75, costUsd: 0.001 }, test: { accuracy: 0.75, costUsd: 0.001 } },
      { label: 'good', train: { accuracy: 1, costUsd: 0.004 }, test: { accuracy: 0.99 + seed * 0.001, costUsd: 0.004 } },
    ],
  };

  it('reports every method on test with budgets, AIQ, CIs over seeds and a verdict', async () => {
    const progress: number[] = [];
    const methods = defaultRouteMethods(train, [icq]);
    const r = await runRouteBench({ train, test }, methods, { seeds: [1, 2, 3, 4, 5], onProgress: (d) => progress.push(d) });
    expect(r.split).toBe('test');
    expect(r.seeds).toBe(5);
    expect(r.bestModel).toBe('x');
    expect(progress[progress.length - 1]).toBe(5 * methods.length);
    const names = r.methods.map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining(['single:a', 'random', 'best-fixed-cascade', 'knn-router', 'supervised-verifier', 'icq', 'oracle']),
    );
    const fixed = r.methods.find((m) => m.name === 'best-fixed-cascade');
    expect(Object.keys(fixed?.accAtBudget ?? {}).sort()).toEqual(['0.1', '0.25', '0.5', '1']);
    // Below 70 % of x's cost the planted cascade does not fit (a mix with a cheaper rule); at 100 % it does.
    expect(fixed?.accAtBudget['0.5']).toBeGreaterThan(0.75);
    expect(fixed?.accAtBudget['0.5']).toBeLessThan(1);
    expect(fixed?.accAtBudget['1']).toBe(1);
    expect(fixed?.accAtBudgetCi['1']).toEqual([1, 1]);
    expect(fixed?.costShareToBest).toBeCloseTo(0.7, 9);
    expect(r.methods.find((m) => m.name === 'single:a')?.costShareToBest).toBeNull();
    const learned = r.methods.find((m) => m.name === 'icq');
    expect(learned?.aiqCi?.[1]).toBeGreaterThan(learned?.aiqCi?.[0] ?? Infinity);
    expect(r.verdict).toMatch(/icq vs best-fixed-cascade: /);
    expect(r.verdict).toMatch(/icq vs independent-mc: not in this run/);
    // The planted task's agreement ceiling is perfect at 100 %: the stand-in is 0.7-1.1 points below it there.
    expect(r.verdict).toMatch(
      /ceiling from agreement alone \(hindsight-agreement.*acc@100% 100\.0%.*icq is below it by AIQ -?\d\.\d{3}.*acc@100% [01]\.\d pts/,
    );
    expect(names).toEqual(expect.arrayContaining(['agreement-planner', 'hindsight-agreement']));
    const svg = routePlotSvg(r);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('best-fixed-cascade');
  });
});

import { Rng, type Action, type InterfaceView } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { LinearIcqHead, withActionOffsets } from '@baton/learner';

const view = (x: number): InterfaceView => ({ projection: { x }, privateState: {} });
const actions: Action[] = ['submit', 'handoff:b'];

describe('LinearIcqHead', () => {
  it('fits targets that are linear in the features and acts greedily on them', () => {
    const head = new LinearIcqHead({ actions, projectionKeys: ['x'], targetSyncEvery: 50 });
    const rng = new Rng(3);
    for (let i = 0; i < 4000; i++) {
      const x = rng.next();
      head.learn({ view: view(x), action: 'submit', target: x, legal: actions });
      head.learn({ view: view(x), action: 'handoff:b', target: 0.5, legal: actions });
    }
    expect(head.q(view(0.9), 'submit')).toBeCloseTo(0.9, 1);
    expect(head.decide(view(0.9), actions, { rng, explore: false }).action).toBe('submit');
    expect(head.decide(view(0.1), actions, { rng, explore: false }).action).toBe('handoff:b');
    // value() answers from the target copy, over the legal set only.
    expect(head.value(view(0.9), ['handoff:b'])).toBeCloseTo(0.5, 1);
  });

  it('RLS fits the same targets exactly and keeps its precision across JSON', () => {
    const head = new LinearIcqHead({ actions, projectionKeys: ['x'], optimizer: 'rls', rls: { forgetting: 1, ridge: 1e-6 } });
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const x = rng.next();
      head.learn({ view: view(x), action: 'submit', target: 2 * x - 1, legal: actions });
    }
    expect(head.q(view(0.25), 'submit')).toBeCloseTo(-0.5, 4);
    const copy = LinearIcqHead.fromJSON(JSON.parse(JSON.stringify(head.toJSON())));
    copy.learn({ view: view(1), action: 'submit', target: 1, legal: actions });
    expect(copy.q(view(0.25), 'submit')).toBeCloseTo(-0.5, 4);
  });

  it('RLS with growth settles on the mean of noisy targets where a fixed forgetting keeps tracking the last ones', () => {
    const rls = (growth?: number) =>
      new LinearIcqHead({
        actions,
        projectionKeys: [],
        optimizer: 'rls',
        rls: { forgetting: 0.99, ridge: 1, ...(growth ? { growth } : {}) },
      });
    const [fixed, growing] = [rls(), rls(2)];
    const rng = new Rng(9);
    const misses = { fixed: 0, growing: 0 };
    for (let i = 1; i <= 20_000; i++) {
      const target = rng.next() < 0.5 ? 0 : 1;
      for (const head of [fixed, growing]) head.learn({ view: view(0), action: 'submit', target, legal: actions });
      if (i > 10_000) {
        misses.fixed = Math.max(misses.fixed, Math.abs(fixed.q(view(0), 'submit') - 0.5));
        misses.growing = Math.max(misses.growing, Math.abs(growing.q(view(0), 'submit') - 0.5));
      }
    }
    // A memory of ~100 targets wanders by several standard errors of 0.05; one of ~n/3 stays within 0.02.
    expect(misses.fixed).toBeGreaterThan(0.08);
    expect(misses.growing).toBeLessThan(0.02);
    const copy = LinearIcqHead.fromJSON(JSON.parse(JSON.stringify(growing.toJSON())));
    expect(copy.toJSON().rls).toEqual({ forgetting: 0.99, ridge: 1, growth: 2 });
    expect(() => rls(-1)).toThrow(/rls\.growth|> 0/);
  });

  it('masks illegal actions, explores only when asked, and survives a JSON round trip', () => {
    const head = new LinearIcqHead({ actions, projectionKeys: ['x'], epsilon: { start: 1, decay: 1, min: 1 } });
    head.learn({ view: view(1), action: 'handoff:b', target: 5, legal: actions });
    const rng = new Rng(1);
    for (let i = 0; i < 20; i++) expect(head.decide(view(1), ['submit'], { rng, explore: true }).action).toBe('submit');
    const copy = LinearIcqHead.fromJSON(JSON.parse(JSON.stringify(head.toJSON())));
    expect(copy.q(view(1), 'handoff:b')).toBe(head.q(view(1), 'handoff:b'));
    expect(() => LinearIcqHead.fromJSON({ kind: 'icq-linear' })).toThrow();
    expect(() => head.learn({ view: view(1), action: 'submit', target: Number.NaN, legal: actions })).toThrow();
  });

  it('a decision-time offset lowers one action', () => {
    const head = new LinearIcqHead({ actions, projectionKeys: ['x'] });
    head.learn({ view: view(0), action: 'handoff:b', target: 1, legal: actions });
    const rng = new Rng(1);
    expect(head.decide(view(0), actions, { rng, explore: false }).action).toBe('handoff:b');
    expect(withActionOffsets(head, { 'handoff:b': 10 }).decide(view(0), actions, { rng, explore: true }).action).toBe('submit');
  });
});

import { describe, expect, it } from 'vitest';
import { Rng, type Action, type BatonEvent } from '@baton/core';
import { LinearIcqHead, RandomHead } from '@baton/learner';
import { explainDecision, MAX_DRIVERS } from '@baton/playground';

const legal: Action[] = ['submit', 'handoff:strong'];

function decision(head: LinearIcqHead | RandomHead, projection: Record<string, number>): Extract<BatonEvent, { type: 'decision' }> {
  const view = { projection, privateState: {} };
  const d = head.decide(view, legal, { rng: new Rng(1), explore: false });
  return {
    type: 'decision',
    episodeId: 'e',
    time: 0,
    agent: 'weak',
    view,
    legal,
    qValues: d.qValues,
    action: d.action,
    explored: false,
    artifactHash: 'h',
  };
}

describe('explaining a decision', () => {
  // A head that has learned: hasAnswer argues for submitting, arithmeticFailed for escalating.
  const keys = ['hasAnswer', 'arithmeticFailed', 'length', 'qLength', 'steps'];
  const head = new LinearIcqHead({ actions: legal, projectionKeys: keys, optimizer: 'rls' });
  const rng = new Rng(3);
  for (let i = 0; i < 400; i++) {
    const x = Object.fromEntries(keys.map((k) => [k, rng.next()]));
    const view = { projection: x, privateState: {} };
    head.learn({
      view,
      action: 'submit',
      target: 0.8 * (x['hasAnswer'] ?? 0) - 0.5 * (x['arithmeticFailed'] ?? 0) + 0.05 * (x['length'] ?? 0),
      legal,
    });
    head.learn({ view, action: 'handoff:strong', target: 0.4 + 0.1 * (x['qLength'] ?? 0), legal });
  }

  it('lists the features that moved the margin most, each effect exactly its term in the linear Q difference', () => {
    const e = decision(head, { hasAnswer: 1, arithmeticFailed: 0.67, length: 0.2, qLength: 0.5, steps: 0.3 });
    const insight = explainDecision(head, e);
    expect(insight.q.map((x) => x.action)).toEqual(legal);
    const preferred = insight.preferred as Action;
    const other = legal.find((a) => a !== preferred) as Action;
    expect(insight.drivers.length).toBe(MAX_DRIVERS);
    expect(insight.drivers.map((d) => d.feature).slice(0, 2)).toEqual(['hasAnswer', 'arithmeticFailed']);
    const term = (k: string) => ((head.weightsFor(preferred)[k] ?? 0) - (head.weightsFor(other)[k] ?? 0)) * (e.view.projection[k] ?? 0);
    for (const d of insight.drivers) expect(d.effect).toBeCloseTo(term(d.feature), 5); // features pass through a Float32Array
    // Largest first; hasAnswer argues for the preferred action (submit), a failed check against it.
    expect(preferred).toBe('submit');
    expect(insight.drivers[0]?.effect).toBeGreaterThan(0);
    expect(insight.drivers[1]?.effect).toBeLessThan(0);
    expect(insight.features).toBe(5);
  });

  it('zero-valued features and heads without Q-values explain nothing', () => {
    expect(explainDecision(head, decision(head, { hasAnswer: 0, arithmeticFailed: 0, length: 0, qLength: 0, steps: 0 })).drivers).toEqual(
      [],
    );
    const random = new RandomHead();
    const insight = explainDecision(random, decision(random, { hasAnswer: 1 }));
    expect(insight).toMatchObject({ q: [], drivers: [] });
    expect(insight.preferred).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { Rng, type InterfaceView } from '@baton/core';
import { GatedHead, LinearIcqHead, LinearMonteCarloHead } from '@baton/learner';

const view = (position: number, x: number): InterfaceView => ({ projection: { position, x }, privateState: {} });
const config = { actions: ['submit', 'handoff:b'] as const, projectionKeys: ['position', 'x'], optimizer: 'rls' as const };

describe('GatedHead', () => {
  it('keeps one sub-head per gate value and learns each from its own views', () => {
    const head = new GatedHead('position', () => new LinearIcqHead({ ...config, actions: [...config.actions], targetSyncEvery: 1 }));
    for (let i = 0; i < 50; i++) {
      head.learn({ view: view(1, 1), action: 'submit', target: 1, legal: ['submit', 'handoff:b'] });
      head.learn({ view: view(2, 1), action: 'submit', target: -1, legal: ['submit', 'handoff:b'] });
    }
    expect(head.value(view(1, 1), ['submit'])).toBeGreaterThan(0.9);
    expect(head.value(view(2, 1), ['submit'])).toBeLessThan(-0.9);
    const copy = GatedHead.fromJSON(
      JSON.parse(JSON.stringify(head.toJSON())),
      (s) => LinearIcqHead.fromJSON(s),
      () => {
        throw new Error('every gate value is in the snapshot');
      },
    );
    expect(copy.value(view(2, 1), ['submit'])).toBeCloseTo(head.value(view(2, 1), ['submit']), 12);
    expect(() => head.value({ projection: { x: 1 }, privateState: {} }, ['submit'])).toThrow(/gate feature "position"/);
  });
});

describe('LinearMonteCarloHead', () => {
  it('ignores bootstrap targets, learns returns-to-go and sends no scalar', () => {
    const head = new LinearMonteCarloHead({ ...config, actions: [...config.actions] });
    head.learn({ view: view(1, 1), action: 'submit', target: 100, legal: ['submit'] });
    const before = head.decide(view(1, 1), ['submit', 'handoff:b'], { rng: new Rng(1), explore: false }).qValues.submit;
    expect(before).toBe(0);
    for (let i = 0; i < 30; i++)
      head.endEpisode([{ view: view(1, 1), action: 'handoff:b', legal: ['submit', 'handoff:b'], returnToGo: 0.5 }]);
    const q = head.decide(view(1, 1), ['submit', 'handoff:b'], { rng: new Rng(1), explore: false });
    expect(q.action).toBe('handoff:b');
    expect(q.qValues['handoff:b']).toBeCloseTo(0.5, 1);
    expect(head.value(view(1, 1), ['submit', 'handoff:b'])).toBe(0); // no scalar
    const copy = LinearMonteCarloHead.fromJSON(JSON.parse(JSON.stringify(head.toJSON())));
    expect(copy.decide(view(1, 1), ['submit', 'handoff:b'], { rng: new Rng(1), explore: false }).qValues).toEqual(q.qValues);
  });
});

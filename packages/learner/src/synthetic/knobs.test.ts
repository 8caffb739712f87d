import { describe, expect, it } from 'vitest';
import { differenceCi95, runKnob } from '@baton/learner';

describe('knob sweeps as data', () => {
  it('runs the chain knob: every method per point, exact random floor, IC-Q vs MC comparison, errors inside the span', async () => {
    const result = await runKnob('chain', { values: [2, 3], seeds: 2, episodes: 250 });
    expect(result.points.map((p) => p.value)).toEqual([2, 3]);
    expect(result.comparisons.map((c) => c.value)).toEqual([2, 3]);
    for (const p of result.points) {
      expect(p.methods.map((m) => m.name)).toEqual(['icq-tabular', 'independent-mc', 'ucb-bandit', 'centralized-oracle', 'random']);
      expect(p.methods.find((m) => m.name === 'random')).toMatchObject({ normalizedReturn: 0, ciOver: 'exact' });
      expect(p.samples).toHaveLength(1);
      expect(p.error).toBeGreaterThanOrEqual(0);
      expect(p.withinSpan).toBe(true);
    }
  });

  it('gives a Welch CI for a difference of means', () => {
    // Two samples of 4 with variance 1/3 each: se = sqrt(1/12 + 1/12); t(3) = 3.182.
    expect(differenceCi95([0, 0, 1, 1], [1, 1, 2, 2])).toBeCloseTo(3.182 * Math.sqrt(1 / 3 / 4 + 1 / 3 / 4), 9);
    expect(differenceCi95([1], [2, 3])).toBe(0);
  });
});

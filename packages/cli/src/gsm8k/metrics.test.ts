import { describe, expect, it } from 'vitest';
import { curveFromScores, decileThresholds, interp, routingMetrics } from './metrics.ts';

describe('RouteLLM metrics', () => {
  it('CPT and APGR on a hand-computable curve', () => {
    // weak 0.6, strong 0.8; accuracy rises 0.6 -> 0.8 over the first half of strong calls, then stays.
    const curve = Array.from({ length: 11 }, (_, i) => ({ strongShare: i / 10, accuracy: 0.6 + 0.2 * Math.min(1, i / 5) }));
    const m = routingMetrics(curve, 0.6, 0.8);
    expect(m.cpt50).toBeCloseTo(0.25, 10);
    expect(m.cpt80).toBeCloseTo(0.4, 10);
    // PGR area: triangle 0.5 * 0.5 + rectangle 0.5 = 0.75.
    expect(m.apgr).toBeCloseTo(0.75, 10);
  });

  it('a straight line (random router) gives APGR 0.5', () => {
    const curve = Array.from({ length: 11 }, (_, i) => ({ strongShare: i / 10, accuracy: 0.5 + 0.3 * (i / 10) }));
    expect(routingMetrics(curve, 0.5, 0.8).apgr).toBeCloseTo(0.5, 10);
  });

  it('qcut thresholds give 11 points from all-strong to none', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i);
    expect(decileThresholds(scores)).toHaveLength(11);
    const curve = curveFromScores(
      scores,
      scores.map(() => 0),
      scores.map(() => 1),
    );
    expect(curve.map((p) => p.strongShare)).toEqual([1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0]);
    expect(interp(5, [0, 10], [0, 1])).toBe(0.5);
  });
});

import { describe, expect, it } from 'vitest';
import {
  aiq,
  chooseAtBudget,
  costToReach,
  frontier,
  meanCi,
  routerbenchHull,
  trainFrontier,
  type CurvePoint,
} from '@baton/agents/route-bench';

const pts = (xs: [number, number][]) => xs.map(([cost, accuracy]) => ({ cost, accuracy }));
const point = (label: string, train: [number, number], test: [number, number]): CurvePoint => ({
  label,
  train: { costUsd: train[0], accuracy: train[1] },
  test: { costUsd: test[0], accuracy: test[1] },
});

describe('frontier', () => {
  it('keeps the concave, increasing upper-left hull, cheapest first', () => {
    // (2, .55) lies under the chord (1, .5) -> (3, .7); (4, .6) is dearer and worse than (3, .7); (1, .4) ties on cost.
    const p = pts([
      [3, 0.7],
      [1, 0.5],
      [2, 0.55],
      [4, 0.6],
      [1, 0.4],
      [5, 0.8],
    ]);
    expect(frontier(p).map((i) => p[i])).toEqual(
      pts([
        [1, 0.5],
        [3, 0.7],
        [5, 0.8],
      ]),
    );
  });
});

describe("RouterBench's hull and AIQ (AIQ.py)", () => {
  it('lifts interior points to the highest chord and stops at the peak', () => {
    // x=2: max(.6, chord 1->3 .575, chord 1->4 .54) = .6; x=3: max(.65, .58, .61) = .65; the last point (4, .62) is
    // below the last lifted point, so it is left out.
    expect(
      routerbenchHull(
        pts([
          [4, 0.62],
          [1, 0.5],
          [3, 0.65],
          [2, 0.6],
        ]),
      ),
    ).toEqual(
      pts([
        [1, 0.5],
        [2, 0.6],
        [3, 0.65],
      ]),
    );
  });

  it('drops, in one pass, each point lower than its predecessor', () => {
    // x=2 is lifted to the chord 1->3 (.7), which is below the first point: dropped; (3, .6) is below .7: left out.
    expect(
      routerbenchHull(
        pts([
          [1, 0.8],
          [2, 0.5],
          [3, 0.6],
        ]),
      ),
    ).toEqual(pts([[1, 0.8]]));
  });

  it('integrates each hull from its own cheapest point to the largest cost of the set, over that cost', () => {
    const a = pts([
      [4, 0.62],
      [1, 0.5],
      [3, 0.65],
      [2, 0.6],
    ]);
    // Alone: X = 3, area = (.5 + .6) / 2 + (.6 + .65) / 2 = 1.175.
    expect(aiq([a])[0]).toBeCloseTo(1.175 / 3, 12);
    // With a one-point curve at (0.5, .7): X stays 3; that curve is flat from 0.5 to 3.
    const [ra, rb] = aiq([a, pts([[0.5, 0.7]])]);
    expect(ra).toBeCloseTo(1.175 / 3, 12);
    expect(rb).toBeCloseTo((2.5 * 0.7) / 3, 12);
    // Scale-free: dollars per prompt or totals give the same AIQ.
    expect(aiq([a.map((p) => ({ ...p, cost: p.cost * 1000 }))])[0]).toBeCloseTo(1.175 / 3, 12);
  });

  it('extends a shorter hull flat to the largest cost of the set', () => {
    const [short, long] = aiq([
      pts([
        [1, 0.5],
        [2, 0.9],
      ]),
      pts([
        [1, 0.4],
        [4, 0.95],
      ]),
    ]);
    expect(short).toBeCloseTo((0.7 + 2 * 0.9) / 4, 12);
    expect(long).toBeCloseTo((3 * 0.675) / 4, 12);
  });
});

describe('budget choice on train', () => {
  const front = trainFrontier([
    point('cheap', [1, 0.6], [1, 0.62]),
    point('mid', [2, 0.8], [2, 0.7]),
    point('dear', [4, 0.9], [4, 0.95]),
    // Better on test than "mid" at the same cost but worse on train: never chosen.
    point('test-lucky', [2, 0.7], [2, 0.99]),
  ]);

  it('chooses on train and reports the mix on test', () => {
    expect(front.map((p) => p.label)).toEqual(['cheap', 'mid', 'dear']);
    expect(chooseAtBudget(front, 0.5)).toBeNull();
    expect(chooseAtBudget(front, 2)?.test).toEqual({ accuracy: 0.7, costUsd: 2 });
    // Budget 3 = half "mid", half "dear" by coin: expected test accuracy (.7 + .95) / 2 at cost 3.
    const mixed = chooseAtBudget(front, 3);
    expect(mixed?.test.accuracy).toBeCloseTo(0.825, 12);
    expect(mixed?.test.costUsd).toBeCloseTo(3, 12);
    expect(mixed?.label).toBe('50% mid + 50% dear');
    expect(chooseAtBudget(front, 100)?.label).toBe('dear');
  });

  it('finds the first train-chosen policy reaching a test accuracy, or null', () => {
    expect(costToReach(front, 0.62)).toBe(1);
    // Between mid (.7) and dear (.95): p = (.9 - .7) / .25 = .8 -> cost 2 + .8 x 2.
    expect(costToReach(front, 0.9)).toBeCloseTo(3.6, 12);
    expect(costToReach(front, 0.96)).toBeNull();
  });
});

describe('meanCi', () => {
  it('is a t-interval, none from one seed, zero width when all seeds agree', () => {
    const { mean, ci } = meanCi([1, 2, 3, 4, 5]);
    expect(mean).toBe(3);
    // sd = sqrt(2.5); t(4) = 2.776.
    expect(ci?.[1]).toBeCloseTo(3 + (2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 9);
    expect(meanCi([0.4]).ci).toBeNull();
    expect(meanCi([0.4, 0.4, 0.4]).ci).toEqual([0.4, 0.4]);
  });
});

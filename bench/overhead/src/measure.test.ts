import { describe, expect, it } from 'vitest';
import { measure } from './measure.ts';

describe('measure', () => {
  it('times a cold pass, then a warm pass on chains that first ran untimed for their share of the warm-up', async () => {
    const report = await measure({
      framework: 'batonEval',
      sizes: [
        { handoffs: 5, warmupRuns: 1, timedRuns: 2, heap: 'none' },
        { handoffs: 3, warmupRuns: 1, timedRuns: 1, warmTimedRuns: 3, heap: 'none' },
      ],
      warmupMs: 60,
    });
    // Sizes come back smallest first, in both passes, each with its own timed runs.
    expect(report.sizes.map((s) => [s.handoffs, s.usPerHandoff.length])).toEqual([
      [3, 1],
      [5, 2],
    ]);
    expect(report.sizes.every((s) => s.settleHandoffs === undefined)).toBe(true);
    const warm = report.warm;
    // The warm pass times `warmTimedRuns` where given, else as many as the cold pass.
    expect(warm?.sizes.map((s) => [s.handoffs, s.usPerHandoff.length])).toEqual([
      [3, 3],
      [5, 2],
    ]);
    // Each warm size ran whole chains untimed (so a multiple of its length), and the total is their sum.
    const settled = warm?.sizes.map((s) => s.settleHandoffs ?? 0) ?? [];
    expect(settled[0]).toBeGreaterThan(3);
    expect((settled[0] as number) % 3).toBe(0);
    expect((settled[1] as number) % 5).toBe(0);
    expect(warm?.warmupHandoffs).toBe((settled[0] as number) + (settled[1] as number));
  });

  it('has no warm pass without a warm-up time', async () => {
    const report = await measure({ framework: 'batonEval', sizes: [{ handoffs: 2, warmupRuns: 0, timedRuns: 1, heap: 'none' }] });
    expect(report.warm).toBeUndefined();
    expect(report.sizes[0]?.usPerHandoff).toHaveLength(1);
  });
});

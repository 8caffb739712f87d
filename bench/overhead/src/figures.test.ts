import { describe, expect, it } from 'vitest';
import { frameworkFigures, meetsGoal, ratiosOf, type FrameworkFigures } from './figures.ts';
import type { MeasureReport, SizeReport } from './measure.ts';

const size = (handoffs: number, us: number[], extra: Partial<SizeReport> = {}): SizeReport => ({
  handoffs,
  usPerHandoff: us,
  cpuUsPerHandoff: us.map((x) => x * 2),
  rssBeforeMb: 50,
  peakRssMb: 60,
  ...extra,
});

const report = (cold: number[], warm: number[] | undefined): MeasureReport => ({
  framework: 'baton',
  sizes: [size(10, cold, { heapPeakMb: 1.5 }), size(100, cold)],
  ...(warm ? { warm: { sizes: [size(10, warm), size(100, warm, { peakRssMb: 70 })], warmupHandoffs: 1000 } } : {}),
});

describe('frameworkFigures', () => {
  it('headlines the warm pass at N = 100 and keeps the cold pass beside it', () => {
    const f = frameworkFigures([report([20, 30], [4, 6]), report([40], [5])], [10, 100]);
    expect(f?.usPerHandoff).toBe(5);
    expect(f?.coldUsPerHandoff).toBe(30);
    expect(f?.byN['100']).toMatchObject({ usPerHandoff: 5, cpuUsPerHandoff: 10, minUs: 4, maxUs: 6, runs: 3 });
    expect(f?.coldByN['10']).toMatchObject({ usPerHandoff: 30, runs: 3 });
    // The RSS high-water of either pass; the heap only from the cold pass's largest size (not sampled there: NaN).
    expect(f?.peakRssMb).toBe(70);
    expect(f?.heapPeakMb).toBeNaN();
    expect(f?.warmupHandoffs).toBe(1000);
  });

  it('falls back to the cold pass when there was no warm one, and is undefined for a side that never ran', () => {
    const f = frameworkFigures([report([20, 30], undefined)], [10, 100]);
    expect(f?.byN).toEqual(f?.coldByN);
    expect(f?.usPerHandoff).toBe(25);
    expect(f?.warmupHandoffs).toBe(0);
    expect(frameworkFigures([], [10])).toBeUndefined();
  });
});

describe('ratios and the goal', () => {
  const figures = (us: number): FrameworkFigures => frameworkFigures([report([us * 4], [us])], [10, 100]) as FrameworkFigures;
  const result = { baton: figures(1), langgraph: figures(100), openaiAgents: figures(12) };

  it('divides each peer by Baton at every N, by wall clock and by CPU time', () => {
    expect(ratiosOf(result, [10, 100], (f) => f.byN)['100']).toEqual({
      langgraph: 100,
      openaiAgents: 12,
      langgraphCpu: 100,
      openaiAgentsCpu: 12,
    });
  });

  it('needs every N at 10x or more, and at least one N', () => {
    expect(meetsGoal(ratiosOf(result, [10, 100], (f) => f.byN))).toBe(true);
    expect(meetsGoal(ratiosOf({ ...result, openaiAgents: figures(9) }, [10, 100], (f) => f.byN))).toBe(false);
    expect(meetsGoal({})).toBe(false);
  });
});

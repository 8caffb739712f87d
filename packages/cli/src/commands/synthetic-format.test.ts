import { describe, expect, it } from 'vitest';
import type { KnobResult, MethodResult } from '@baton/learner';
import { formatKnob, scoreCell } from './synthetic-format.ts';

const method = (over: Partial<MethodResult>): MethodResult => ({
  name: 'icq-tabular',
  normalizedReturn: 0.5,
  ci95: 0.1,
  ciOver: 'seeds',
  meanReturn: 0.3,
  curveMean: 0.4,
  curveMeanCi95: 0.05,
  episodesTo95: null,
  reached: 0,
  seeds: 5,
  curve: [],
  perSeed: [0.5],
  perSeedCurveMean: [0.4],
  ...over,
});

describe('synthetic tables', () => {
  it('never prints a ± 0.000 CI for something with no spread to measure', () => {
    expect(scoreCell(method({ name: 'random', ciOver: 'exact', normalizedReturn: 0, ci95: 0 }))).toBe('0.000 (exact)');
    expect(scoreCell(method({ seeds: 1, ci95: 0 }))).toBe('0.500 (1 seed, no CI)');
    expect(scoreCell(method({ ciOver: 'episodes', ci95: 0.004 }))).toMatch(/± 0\.004 \(eval episodes\)/);
    expect(scoreCell(method({}))).toBe('0.500 ± 0.100');
  });

  it('marks knob points outside [0, optimum - random] and says what that means', () => {
    const point = (value: number, error: number, withinSpan: boolean) => ({
      value,
      optimumReturn: 0.5,
      randomReturn: 0.1,
      error,
      ci95: 0.01,
      withinSpan,
      samples: [],
      methods: [method({})],
    });
    const result: KnobResult = {
      knob: 'width',
      describe: 'hidden width',
      seeds: 5,
      episodes: 100,
      noise: null,
      points: [point(1, 0.45, false), point(32, 0.05, true)],
      predicted: { direction: 'shrinks', held: true, beyondCi: true },
      comparisons: [],
    };
    const text = formatKnob(result);
    expect(text).toMatch(/^1\s+0\.4500 ± 0\.0100\s+0\.5000\s+0\.1000\s+NO$/m);
    expect(text).toMatch(/optimization failure/);
    expect(text).toMatch(/shrinks\): yes, beyond the CIs/);
  });
});

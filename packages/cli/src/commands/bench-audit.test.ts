import { describe, expect, it } from 'vitest';
import { formatPairs, medianRoundPair } from './bench-audit.ts';

describe('bench audit overheads', () => {
  // Rates whose separate medians (none 100, audit 101) would say the sink speeds the engine up, while every round
  // but one measured it slower: the old report printed "no sink 100 audit 101 (overhead 3.8%)".
  const plain = [120, 100, 90, 130, 80];
  const audited = [110, 101, 85, 125, 79];

  it('takes the overhead from one round and prints that round, so the figures agree', () => {
    const pair = medianRoundPair(plain, audited);
    expect(pair).toEqual({ plain: 130, audited: 125, overheadPercent: 3.8, rangePercent: [-1, 8.3] });
    const lines = formatPairs({ pairs: { audit: pair, signed: pair }, cpuPairs: { audit: pair, signed: pair }, rounds: 5 });
    for (const line of lines) {
      const match = /overhead (-?[\d.]+)%: (\d+) vs (\d+)/.exec(line);
      expect(match, line).not.toBeNull();
      const [, overhead, a, p] = (match as RegExpExecArray).map(Number);
      expect(overhead).toBeCloseTo(100 * (1 - (a as number) / (p as number)), 1);
    }
    expect(lines[0]).toBe('  audit   overhead 3.8%: 125 vs 130 decisions/s with no sink (the median round; -1% to 8.3% over 5 rounds)');
  });

  it('takes the lower median for an even number of rounds, and a single round as is', () => {
    expect(medianRoundPair([100, 100, 100, 100], [99, 90, 95, 80]).overheadPercent).toBe(5);
    expect(medianRoundPair([200], [150])).toMatchObject({ plain: 200, audited: 150, overheadPercent: 25 });
  });
});

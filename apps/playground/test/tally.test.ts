import { describe, expect, it } from 'vitest';
import type { EpisodeMessage } from '../src/client/api.ts';
import { EMPTY_TALLY, tally } from '../src/client/tally.ts';

const episode = (n: number, handoffs: number): EpisodeMessage => ({
  runId: 'run-1',
  method: 'icq-tabular',
  seed: 1,
  episode: n,
  events: [
    { type: 'episode-start', episodeId: `e${n}`, time: 0 },
    ...Array.from({ length: handoffs }, (_, k) => [
      {
        type: 'decision',
        episodeId: `e${n}`,
        time: k,
        agent: 'a',
        view: { projection: {}, privateState: {} },
        qValues: {},
        action: 'handoff:b',
        explored: false,
      },
      { type: 'handoff', episodeId: `e${n}`, time: k, from: 'a', to: 'b' },
    ]).flat(),
    { type: 'submit', episodeId: `e${n}`, time: handoffs },
  ],
});

describe('the stream tally', () => {
  it('counts every episode of a burst, and an episode resent after a reconnect once', () => {
    let t = EMPTY_TALLY;
    for (const m of [episode(1, 2), episode(2, 0), episode(3, 1)]) t = tally(t, m);
    expect(t.handoffs).toBe(3);
    expect(t.decisions.map((d) => d.key)).toEqual(['e3-0', 'e1-1', 'e1-0']);
    // A reconnect resends the run's recent episodes.
    for (const m of [episode(2, 0), episode(3, 1)]) t = tally(t, m);
    expect(t.handoffs).toBe(3);
    expect(tally(t, episode(4, 1)).handoffs).toBe(4);
  });

  it('keeps the 12 latest decisions, newest first', () => {
    let t = EMPTY_TALLY;
    for (let n = 1; n <= 10; n++) t = tally(t, episode(n, 2));
    expect(t.decisions).toHaveLength(12);
    expect(t.decisions[0]?.key).toBe('e10-1');
  });
});

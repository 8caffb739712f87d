import { describe, expect, it } from 'vitest';
import type { BatonEvent } from '@baton/core';
import type { EpisodeMessage } from '../src/client/api.ts';
import { DECISIONS_SHOWN, EMPTY_TALLY, tally } from '../src/client/tally.ts';

const episode = (n: number, handoffs: number): EpisodeMessage => {
  const episodeId = `e${n}`;
  const events: BatonEvent[] = [
    { type: 'episode-start', episodeId, time: 0, workflow: 'w', entry: 'a', seed: n, artifactHash: 'h' },
    ...Array.from({ length: handoffs }, (_, k): BatonEvent => ({
      type: 'handoff',
      episodeId,
      time: k,
      handoffId: `${episodeId}-${k}`,
      from: 'a',
      to: 'b',
      artifactHash: 'h',
      skipped: [],
    })),
  ];
  const insights = Array.from({ length: handoffs }, (_, k) => ({
    episodeId,
    agent: `agent-${k}`,
    action: 'handoff:b' as const,
    explored: false,
    q: [],
    drivers: [],
    features: 0,
  }));
  return { type: 'episode', runId: 'run-1', method: 'icq-tabular', seed: 1, episode: n, events, insights };
};

describe('the stream tally', () => {
  it('counts every episode of a burst, and an episode resent after a reconnect once', () => {
    let t = EMPTY_TALLY;
    for (const m of [episode(1, 2), episode(2, 0), episode(3, 1)]) t = tally(t, m);
    expect(t.handoffs).toBe(3);
    expect(t.decisions.map((d) => d.key)).toEqual(['run-1/icq-tabular/1/3/0', 'run-1/icq-tabular/1/1/1', 'run-1/icq-tabular/1/1/0']);
    // A reconnect resends the run's recent episodes.
    for (const m of [episode(2, 0), episode(3, 1)]) t = tally(t, m);
    expect(t.handoffs).toBe(3);
    expect(tally(t, episode(4, 1)).handoffs).toBe(4);
  });

  it(`keeps the ${DECISIONS_SHOWN} latest decisions, newest first`, () => {
    let t = EMPTY_TALLY;
    for (let n = 1; n <= 10; n++) t = tally(t, episode(n, 2));
    expect(t.decisions).toHaveLength(DECISIONS_SHOWN);
    expect(t.decisions[0]).toMatchObject({ key: 'run-1/icq-tabular/1/10/1', agent: 'agent-1', method: 'icq-tabular' });
  });
});

describe('decisions of heads without Q-values', () => {
  it('do not push out the learned heads', () => {
    const withQ = (n: number): EpisodeMessage => {
      const m = episode(n, 1);
      return { ...m, insights: m.insights.map((d) => ({ ...d, q: [{ action: 'handoff:b' as const, value: 0.5 }] })) };
    };
    let t = tally(EMPTY_TALLY, episode(1, 2));
    expect(t.decisions).toHaveLength(2);
    t = tally(t, withQ(2));
    t = tally(t, { ...episode(3, 2), method: 'random' });
    expect(t.decisions.map((d) => d.key)).toEqual(['run-1/icq-tabular/1/2/0']);
  });
});

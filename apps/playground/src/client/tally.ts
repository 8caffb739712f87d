import type { EpisodeMessage } from './api.ts';

export interface Decision {
  key: string;
  agent: string;
  view: { projection: Record<string, number>; privateState: Record<string, number> };
  qValues: Record<string, number>;
  action: string;
  explored: boolean;
  method: string;
}

/** What the stream has shown so far: handoffs counted, the latest decisions (newest first), episodes already counted. */
export interface Tally {
  readonly handoffs: number;
  readonly decisions: readonly Decision[];
  readonly episodes: readonly string[];
}
export const EMPTY_TALLY: Tally = { handoffs: 0, decisions: [], episodes: [] };

/**
 * Adds one streamed episode to the tally. Called from the stream's listener with a functional state update, so a
 * burst of episodes (a late subscriber's catch-up, a slow tab) is counted in full even when React batches the
 * renders; an episode sent again after a reconnect is counted once.
 */
export function tally(t: Tally, m: EpisodeMessage): Tally {
  const id = `${m.runId}/${m.method}/${m.seed}/${m.episode}`;
  if (t.episodes.includes(id)) return t;
  const decisions = m.events
    .filter((e) => e.type === 'decision')
    .map((e, k): Decision => ({
      key: `${e.episodeId}-${k}`,
      agent: e['agent'] as string,
      view: e['view'] as Decision['view'],
      qValues: e['qValues'] as Record<string, number>,
      action: e['action'] as string,
      explored: e['explored'] as boolean,
      method: m.method,
    }));
  return {
    handoffs: t.handoffs + m.events.filter((e) => e.type === 'handoff').length,
    decisions: [...decisions.reverse(), ...t.decisions].slice(0, 12),
    episodes: [...t.episodes, id].slice(-32),
  };
}

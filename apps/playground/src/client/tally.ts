import type { DecisionInsight, EpisodeMessage } from './api.ts';

/** A decision as the live view lists it: the server's insight, with the method that decided and a stable key. */
export interface Decision extends DecisionInsight {
  readonly key: string;
  readonly method: string;
}

/** How many decisions the live view keeps (newest first): enough to compare agents, few enough to fit the card. */
export const DECISIONS_SHOWN = 6;

/**
 * What the stream has shown so far: handoffs counted, the latest decisions (newest first), episodes already counted.
 * `decisions` are those of heads that report Q-values when any has decided (a run's fixed baselines, trained after
 * the learned methods, would otherwise replace them with rows that explain nothing), else the latest of any head.
 */
export interface Tally {
  readonly handoffs: number;
  readonly decisions: readonly Decision[];
  readonly episodes: readonly string[];
}
export const EMPTY_TALLY: Tally = { handoffs: 0, decisions: [], episodes: [] };

const valued = (d: Decision) => d.q.length > 0;

/**
 * Adds one streamed episode to the tally. Called from the stream's listener with a functional state update, so a
 * burst of episodes (a late subscriber's catch-up, a slow tab) is counted in full even when React batches the
 * renders; an episode sent again after a reconnect is counted once.
 */
export function tally(t: Tally, m: EpisodeMessage): Tally {
  const id = `${m.runId}/${m.method}/${m.seed}/${m.episode}`;
  if (t.episodes.includes(id)) return t;
  const fresh = m.insights.map((d, k): Decision => ({ ...d, key: `${id}/${k}`, method: m.method })).reverse();
  const all = [...fresh, ...t.decisions];
  const withQ = all.filter(valued);
  return {
    handoffs: t.handoffs + m.events.filter((e) => e.type === 'handoff').length,
    decisions: (withQ.length ? withQ : all).slice(0, DECISIONS_SHOWN),
    episodes: [...t.episodes, id].slice(-32),
  };
}

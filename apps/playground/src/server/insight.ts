import { Rng, type Action, type BatonEvent, type HandoffHead, type InterfaceView } from '@baton/core';

/** A feature of the interface and how much it moved the head's preference. */
export interface Driver {
  /** The projection's key, or `private.<key>` for the agent's private state. */
  readonly feature: string;
  readonly value: number;
  /**
   * How much this value widens the head's margin for its preferred action over the runner-up: the margin as seen
   * minus the margin with this feature set to 0. Positive: it argued for the preferred action.
   */
  readonly effect: number;
}

/** One decision, as the live view shows it: Q per legal action, what was done, and the few features that moved it. */
export interface DecisionInsight {
  readonly episodeId: string;
  readonly agent: string;
  readonly action: Action;
  readonly explored: boolean;
  /** Q per legal action, in the legal set's order; empty for heads that report none (random, fixed pipelines). */
  readonly q: readonly { readonly action: Action; readonly value: number }[];
  /** The action with the highest Q (what the head would do greedily); absent without Q-values. */
  readonly preferred?: Action;
  /** The largest |effect| first, at most `MAX_DRIVERS`. Empty with fewer than two legal actions or no Q-values. */
  readonly drivers: readonly Driver[];
  /** How many features the interface has (the ones not listed did less). */
  readonly features: number;
}

export const MAX_DRIVERS = 3;
/** Effects smaller than this are noise in a bar of a few pixels. */
const NEGLIGIBLE = 1e-6;

/** Preferred action and its margin over the runner-up (undefined with fewer than two valued actions). */
function margin(qValues: Readonly<Partial<Record<Action, number>>>, legal: readonly Action[], preferred?: Action) {
  const valued = legal.filter((a) => qValues[a] !== undefined && Number.isFinite(qValues[a]));
  if (valued.length < 2) return undefined;
  const best = preferred ?? valued.reduce((a, b) => ((qValues[b] as number) > (qValues[a] as number) ? b : a));
  const runnerUp = Math.max(...valued.filter((a) => a !== best).map((a) => qValues[a] as number));
  return { best, margin: (qValues[best] as number) - runnerUp };
}

/**
 * Explains a decision event by counterfactuals on the head that made it: each non-zero feature of the interface is
 * set to 0 in turn and the head asked again (greedily, no learning), and the change in its preferred action's margin
 * is that feature's effect. For a linear head that is exactly the feature's term in the Q difference; for a table or
 * a network it is what the value did at this point. Call it while the decision is current (before the head learns).
 */
export function explainDecision(head: HandoffHead | undefined, event: Extract<BatonEvent, { type: 'decision' }>): DecisionInsight {
  const q = event.legal.flatMap((action) => {
    const value = event.qValues[action];
    return value !== undefined && Number.isFinite(value) ? [{ action, value }] : [];
  });
  const view: InterfaceView = event.view;
  const features = Object.keys(view.projection).length + Object.keys(view.privateState).length;
  const base = { episodeId: event.episodeId, agent: event.agent, action: event.action, explored: event.explored, q, features };
  const seen = margin(event.qValues, event.legal);
  if (!seen) return { ...base, ...(q[0] ? { preferred: q[0].action } : {}), drivers: [] };
  if (!head) return { ...base, preferred: seen.best, drivers: [] };
  const rng = new Rng(1);
  const drivers: Driver[] = [];
  for (const part of ['projection', 'privateState'] as const) {
    for (const [key, value] of Object.entries(view[part])) {
      if (value === 0) continue;
      const without: InterfaceView = { ...view, [part]: { ...view[part], [key]: 0 } };
      const again = margin(head.decide(without, event.legal, { rng, explore: false }).qValues, event.legal, seen.best);
      if (!again) continue;
      const effect = seen.margin - again.margin;
      if (Math.abs(effect) > NEGLIGIBLE) drivers.push({ feature: `${part === 'projection' ? '' : 'private.'}${key}`, value, effect });
    }
  }
  drivers.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
  return { ...base, preferred: seen.best, drivers: drivers.slice(0, MAX_DRIVERS) };
}

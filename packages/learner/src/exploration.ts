import { UserError, type Action, type Rng } from '@baton/core';

/**
 * How a head explores. epsilon-greedy with a decaying epsilon is the default; Boltzmann (softmax over Q / T) is
 * the alternative ICQ.md allows. Schedules are indexed by the head's own episode count, so they survive save/load.
 */
export type Exploration =
  | {
      readonly type: 'epsilon';
      readonly start: number;
      readonly end: number;
      /** episodes for epsilon to fall halfway from start to end */ readonly halfLife: number;
    }
  | { readonly type: 'boltzmann'; readonly start: number; readonly end: number; readonly halfLife: number };

export const DEFAULT_EXPLORATION: Exploration = { type: 'epsilon', start: 0.3, end: 0.02, halfLife: 400 };

/** The schedule's value (epsilon or temperature) after `episodes` episodes. */
export function scheduleValue(schedule: Exploration, episodes: number): number {
  return schedule.end + (schedule.start - schedule.end) * Math.pow(0.5, episodes / schedule.halfLife);
}

export function checkExploration(schedule: Exploration, field = 'exploration'): Exploration {
  const type: unknown = schedule.type; // a schedule from JSON or plain JS can name any type
  if (type !== 'epsilon' && type !== 'boltzmann') throw new UserError(`unknown type "${String(type)}"`, { field: `${field}.type` });
  if (!(schedule.start >= 0) || !(schedule.end >= 0)) throw new UserError('start and end must be >= 0', { field });
  if (schedule.type === 'epsilon' && (schedule.start > 1 || schedule.end > 1)) throw new UserError('epsilon must be <= 1', { field });
  if (!(schedule.halfLife > 0)) throw new UserError('halfLife must be > 0', { field: `${field}.halfLife` });
  return schedule;
}

/** Index of the largest value; ties broken uniformly at random so early greedy play is not biased to list order. */
export function argmax(values: ArrayLike<number>, rng: Rng | undefined): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < values.length; i++) {
    const v = values[i] as number;
    const b = values[best] as number;
    if (v > b) {
      best = i;
      ties = 1;
    } else if (v === b && rng) {
      ties += 1;
      if (rng.next() * ties < 1) best = i;
    }
  }
  return best;
}

const ONLY_CHOICE: { readonly index: number; readonly explored: boolean } = Object.freeze({ index: 0, explored: false });

/**
 * Chooses among `legal` given their Q-values. Returns the index chosen and whether it was exploration (a choice
 * other than the greedy one made because of the schedule).
 */
export function explore(
  schedule: Exploration,
  episodes: number,
  q: ArrayLike<number>,
  rng: Rng,
  enabled: boolean,
): { readonly index: number; readonly explored: boolean } {
  // One legal action: nothing to break ties between or explore (no draw from rng either way).
  if (q.length === 1) return ONLY_CHOICE;
  const greedy = argmax(q, rng);
  if (!enabled) return { index: greedy, explored: false };
  const level = scheduleValue(schedule, episodes);
  if (schedule.type === 'epsilon') {
    if (rng.next() >= level) return { index: greedy, explored: false };
    const index = rng.int(q.length);
    return { index, explored: index !== greedy };
  }
  const t = Math.max(level, 1e-6);
  let max = -Infinity;
  for (let i = 0; i < q.length; i++) max = Math.max(max, q[i] as number);
  const weights: number[] = [];
  for (let i = 0; i < q.length; i++) weights.push(Math.exp(((q[i] as number) - max) / t));
  const index = rng.weighted(weights);
  return { index, explored: index !== greedy };
}

/**
 * A decision's Q-values keyed by its legal actions. The object has no prototype: every agent's handoff actions are
 * keys of their own, and a plain object grows a new hidden class for each new key (a chain of 1,000 agents made
 * 1,000 of them, one per decision, at a slow store each); an object without a prototype takes any key at one cost.
 */
export function qValuesOf(legal: readonly Action[], q: ArrayLike<number>): Partial<Record<Action, number>> {
  const out = Object.create(null) as Partial<Record<Action, number>>;
  for (let i = 0; i < legal.length; i++) out[legal[i] as Action] = q[i] as number;
  return out;
}

export function assertLegal(legal: readonly Action[]): void {
  if (legal.length === 0) throw new UserError('a head was asked to decide with no legal action', { field: 'legal' });
}

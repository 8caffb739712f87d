import { CONTINUE, SUBMIT, handoff, type Action } from '@baton/core';
import {
  AGENTS,
  canSubmit,
  KINDS,
  LEVELS,
  MAX_FATIGUE,
  SUCCESSORS,
  terminalReward,
  TRANSFER_TIME,
  workMoments,
  workOutcomes,
  type SyntheticAgent,
  type SyntheticConfig,
  type SyntheticState,
} from './dynamics.ts';

/** A joint decision-epoch state: the whole artifact, the holder and the holder's fatigue (1..MAX_FATIGUE). */
export interface JointState extends SyntheticState {
  readonly holder: SyntheticAgent;
  readonly fatigue: number;
}

export function jointIndex(s: JointState): number {
  const h = AGENTS.indexOf(s.holder);
  return (((s.kind * (LEVELS + 1) + s.progress) * 2 + s.flaw) * AGENTS.length + h) * MAX_FATIGUE + (s.fatigue - 1);
}

export function allJointStates(): JointState[] {
  const states: JointState[] = [];
  for (let kind = 0; kind < KINDS; kind++)
    for (let progress = 0; progress <= LEVELS; progress++)
      for (const flaw of [0, 1] as const)
        for (const holder of AGENTS)
          for (let fatigue = 1; fatigue <= MAX_FATIGUE; fatigue++) states.push({ kind, progress, flaw, holder, fatigue });
  return states;
}

/** The actions open at a joint state (the budget is not modelled: it never binds under good policies). */
export function jointActions(s: JointState): Action[] {
  const actions: Action[] = [CONTINUE, ...SUCCESSORS[s.holder].map(handoff)];
  if (canSubmit(s.holder)) actions.push(SUBMIT);
  return actions;
}

/** The expected value of `worker` working on `s` with `priorWork` consecutive units, then landing on V. */
function afterWork(config: SyntheticConfig, V: Float64Array, worker: SyntheticAgent, s: SyntheticState, priorWork: number): number {
  const { reward, discount } = workMoments(config, worker);
  const fatigue = Math.min(priorWork + 1, MAX_FATIGUE);
  let next = 0;
  for (const o of workOutcomes(config, worker, s, priorWork)) {
    next += o.p * (V[jointIndex({ kind: s.kind, progress: o.progress, flaw: o.flaw, holder: worker, fatigue })] as number);
  }
  return reward + discount * next;
}

/** Q*(s, a) given V. */
export function jointQ(config: SyntheticConfig, V: Float64Array, s: JointState, a: Action): number {
  if (a === SUBMIT) return terminalReward(s);
  if (a === CONTINUE) return afterWork(config, V, s.holder, s, s.fatigue);
  return Math.pow(config.discount, TRANSFER_TIME) * afterWork(config, V, a.slice(8) as SyntheticAgent, s, 0);
}

export interface Optimum {
  /** V*(s) over joint decision states. */
  readonly values: Float64Array;
  /** Expected optimal return of an episode from its start (entry works first on a random kind). */
  readonly startValue: number;
  readonly iterations: number;
}

/** Exact optimum by value iteration on the joint SMDP, to `tolerance` in the sup norm. */
export function valueIteration(config: SyntheticConfig, tolerance = 1e-10): Optimum {
  const states = allJointStates();
  let V = new Float64Array(states.length);
  let iterations = 0;
  for (;;) {
    iterations += 1;
    const next = new Float64Array(states.length);
    let delta = 0;
    for (const s of states) {
      const i = jointIndex(s);
      let best = -Infinity;
      for (const a of jointActions(s)) best = Math.max(best, jointQ(config, V, s, a));
      next[i] = best;
      delta = Math.max(delta, Math.abs(best - (V[i] as number)));
    }
    V = next;
    if (delta < tolerance || iterations > 100_000) break;
  }
  return { values: V, startValue: startValue(config, V), iterations };
}

/** Expected return from the episode start given V over decision states. */
export function startValue(config: SyntheticConfig, V: Float64Array): number {
  let total = 0;
  for (let kind = 0; kind < KINDS; kind++) total += afterWork(config, V, 'drafter', { kind, progress: 0, flaw: 0 }, 0) / KINDS;
  return total;
}

/** The optimal action at a joint state (for tests and for explaining the optimum). */
export function optimalAction(config: SyntheticConfig, V: Float64Array, s: JointState): Action {
  let best: Action = CONTINUE;
  let bestQ = -Infinity;
  for (const a of jointActions(s)) {
    const q = jointQ(config, V, s, a);
    if (q > bestQ) {
      bestQ = q;
      best = a;
    }
  }
  return best;
}

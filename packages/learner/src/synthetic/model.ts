import { CONTINUE, SUBMIT, handoff, handoffTarget, type Action, type Workflow } from '@baton/core';
import type { EpochModel, EpochStep, SyntheticView } from '../exact.ts';
import {
  AGENTS,
  canSubmit,
  KINDS,
  LEVELS,
  MAX_FATIGUE,
  projectionDistribution,
  SUCCESSORS,
  terminalReward,
  TRANSFER_TIME,
  workMoments,
  workOutcomes,
  type SyntheticAgent,
  type SyntheticConfig,
  type SyntheticState,
} from './dynamics.ts';
import { syntheticWorkflow } from './workflow.ts';

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

/** One unit of work by `worker` on `s` after `priorWork` consecutive units, discounted by `lead` (a transfer). */
function workStep(config: SyntheticConfig, worker: SyntheticAgent, s: SyntheticState, priorWork: number, lead = 1): EpochStep {
  const { reward, discount } = workMoments(config, worker);
  const fatigue = Math.min(priorWork + 1, MAX_FATIGUE);
  return {
    reward: lead * reward,
    next: workOutcomes(config, worker, s, priorWork).map(
      (o) => [jointIndex({ kind: s.kind, progress: o.progress, flaw: o.flaw, holder: worker, fatigue }), lead * discount * o.p] as const,
    ),
  };
}

/** Continue or handoff:j at joint state `s`, as an epoch step (a handoff takes TRANSFER_TIME first). */
function actionStep(config: SyntheticConfig, s: JointState, a: Action): EpochStep {
  if (a === CONTINUE) return workStep(config, s.holder, s, s.fatigue);
  return workStep(config, handoffTarget(a) as SyntheticAgent, s, 0, Math.pow(config.discount, TRANSFER_TIME));
}

function valueAfter(step: EpochStep, V: Float64Array): number {
  let v = step.reward;
  for (const [to, w] of step.next) v += w * (V[to] as number);
  return v;
}

/** Q*(s, a) given V (budget not modelled). */
export function jointQ(config: SyntheticConfig, V: Float64Array, s: JointState, a: Action): number {
  if (a === SUBMIT) return terminalReward(s);
  return valueAfter(actionStep(config, s, a), V);
}

/** The view a head gets of joint state `s`, as a distribution (exact, including the interface gap's blur). */
function viewsOf(config: SyntheticConfig, s: JointState, view: SyntheticView) {
  const privateState = { fatigue: s.fatigue };
  if (view === 'joint') {
    const projection = { holder: AGENTS.indexOf(s.holder), kind: s.kind, progress: s.progress, flaw: s.flaw };
    return [{ view: { projection, privateState }, p: 1 }];
  }
  return projectionDistribution(config, s.holder, s).map((o) => ({ view: { projection: o.projection, privateState }, p: o.p }));
}

/** The synthetic IC-SMDP at its decision epochs, for exact evaluation with the runtime's budget (see `exactReturn`). */
export function syntheticModel(config: SyntheticConfig): EpochModel {
  const states = allJointStates();
  const byIndex: JointState[] = [];
  for (const s of states) byIndex[jointIndex(s)] = s;
  const at = (i: number) => byIndex[i] as JointState;
  return {
    workflow: syntheticWorkflow(config) as Workflow<unknown>,
    size: states.length,
    holder: (i) => at(i).holder,
    views: (i, view) => viewsOf(config, at(i), view),
    terminal: (i) => terminalReward(at(i)),
    step: (i, a) => actionStep(config, at(i), a),
    start: {
      reward: workMoments(config, 'drafter').reward,
      next: Array.from({ length: KINDS }, (_, kind) => workStep(config, 'drafter', { kind, progress: 0, flaw: 0 }, 0).next)
        .flat()
        .map(([to, w]) => [to, w / KINDS] as const),
    },
  };
}

export interface Optimum {
  /** V*(s) over joint decision states. */
  readonly values: Float64Array;
  /** Expected optimal return of an episode from its start (entry works first on a random kind). */
  readonly startValue: number;
  readonly iterations: number;
}

/**
 * The optimum by value iteration on the joint SMDP without the runtime's budget, to `tolerance` in the sup norm.
 * Scores use `exactReturn(syntheticModel(config), 'optimal')`, the optimum under the budget the runtime enforces;
 * the two differ by less than 1e-3 here (tested), because a good policy never gets near the budget.
 */
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
  return valueAfter(syntheticModel(config).start, V);
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

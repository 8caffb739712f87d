import { handoffTarget, Rng, SUBMIT, UserError, type Action, type HandoffHead, type InterfaceView, type Workflow } from '@baton/core';
import { legalActionsFor } from '@baton/core/internal';

/**
 * `interface`: each agent sees only its own projection (the IC-SMDP). `joint`: every agent sees the whole artifact,
 * the holder and its private state - the view a centralized learner has.
 */
export type SyntheticView = 'interface' | 'joint';

/** One option's expected reward and where it lands: `[state, weight]` with weight = P(state) * E[discount]. */
export interface EpochStep {
  readonly reward: number;
  readonly next: readonly (readonly [state: number, weight: number])[];
}

/**
 * A finite model of a workflow at its decision epochs (the joint state just after a unit of work), exact enough to
 * evaluate a policy as the runtime runs it. The step and handoff budgets are not part of the state here: the
 * evaluator adds them, so forced submits and masked handoffs happen exactly where the runtime makes them happen.
 */
export interface EpochModel {
  /** The workflow the model describes: legality and budgets come from it, as they do in the runtime. */
  readonly workflow: Workflow<unknown>;
  /** Number of joint decision-epoch states, indexed 0..size-1. */
  readonly size: number;
  holder(state: number): string;
  /**
   * What the holder's head sees at `state`, as a distribution (an interface gap makes it random). One distribution
   * per joint state: an interface whose private state reads the budget left is not described by this model.
   */
  views(state: number, view: SyntheticView): readonly { readonly view: InterfaceView; readonly p: number }[];
  /** E[R] when `state` is submitted (forced or chosen). */
  terminal(state: number): number;
  /** Continue or handoff:j at `state`: the next unit of work (by the holder or by j), to the next decision epoch. */
  step(state: number, action: Action): EpochStep;
  /** The entry agent's first unit of work, from the episode's start. */
  readonly start: EpochStep;
}

/** A policy at one decision epoch: (action, probability) pairs over the legal set. */
export type EpochPolicy = (state: number, legal: readonly Action[]) => readonly (readonly [Action, number])[];

/** One legal action at one state, precompiled: its reward, whether it spends a handoff, where it lands. */
interface CompiledAction {
  readonly action: Action;
  readonly submit: boolean;
  readonly handoff: boolean;
  readonly reward: number;
  readonly to: Int32Array;
  readonly weight: Float64Array;
}

/** The model's legal sets and steps, compiled once per model and shared by every policy evaluated on it. */
interface CompiledModel {
  /** Per state: the legal actions while handoffs are open (the closed set is the same minus the handoffs). */
  readonly open: readonly (readonly CompiledAction[])[];
  readonly closed: readonly (readonly CompiledAction[])[];
  readonly terminal: Float64Array;
}

const compiled = new WeakMap<EpochModel, CompiledModel>();

function compileModel(model: EpochModel): CompiledModel {
  const cached = compiled.get(model);
  if (cached) return cached;
  const { maxHandoffs } = model.workflow.budget;
  for (const agent of model.workflow.agents)
    if (agent.mask)
      throw new UserError(`agent "${agent.id}" masks actions by artifact, which the exact model does not describe`, { field: 'mask' });
  const build = (s: number, a: Action): CompiledAction => {
    if (a === SUBMIT) return { action: a, submit: true, handoff: false, reward: 0, to: new Int32Array(0), weight: new Float64Array(0) };
    const step = model.step(s, a);
    return {
      action: a,
      submit: false,
      handoff: handoffTarget(a) !== undefined,
      reward: step.reward,
      to: Int32Array.from(step.next, ([to]) => to),
      weight: Float64Array.from(step.next, ([, w]) => w),
    };
  };
  const open: CompiledAction[][] = [];
  const closed: CompiledAction[][] = [];
  for (let s = 0; s < model.size; s++) {
    const holder = model.holder(s);
    const entries = legalActionsFor(model.workflow, holder, 0).map((a) => build(s, a));
    open.push(entries);
    const closedSet = legalActionsFor(model.workflow, holder, maxHandoffs);
    closed.push(closedSet.map((a) => entries.find((e) => e.action === a) ?? build(s, a)));
  }
  const result = { open, closed, terminal: Float64Array.from({ length: model.size }, (_, s) => model.terminal(s)) };
  compiled.set(model, result);
  return result;
}

/** The policy's probability of each legal action, per state (all ones for the optimum: it takes the max). */
function policyWeights(model: EpochModel, sets: readonly (readonly CompiledAction[])[], policy: EpochPolicy | 'optimal'): Float64Array[] {
  return sets.map((entries, s) => {
    const w = new Float64Array(entries.length);
    if (policy === 'optimal') return w.fill(1);
    const legal = entries.map((e) => e.action);
    for (const [a, p] of policy(s, legal)) {
      const i = legal.indexOf(a);
      if (i < 0) throw new Error(`the policy chose ${a}, which is not legal at state ${s} (${model.holder(s)})`);
      w[i] = (w[i] as number) + p;
    }
    return w;
  });
}

/**
 * The exact expected discounted return of an episode, from its start, under `policy` (or the best policy when
 * `'optimal'`), with the workflow's budget applied as the in-process runtime applies it: after `maxSteps` units of
 * work the holder must submit, and handoffs are masked once `maxHandoffs` are spent. Backward induction over
 * (steps done, handoffs done, state), so every policy - including one that would never submit - gets the value it
 * really has, and the optimum bounds every policy's value exactly.
 */
export function exactReturn(model: EpochModel, policy: EpochPolicy | 'optimal'): number {
  const { maxSteps, maxHandoffs } = model.workflow.budget;
  const S = model.size;
  const { open, closed, terminal } = compileModel(model);
  const openWeights = policyWeights(model, open, policy);
  const closedWeights = policyWeights(model, closed, policy);
  const optimal = policy === 'optimal';
  let next = new Float64Array((maxHandoffs + 1) * S);
  let cur = new Float64Array((maxHandoffs + 1) * S);
  for (let k = maxSteps; k >= 1; k--) {
    // After k units of work at most k - 1 handoffs have happened.
    for (let h = 0; h <= Math.min(k - 1, maxHandoffs); h++) {
      const sets = h < maxHandoffs ? open : closed;
      const weights = h < maxHandoffs ? openWeights : closedWeights;
      for (let s = 0; s < S; s++) {
        if (k === maxSteps) {
          cur[h * S + s] = terminal[s] as number;
          continue;
        }
        const entries = sets[s] as readonly CompiledAction[];
        const w = weights[s] as Float64Array;
        let value = optimal ? -Infinity : 0;
        for (let i = 0; i < entries.length; i++) {
          const p = w[i] as number;
          if (p === 0) continue;
          const e = entries[i] as CompiledAction;
          let q = e.submit ? (terminal[s] as number) : e.reward;
          const base = (e.handoff ? h + 1 : h) * S;
          for (let j = 0; j < e.to.length; j++) q += (e.weight[j] as number) * (next[base + (e.to[j] as number)] as number);
          value = optimal ? Math.max(value, q) : value + p * q;
        }
        cur[h * S + s] = value;
      }
    }
    [next, cur] = [cur, next];
  }
  let total = model.start.reward;
  for (const [to, weight] of model.start.next) total += weight * (next[to] as number);
  return total;
}

/**
 * The greedy policy of `heads` as the runtime plays it in evaluation: the head decides on each view the interface
 * can show (weighted by its probability), and exact ties in the Q-values it reports are split evenly, as the
 * heads' random tie-breaking does.
 */
export function greedyPolicy(model: EpochModel, heads: Readonly<Record<string, HandoffHead>>, view: SyntheticView): EpochPolicy {
  const rng = new Rng(0);
  return (s, legal) => {
    const head = heads[model.holder(s)] as HandoffHead;
    const mix = new Map<Action, number>();
    for (const { view: v, p } of model.views(s, view)) {
      const decision = head.decide(v, legal, { rng, explore: false });
      const q = legal.map((a) => decision.qValues[a]);
      const best = Math.max(...q.map((x) => x ?? -Infinity));
      const tied = q.every((x) => x !== undefined) ? legal.filter((_, i) => q[i] === best) : [decision.action];
      for (const a of tied) mix.set(a, (mix.get(a) ?? 0) + p / tied.length);
    }
    return [...mix];
  };
}

/** Uniformly random legal actions (the floor of the normalized score), exactly. */
export const uniformPolicy: EpochPolicy = (_s, legal) => legal.map((a) => [a, 1 / legal.length] as const);

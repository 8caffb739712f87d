import { Rng, type Action, type HandoffHead } from '@baton/core';
import { AGENTS, projectionDistribution, type SyntheticConfig } from './dynamics.ts';
import { allJointStates, jointActions, jointIndex, jointQ, startValue, type JointState } from './model.ts';
import type { SyntheticView } from './workflow.ts';

/** The view a head gets of joint state `s`, as a distribution (exact, including the interface gap's blur). */
function viewsOf(config: SyntheticConfig, s: JointState, view: SyntheticView) {
  const privateState = { fatigue: s.fatigue };
  if (view === 'joint') {
    const projection = { holder: AGENTS.indexOf(s.holder), kind: s.kind, progress: s.progress, flaw: s.flaw };
    return [{ view: { projection, privateState }, p: 1 }];
  }
  return projectionDistribution(config, s.holder, s).map((o) => ({ view: { projection: o.projection, privateState }, p: o.p }));
}

/**
 * The exact expected return of the heads' greedy policies on the synthetic IC-SMDP, by policy evaluation on the
 * joint state (no sampling noise). Used for learning curves; the reported table uses the runtime itself.
 */
export function exactGreedyValue(
  config: SyntheticConfig,
  heads: Readonly<Record<string, HandoffHead>>,
  view: SyntheticView = 'interface',
  tolerance = 1e-7,
): number {
  const rng = new Rng(0);
  const states = allJointStates();
  // The greedy policy at each joint state, as (action, probability) pairs.
  const policy = states.map((s) => {
    const legal = jointActions(s);
    const head = heads[s.holder] as HandoffHead;
    const mix = new Map<Action, number>();
    for (const { view: v, p } of viewsOf(config, s, view)) {
      const { action } = head.decide(v, legal, { rng, explore: false });
      mix.set(action, (mix.get(action) ?? 0) + p);
    }
    return [...mix];
  });
  let V = new Float64Array(states.length);
  for (let iter = 0; iter < 5000; iter++) {
    const next = new Float64Array(states.length);
    let delta = 0;
    states.forEach((s, k) => {
      let v = 0;
      for (const [a, p] of policy[k] as [Action, number][]) v += p * jointQ(config, V, s, a);
      const i = jointIndex(s);
      next[i] = v;
      delta = Math.max(delta, Math.abs(v - (V[i] as number)));
    });
    V = next;
    if (delta < tolerance) break;
  }
  return startValue(config, V);
}

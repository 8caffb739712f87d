import type { Action, Decision, DecideContext, DecisionOutcome, HandoffHead, InterfaceView, Transition, Workflow } from '@baton/core';
import { GatedHead, LinearIcqHead, LinearMonteCarloHead, UcbBanditHead, type LinearIcqHeadConfig } from '@baton/learner';
import type { RouteArtifact } from './artifact.ts';
import { routeActions } from './workflow.ts';

/** The learned route methods: IC-Q, and the no-scalar baselines on the same interfaces. */
export type RouteLearner = 'icq' | 'independent-mc' | 'ucb1';

/**
 * Learning settings of the route heads (chosen on the arc_challenge and mbpp train splits, decision 0012): Q fitted by
 * recursive least squares; optimistic Q0 = 1 (the best possible R) so every model gets tried, with ridge 1 so the
 * optimism washes out after about one sample (a larger ridge kept untried handoffs near 1, and every sender then
 * escalated on the inflated scalar); forgetting 0.999 and target copies refreshed every update, so the receivers'
 * scalars are tracked as they learn, with a memory that grows once an action has 1,000 updates (growth 1: its n-th
 * update forgets by 1 - 1/n), so the fit settles instead of following its last thousand targets; epsilon 0.3
 * decaying to 0.05.
 */
export const ROUTE_LEARNING = {
  optimizer: 'rls',
  rls: { forgetting: 0.999, ridge: 1, growth: 1 },
  epsilon: { start: 0.3, decay: 0.9995, min: 0.05 },
  initialQ: 1,
  targetSyncEvery: 1,
} as const satisfies Partial<LinearIcqHeadConfig>;

export type RouteLearning = Partial<Omit<LinearIcqHeadConfig, 'actions' | 'projectionKeys' | 'privateKeys'>>;

/** The discrete features a tabular learner (UCB1) keys on: the agreement pattern, not lengths or dollars. */
const DISCRETE = /^(position|wellFormed|refusal|noAnswer|agree|disagree|distinct|agree:.*)$/;

function discreteView(view: InterfaceView): InterfaceView {
  const projection: Record<string, number> = {};
  for (const [k, v] of Object.entries(view.projection)) if (DISCRETE.test(k)) projection[k] = v;
  return { projection, privateState: {} };
}

/** A head that sees only the discrete part of each view (for tabular heads over a continuous interface). */
export function onDiscreteView(head: HandoffHead): HandoffHead {
  return {
    kind: head.kind,
    decide: (view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision => head.decide(discreteView(view), legal, ctx),
    value: (view, legal) => head.value(discreteView(view), legal),
    learn: (t: Transition) => head.learn({ ...t, view: discreteView(t.view) }),
    endEpisode: (outcomes: readonly DecisionOutcome[]) => head.endEpisode?.(outcomes.map((o) => ({ ...o, view: discreteView(o.view) }))),
    toJSON: () => head.toJSON(),
  };
}

/** One linear head per position (0 dispatcher, 1 first draft, ...) for `agent`, with `ROUTE_LEARNING` and `learning` on top. */
export function routeHead(
  workflow: Workflow<RouteArtifact>,
  agent: string,
  learner: RouteLearner,
  learning: RouteLearning = {},
): HandoffHead {
  const actions = routeActions(workflow, agent);
  const projectionKeys = workflow.agentById.get(agent)?.interface.projectionKeys ?? [];
  const config: LinearIcqHeadConfig = { actions, projectionKeys, ...ROUTE_LEARNING, ...learning };
  switch (learner) {
    case 'icq':
      return new GatedHead('position', () => new LinearIcqHead(config), 'icq-route');
    case 'independent-mc':
      return new GatedHead('position', () => new LinearMonteCarloHead(config), 'independent-mc-route');
    case 'ucb1':
      return onDiscreteView(new UcbBanditHead(0.5));
  }
}

/** Fresh heads for every agent of a route workflow. */
export function routeHeads(
  workflow: Workflow<RouteArtifact>,
  learner: RouteLearner,
  learning: RouteLearning = {},
): Record<string, HandoffHead> {
  const heads: Record<string, HandoffHead> = {};
  for (const agent of workflow.agents) heads[agent.id] = routeHead(workflow, agent.id, learner, learning);
  return heads;
}

import type { Artifact } from './artifact.ts';

/** A flat record of numbers: categories are small integers, flags 0/1. The only shape heads ever see. */
export type Features = Readonly<Record<string, number>>;

/**
 * What agent i sees at a decision epoch: z_i = (phi_i(x), p_i). `projection` is computed from the artifact by the
 * agent's own interface; `privateState` is the agent's own bookkeeping. Nothing else reaches the head.
 */
export interface InterfaceView {
  readonly projection: Features;
  readonly privateState: Features;
}

/**
 * The runtime's per-agent bookkeeping for the current episode, from which an interface chooses what to expose as
 * private state. It holds this agent's own counters only, never another agent's information: in the distributed
 * runtime it lives only in the agent's own worker.
 */
export interface LocalState {
  /** Work units done since this agent last received the artifact. */
  readonly consecutiveWork: number;
  /** Work units done by this agent in the episode. */
  readonly workUnits: number;
  /** Times this agent has received the artifact in the episode (the entry agent starts at 1). */
  readonly receipts: number;
}

/**
 * What is left of the episode's budget when this epoch began. It is not private state: the counters travel with the
 * artifact, like the lap count on a relay baton, so whoever holds the artifact sees them (and only the holder). The
 * runtime enforces the budget through the legal set (only submit once it is spent; no handoff once handoffs are);
 * an interface may also expose these numbers to its head (docs/decisions/0008-episode-kernel.md).
 */
export interface BudgetLeft {
  /** Work units left in the episode's budget. */
  readonly steps: number;
  /** Handoffs left in the episode's budget. */
  readonly handoffs: number;
}

/**
 * An agent's window on the artifact. `project` must be a pure function of the artifact (plus `rng` for interfaces
 * that blur on purpose); it is what makes the interface constraint real.
 */
export interface AgentInterface<T> {
  /** The feature names, in the order neural heads flatten them. */
  readonly projectionKeys: readonly string[];
  /** The private-state feature names, in order. */
  readonly privateKeys?: readonly string[];
  project(artifact: Artifact<T>, rng: () => number): Features;
  /** The agent's private state from its own counters and, if it wants them, the budget counters riding on the artifact. */
  privateState?(local: LocalState, budget: BudgetLeft): Features;
}

/** Flattens a view into `out` (projection keys first, then private keys) for neural heads. */
export function flattenView(
  view: InterfaceView,
  projectionKeys: readonly string[],
  privateKeys: readonly string[],
  out = new Float32Array(projectionKeys.length + privateKeys.length),
): Float32Array {
  let i = 0;
  for (const key of projectionKeys) out[i++] = view.projection[key] ?? 0;
  for (const key of privateKeys) out[i++] = view.privateState[key] ?? 0;
  return out;
}

/** A stable string key for a view (sorted names), used by tabular heads and signatures. */
export function viewKey(view: InterfaceView): string {
  let key = '';
  for (const name of Object.keys(view.projection).sort()) key += `${name}=${String(view.projection[name])};`;
  key += '|';
  for (const name of Object.keys(view.privateState).sort()) key += `${name}=${String(view.privateState[name])};`;
  return key;
}

/**
 * The shared shape of the benchmark: a chain of `handoffs + 1` agents (`agent_0` ... `agent_N`) handing one
 * artifact along; agent i may only hand to agent i+1 and the last one finishes. Every framework builds the chain
 * once, then runs it many times; only runs are timed.
 */

/** What one run of a chain reports, read back from the framework's own result (never from our own counters). */
export interface ChainRun {
  /** Agent names in the order they held the artifact, `agent_0` first. */
  readonly path: readonly string[];
  /** Handoffs the framework performed. */
  readonly handoffs: number;
}

/** A built chain, ready to run repeatedly. */
export interface Chain {
  run(): Promise<ChainRun>;
  /** Releases what the chain holds (an audit log's file), after the last run. */
  close?(): Promise<void>;
}

/** The frameworks (and Baton variants) the benchmark knows how to build. */
export const FRAMEWORKS = ['baton', 'batonAudit', 'batonEval', 'langgraph', 'openaiAgents', 'openaiAgentsFullHistory', 'bareHop'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** The name of agent i; the same in every framework so paths compare directly. */
export function agentName(i: number): string {
  return `agent_${i}`;
}

/** The text of the artifact every framework starts with. */
export const ARTIFACT_TEXT = 'draft: prove that the sum of two even numbers is even';

/**
 * Called once per handoff by every implementation (from its scripted model or work function). A no-op while
 * timing; the memory probe swaps in a heap sampler, so all three frameworks are sampled at the same point.
 */
export const probe = { hop: (): void => {} };

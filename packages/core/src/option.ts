import type { Action } from './action.ts';
import type { Artifact } from './artifact.ts';
import type { AgentInterface, BudgetLeft, LocalState } from './interface.ts';
import type { Rng } from './rng.ts';

/** Tokens, dollars and timing of one unit of work, as reported to the audit log and budgets. */
export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly costUsd?: number;
  /** The model that did the work, e.g. `gpt-4o-mini`; absent for tool agents. */
  readonly model?: string;
  readonly latencyMs?: number;
}

/** Input plus output tokens of a usage report (0 for what it does not report). */
export function usageTokens(usage: Usage | undefined): number {
  return (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
}

/** What an option may look at while working: its own local state, the episode's seeded randomness and a signal. */
export interface WorkContext {
  readonly agentId: string;
  readonly episodeId: string;
  readonly local: LocalState;
  /** What is left of the episode's budget (it rides on the artifact; see BudgetLeft). */
  readonly budget: BudgetLeft;
  readonly rng: Rng;
  /** Aborted when the episode is cancelled (both runtimes pass it): long work (an LLM call) should stop. */
  readonly signal?: AbortSignal;
}

/** One unit of work. Omit `value` when the artifact is unchanged. */
export interface WorkResult<T> {
  readonly value?: T;
  /** Reward earned during the work, usually minus its cost. Must be finite. */
  readonly reward?: number;
  /** How long the work took in the workflow's duration unit (steps, tokens or seconds). Defaults to 1. */
  readonly duration?: number;
  readonly usage?: Usage;
  /** Free-form, JSON-safe notes for the audit log (a verdict, a tool's exit code). Never secrets. */
  readonly notes?: Readonly<Record<string, unknown>>;
}

/**
 * An agent wrapped as an option: it works on the artifact for a random duration, then reaches a decision epoch
 * where its head picks continue, handoff:j or submit.
 */
export interface AgentOption<T> {
  readonly id: string;
  /** What the agent's head sees. */
  readonly interface: AgentInterface<T>;
  work(artifact: Artifact<T>, ctx: WorkContext): Promise<WorkResult<T>> | WorkResult<T>;
  /** Whether this agent may submit (default true). A dispatcher that only routes sets false. */
  readonly canSubmit?: boolean;
  /** Whether this agent may keep the artifact for another unit of work (default true). */
  readonly canContinue?: boolean;
  /**
   * Narrows the legal set at this agent's decision epochs from the artifact: actions the artifact rules out are
   * masked, never offered (a model that has already drafted, a recording that lacks this prompt). Return a subset of
   * `legal`; an empty result leaves submit.
   */
  mask?(artifact: Artifact<T>, legal: readonly Action[]): readonly Action[];
}

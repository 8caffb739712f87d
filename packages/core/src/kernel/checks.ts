import type { Action } from '../action.ts';
import type { Artifact } from '../artifact.ts';
import { EpisodeError } from '../errors.ts';
import type { Usage, WorkResult } from '../option.ts';
import type { Budget, Grade, Workflow } from '../workflow.ts';
import { agentTableOf, ONLY_SUBMIT, type AgentTable } from './tables.ts';

/** Throws an EpisodeError unless `value` is a finite number (rewards, durations, targets). */
export function finite(value: unknown, what: string, episodeId: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EpisodeError(`${what} is ${String(value)}; rewards and durations must be finite`, { episodeId, code: 'episode.non-finite' });
  }
  return value;
}

/** The usage of work that reported none (shared, frozen). */
export const NO_USAGE: Usage = Object.freeze({});

/**
 * A work result's reward, duration and usage, checked: finite reward, finite non-negative duration. (Messages are
 * built only when a check fails: this runs at every epoch.)
 */
export function checkedWork(given: unknown, agent: string, episodeId: string): { reward: number; tau: number; usage: Usage } {
  // Read as untrusted: an option written in plain JS can return anything.
  if (typeof given !== 'object' || given === null)
    throw new EpisodeError(`work of "${agent}" returned ${String(given)}, not a work result`, { episodeId, code: 'episode.bad-work' });
  const result = given as WorkResult<unknown>;
  const reward = result.reward ?? 0;
  if (!Number.isFinite(reward)) finite(reward, `reward from "${agent}"`, episodeId);
  const tau = result.duration ?? 1;
  if (!Number.isFinite(tau)) finite(tau, `duration from "${agent}"`, episodeId);
  if (tau < 0) throw new EpisodeError(`duration from "${agent}" is negative`, { episodeId });
  return { reward, tau, usage: result.usage ?? NO_USAGE };
}

/** A grader's result, checked: a finite reward; usage and notes when the grader gave them. */
export function checkedGrade(given: number | Grade, episodeId: string): Grade {
  // A grader written in plain JS can return null; `finite` then names it.
  const result = given as number | Grade | null;
  if (typeof result === 'object' && result !== null) return { ...result, reward: finite(result.reward, 'grader reward', episodeId) };
  return { reward: finite(result, 'grader reward', episodeId) };
}

/** The `submit` event's grading fields: a grade's usage and notes, when present. */
export function gradeFields(grade: Grade): { usage?: Usage; notes?: Readonly<Record<string, unknown>> } {
  return { ...(grade.usage ? { usage: grade.usage } : {}), ...(grade.notes ? { notes: grade.notes } : {}) };
}

/**
 * The actions open to `agentId` when the budget is not exhausted, narrowed by the agent's `mask` when an artifact is
 * given. Never empty: submit is the fallback. Unmasked sets are frozen and shared between epochs (read-only).
 */
export function legalActionsFor<T>(
  workflow: Workflow<T>,
  agentId: string,
  handoffsSoFar: number,
  artifact?: Artifact<T>,
): readonly Action[] {
  return legalFromTable(workflow, agentTableOf(workflow, agentId), handoffsSoFar, artifact);
}

/** `legalActionsFor` from the agent's row of the workflow's tables (a driver that holds the row looks nothing up). */
export function legalFromTable<T>(
  workflow: Workflow<T>,
  table: AgentTable,
  handoffsSoFar: number,
  artifact?: Artifact<T>,
): readonly Action[] {
  const legal = handoffsSoFar < workflow.budget.maxHandoffs ? table.open : table.closed;
  const agent = artifact ? table.agent : undefined;
  if (!agent?.mask || !artifact) return legal;
  const open = new Set(agent.mask(artifact, legal)); // called on the agent: a mask may use `this`
  const masked = legal.filter((action) => open.has(action));
  return masked.length > 0 ? masked : ONLY_SUBMIT;
}

/** Whether the episode's budget forces the holder to submit. */
export function budgetExhausted(budget: Budget, steps: number, tokens: number, costUsd: number): boolean {
  return (
    steps >= budget.maxSteps ||
    (budget.maxTokens !== undefined && tokens >= budget.maxTokens) ||
    (budget.maxDollars !== undefined && costUsd >= budget.maxDollars)
  );
}

/**
 * The target completed at a decision epoch: u = r + gamma^tau * value(z'), times gamma^transferTime when it is the
 * scalar owed across a handoff (ICQ.md).
 */
export function epochTarget(gamma: number, reward: number, tau: number, value: number, transferTime: number | undefined): number {
  const u = reward + Math.pow(gamma, tau) * value;
  // gamma^0 is 1: no transfer time, nothing to discount (u * 1 is u, bit for bit).
  return transferTime ? u * Math.pow(gamma, transferTime) : u;
}

/**
 * The discounted return-to-go of a decision made at `time`, when the episode's discounted return had reached
 * `discountedBefore` (every reward earned before the decision, discounted to time 0) and ended at `finalReturn`:
 * (finalReturn - discountedBefore) / gamma^time. Forward bookkeeping only, so an agent can compute its own decisions'
 * returns from two numbers it saw and the episode's final return, never the other agents' rewards. Both runtimes use
 * this formula. Precision: relative error grows like 1e-16 / gamma^time, so it suits durations counted in steps or
 * seconds; with durations in tokens and gamma < 1, gamma^time can underflow (see docs/decisions/0008-episode-kernel.md).
 */
export function returnToGo(finalReturn: number, discountedBefore: number, time: number, gamma: number): number {
  return (finalReturn - discountedBefore) / Math.pow(gamma, time);
}

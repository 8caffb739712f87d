import type { z } from 'zod';
import { compiledSchema, type Artifact } from './artifact.ts';
import { UserError } from './errors.ts';
import { tablesOf } from './kernel/tables.ts';
import type { AgentOption, Usage } from './option.ts';

/**
 * Limits that make endless loops impossible: when one is exhausted the holder's only legal action is submit.
 * `maxSteps` and `maxHandoffs` are required so that every workflow states its worst case.
 */
export interface Budget {
  /** Work units per episode, across all agents. */
  readonly maxSteps: number;
  /** Handoffs per episode. */
  readonly maxHandoffs: number;
  /** Tokens per episode (input + output), when agents report usage. */
  readonly maxTokens?: number;
  /** Dollars per episode, when agents report cost. */
  readonly maxDollars?: number;
}

/**
 * What a grader may return instead of a bare R: the reward plus what grading cost (a judge panel's calls) and why
 * (its verdict). Both go into the `submit` event, so the audit log shows them, and the cost counts toward the episode.
 */
export interface Grade {
  readonly reward: number;
  readonly usage?: Usage;
  /** Free-form, JSON-safe, e.g. `{ verdict: {...} }`. */
  readonly notes?: Readonly<Record<string, unknown>>;
}

/** Terminal reward R paid to the submitter (e.g. 1 for a correct answer, 0 otherwise), or a `Grade`. Must be finite. */
export type Grader<T> = (artifact: Artifact<T>) => number | Grade | Promise<number | Grade>;

export interface WorkflowConfig<T> {
  /** A name for logs, e.g. `synthetic` or `math`. */
  readonly name: string;
  /** Schema every artifact version must satisfy. */
  readonly artifact: z.ZodType<T>;
  readonly agents: readonly AgentOption<T>[];
  /** The agent that receives the artifact first. */
  readonly entry: string;
  /**
   * Who each agent may hand to. An edge that jumps past agents later in `order` is a skip (AgensFlow's term); runs
   * count how often each agent was skipped.
   */
  readonly successors: Readonly<Record<string, readonly string[]>>;
  readonly grader: Grader<T>;
  readonly budget: Budget;
  /** gamma per unit of duration, in (0, 1]. Default 0.99. */
  readonly discount?: number;
  /** Duration a handoff itself takes; the scalar is discounted by gamma^transferTime. Default 0. */
  readonly transferTime?: number;
  /** Nominal order of the agents for skip accounting. Default: the order of `agents`. */
  readonly order?: readonly string[];
}

/** A validated workflow. Construct with `defineWorkflow`. */
export interface Workflow<T> extends WorkflowConfig<T> {
  readonly discount: number;
  readonly transferTime: number;
  readonly order: readonly string[];
  readonly agentById: ReadonlyMap<string, AgentOption<T>>;
}

function isNonNegativeInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** `given` is read as untrusted: a plain-JS caller can pass anything. */
function checkBudget(given: unknown): void {
  if (given === undefined || given === null || typeof given !== 'object')
    throw new UserError('a budget is required (maxSteps, maxHandoffs)', { field: 'budget' });
  const budget = given as Budget;
  if (!isNonNegativeInteger(budget.maxSteps) || budget.maxSteps < 1) {
    throw new UserError(`must be a positive integer, got ${String(budget.maxSteps)}`, { field: 'budget.maxSteps' });
  }
  if (!isNonNegativeInteger(budget.maxHandoffs)) {
    throw new UserError(`must be a non-negative integer, got ${String(budget.maxHandoffs)}`, { field: 'budget.maxHandoffs' });
  }
  for (const key of ['maxTokens', 'maxDollars'] as const) {
    const v = budget[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      throw new UserError(`must be a positive number, got ${String(v)}`, { field: `budget.${key}` });
    }
  }
}

/**
 * Validates a workflow and returns it ready to run. Every mistake is a UserError naming the field: an unknown
 * successor, a missing entry, no path from the entry to an agent that may submit, a bad budget.
 * @example
 * const wf = defineWorkflow({ name: 'pair', artifact: schema, agents: [a, b], entry: 'a',
 *   successors: { a: ['b'], b: [] }, grader: (x) => (x.value.done ? 1 : 0), budget: { maxSteps: 10, maxHandoffs: 4 } });
 */
export function defineWorkflow<T>(config: WorkflowConfig<T>): Workflow<T> {
  if (!config.name) throw new UserError('is required', { field: 'name' });
  // The config is checked as a plain-JS caller may have written it: fields can be missing or of the wrong type.
  if (!(config.agents as readonly AgentOption<T>[] | undefined)?.length)
    throw new UserError('at least one agent is required', { field: 'agents' });
  const agentById = new Map<string, AgentOption<T>>();
  config.agents.forEach((agent, i) => {
    if (!agent.id) throw new UserError('is required', { field: `agents[${i}].id` });
    if (agentById.has(agent.id)) throw new UserError(`duplicate agent id "${agent.id}"`, { field: `agents[${i}].id` });
    agentById.set(agent.id, agent);
  });
  if (!config.entry) throw new UserError('an entry agent is required', { field: 'entry' });
  if (!agentById.has(config.entry)) throw new UserError(`unknown agent "${config.entry}"`, { field: 'entry' });
  const successors: unknown = config.successors;
  if (!successors || typeof successors !== 'object') throw new UserError('is required', { field: 'successors' });
  for (const [from, targets] of Object.entries(config.successors)) {
    if (!agentById.has(from)) throw new UserError(`unknown agent "${from}"`, { field: `successors.${from}` });
    targets.forEach((to, i) => {
      if (!agentById.has(to)) throw new UserError(`unknown successor "${to}"`, { field: `successors.${from}[${i}]` });
      if (to === from) throw new UserError(`an agent cannot hand off to itself (use continue)`, { field: `successors.${from}[${i}]` });
    });
  }
  checkBudget(config.budget);
  const discount = config.discount ?? 0.99;
  if (!(discount > 0 && discount <= 1)) throw new UserError(`must be in (0, 1], got ${discount}`, { field: 'discount' });
  const transferTime = config.transferTime ?? 0;
  if (!(transferTime >= 0 && Number.isFinite(transferTime)))
    throw new UserError(`must be >= 0, got ${transferTime}`, { field: 'transferTime' });
  const order = config.order ?? config.agents.map((a) => a.id);
  order.forEach((id, i) => {
    if (!agentById.has(id)) throw new UserError(`unknown agent "${id}"`, { field: `order[${i}]` });
  });
  if (typeof config.grader !== 'function') throw new UserError('must be a function', { field: 'grader' });

  // Some agent reachable from the entry must be able to submit.
  const seen = new Set([config.entry]);
  const queue = [config.entry];
  let canSubmit = false;
  while (queue.length) {
    const id = queue.shift() as string;
    if (agentById.get(id)?.canSubmit !== false) canSubmit = true;
    for (const next of config.successors[id] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  if (!canSubmit) throw new UserError(`no agent reachable from "${config.entry}" may submit`, { field: 'successors' });

  const workflow: Workflow<T> = Object.freeze({ ...config, discount, transferTime, order, agentById });
  // What every epoch looks up (legal sets, handoff targets, places in the order) and the schema's compiled parser are
  // made here, once, rather than by the first episode.
  tablesOf(workflow);
  compiledSchema(workflow.artifact);
  return workflow;
}

/** The agents a handoff from `from` to `to` jumps past in the workflow's nominal order. */
export function skippedBy(order: readonly string[], from: string, to: string): string[] {
  const i = order.indexOf(from);
  const j = order.indexOf(to);
  return i >= 0 && j > i + 1 ? order.slice(i + 1, j) : [];
}

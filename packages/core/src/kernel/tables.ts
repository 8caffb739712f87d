import { CONTINUE, SUBMIT, handoff, type Action } from '../action.ts';
import type { AgentOption } from '../option.ts';
import type { Workflow } from '../workflow.ts';

/**
 * What the kernel looks up about a workflow at every epoch, built once per workflow (`defineWorkflow` builds it, so
 * no episode pays for it; a workflow does not change once defined): each agent's place in the nominal order (skip
 * accounting), its legal sets before masking, as frozen arrays that every epoch, head and event can share, and where
 * each of its handoffs goes.
 */
interface WorkflowTables {
  readonly position: ReadonlyMap<string, number>;
  readonly agents: ReadonlyMap<string, AgentTable>;
}

/** One agent's row of the tables. */
export interface AgentTable {
  /** Its index in the workflow's agents (a driver's per-agent arrays use it), -1 for an id the workflow does not know. */
  readonly slot: number;
  /** The workflow's option of that id (undefined for an id it does not know). */
  readonly agent: AgentOption<unknown> | undefined;
  /** Its place in the workflow's nominal order (undefined when the order leaves it out). */
  readonly position: number | undefined;
  /** Its legal set while handoffs are left. */
  readonly open: readonly Action[];
  /** Its legal set once they are spent. */
  readonly closed: readonly Action[];
  /** Per action of `open`: the agent it hands to (the id as the workflow's successors name it), else undefined. */
  readonly targets: readonly (string | undefined)[];
  /** Per action of `open`: its target's place in the nominal order (undefined for other actions and unordered targets). */
  readonly targetPositions: readonly (number | undefined)[];
}

const tables = new WeakMap<object, WorkflowTables>();

/** The workflow's tables, built on first use (defineWorkflow makes that use). */
export function tablesOf<T>(workflow: Workflow<T>): WorkflowTables {
  let found = tables.get(workflow);
  if (!found) {
    const position = new Map(workflow.order.map((id, i) => [id, i]));
    const agents = new Map<string, AgentTable>();
    for (const id of workflow.agentById.keys()) agents.set(id, agentTable(workflow, position, id, agents.size));
    tables.set(workflow, (found = { position, agents }));
  }
  return found;
}

/** Only submit: what an exhausted budget leaves (and the fallback of an empty mask). */
export const ONLY_SUBMIT: readonly Action[] = Object.freeze([SUBMIT]);

/**
 * `text` as the engine keeps property names (one shared copy). Actions key every decision's Q-values and ids key
 * heads and holders; made property names here, once, no episode's first decision has to look them up.
 */
function propertyName<S extends string>(text: S): S {
  return Object.keys({ [text]: 0 })[0] as S;
}

function agentTable<T>(workflow: Workflow<T>, position: ReadonlyMap<string, number>, agentId: string, slot: number): AgentTable {
  const agent = workflow.agentById.get(agentId);
  const canContinue = agent?.canContinue !== false;
  const successors = workflow.successors[agentId] ?? [];
  const open: Action[] = canContinue ? [CONTINUE] : [];
  const targets: (string | undefined)[] = canContinue ? [undefined] : [];
  const targetPositions: (number | undefined)[] = canContinue ? [undefined] : [];
  for (const to of successors) {
    open.push(propertyName(handoff(to)));
    targets.push(propertyName(to));
    targetPositions.push(position.get(to));
  }
  const closed: Action[] = canContinue ? [CONTINUE] : [];
  if (agent?.canSubmit !== false || open.length === 0) {
    open.push(SUBMIT);
    targets.push(undefined);
    targetPositions.push(undefined);
  }
  if (agent?.canSubmit !== false || closed.length === 0) closed.push(SUBMIT);
  return {
    slot,
    agent,
    position: position.get(agentId),
    open: Object.freeze(open),
    closed: Object.freeze(closed),
    targets: Object.freeze(targets),
    targetPositions: Object.freeze(targetPositions),
  };
}

/** The agent's row, or one computed for this call for an id the workflow does not know (the caller reports it). */
export function agentTableOf<T>(workflow: Workflow<T>, agentId: string): AgentTable {
  const found = tablesOf(workflow);
  return found.agents.get(agentId) ?? agentTable(workflow, found.position, agentId, -1);
}

/** The agents a handoff from -> to jumps past in the workflow's order (O(skipped) per handoff). */
export function jumpedBy<T>(workflow: Workflow<T>, from: string, to: string): readonly string[] {
  const position = tablesOf(workflow).position;
  return skippedBetween(workflow, position.get(from), position.get(to));
}

/** The agents between places i and j of the nominal order, when j is past i + 1 (else none, shared). */
export function skippedBetween<T>(workflow: Workflow<T>, i: number | undefined, j: number | undefined): readonly string[] {
  return i !== undefined && j !== undefined && j > i + 1 ? workflow.order.slice(i + 1, j) : NONE;
}

const NONE: readonly string[] = Object.freeze([]);

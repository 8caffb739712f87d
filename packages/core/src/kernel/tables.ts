import { CONTINUE, SUBMIT, handoff, type Action } from '../action.ts';
import type { Workflow } from '../workflow.ts';

/**
 * What the kernel looks up about a workflow at every epoch, built once per workflow on first use (a workflow does
 * not change once defined): each agent's place in the nominal order (skip accounting) and its legal sets before
 * masking, as frozen arrays that every epoch, head and event can share.
 */
interface WorkflowTables {
  readonly position: ReadonlyMap<string, number>;
  /** Per agent: its legal set while handoffs are left, and once they are spent. */
  readonly legal: Map<string, LegalSets>;
}

interface LegalSets {
  readonly open: readonly Action[];
  readonly closed: readonly Action[];
}

const tables = new WeakMap<object, WorkflowTables>();

function tablesOf<T>(workflow: Workflow<T>): WorkflowTables {
  let found = tables.get(workflow);
  if (!found) tables.set(workflow, (found = { position: new Map(workflow.order.map((id, i) => [id, i])), legal: new Map() }));
  return found;
}

/** Only submit: what an exhausted budget leaves (and the fallback of an empty mask). */
export const ONLY_SUBMIT: readonly Action[] = Object.freeze([SUBMIT]);

function legalSet<T>(workflow: Workflow<T>, agentId: string, withHandoffs: boolean): readonly Action[] {
  const agent = workflow.agentById.get(agentId);
  const legal: Action[] = [];
  if (agent?.canContinue !== false) legal.push(CONTINUE);
  if (withHandoffs) for (const to of workflow.successors[agentId] ?? []) legal.push(handoff(to));
  if (agent?.canSubmit !== false || legal.length === 0) legal.push(SUBMIT);
  return Object.freeze(legal);
}

/** The agent's legal set before masking: with its handoffs while the budget has handoffs left, else without. */
export function unmaskedLegal<T>(workflow: Workflow<T>, agentId: string, handoffsLeft: boolean): readonly Action[] {
  const byAgent = tablesOf(workflow).legal;
  let sets = byAgent.get(agentId);
  if (!sets) {
    sets = { open: legalSet(workflow, agentId, true), closed: legalSet(workflow, agentId, false) };
    // Only the workflow's own agents are kept (an unknown id is an error the caller reports).
    if (workflow.agentById.has(agentId)) byAgent.set(agentId, sets);
  }
  return handoffsLeft ? sets.open : sets.closed;
}

/** The agents a handoff from -> to jumps past in the workflow's order (O(skipped) per handoff). */
export function jumpedBy<T>(workflow: Workflow<T>, from: string, to: string): readonly string[] {
  const position = tablesOf(workflow).position;
  const i = position.get(from);
  const j = position.get(to);
  return i !== undefined && j !== undefined && j > i + 1 ? workflow.order.slice(i + 1, j) : NONE;
}

const NONE: readonly string[] = Object.freeze([]);

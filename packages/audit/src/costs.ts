import type { AuditRecord } from './format.ts';
import { readAuditLog } from './read.ts';

export interface CostLine {
  readonly dollars: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Units of work paid for. */
  readonly work: number;
}

export interface AuditCosts {
  readonly total: CostLine;
  /** Keyed by agent id: the work each agent did; `(grader)` is what grading at submit cost (a judge panel). */
  readonly agents: Readonly<Record<string, CostLine & { readonly models: readonly string[] }>>;
  /**
   * Keyed by `from->to` (`start->entry` for the entry's first stint): the work the receiver did while it held the
   * artifact after that handoff, i.e. what taking that edge cost. `count` is how often the edge was taken.
   */
  readonly edges: Readonly<Record<string, CostLine & { readonly count: number }>>;
}

const zero = (): { dollars: number; inputTokens: number; outputTokens: number; work: number } => ({
  dollars: 0,
  inputTokens: 0,
  outputTokens: 0,
  work: 0,
});

/** The line for grading done at submit time; parenthesised so that it cannot be an agent id's. */
export const GRADER_LINE = '(grader)';

/** Dollars and tokens per agent and per handoff edge, from a log's work-end records and graded submits. */
export async function auditCosts(source: string | readonly string[] | readonly AuditRecord[]): Promise<AuditCosts> {
  const records =
    typeof source !== 'string' && typeof source[0] === 'object'
      ? (source as readonly AuditRecord[])
      : await readAuditLog(source as string | readonly string[]);
  const total = zero();
  // Keyed by names read from the log: null-prototype, so an agent called `__proto__` is a line, not Object.prototype.
  const agents: Record<string, ReturnType<typeof zero> & { models: string[] }> = Object.create(null) as Record<string, never>;
  const edges: Record<string, ReturnType<typeof zero> & { count: number }> = Object.create(null) as Record<string, never>;
  const currentEdge = new Map<string, string>();
  for (const rec of records) {
    if (rec.kind !== 'event') continue;
    const e = rec.event;
    if (e.type === 'episode-start' || e.type === 'handoff') {
      const key = e.type === 'episode-start' ? `start->${e.entry}` : `${e.from}->${e.to}`;
      currentEdge.set(e.episodeId, key);
      (edges[key] ??= { ...zero(), count: 0 }).count += 1;
      continue;
    }
    if (e.type !== 'work-end' && e.type !== 'submit') continue;
    const usage = e.usage;
    if (usage === undefined) continue;
    const dollars = usage.costUsd ?? 0;
    const inputTokens = usage.inputTokens ?? 0;
    const outputTokens = usage.outputTokens ?? 0;
    const agent = (agents[e.type === 'submit' ? GRADER_LINE : e.agent] ??= { ...zero(), models: [] });
    if (usage.model !== undefined && !agent.models.includes(usage.model)) agent.models.push(usage.model);
    const edgeKey = currentEdge.get(e.episodeId);
    for (const line of [total, agent, edgeKey === undefined ? undefined : edges[edgeKey]]) {
      if (!line) continue;
      line.dollars += dollars;
      line.inputTokens += inputTokens;
      line.outputTokens += outputTokens;
      line.work += 1;
    }
  }
  return { total, agents, edges };
}

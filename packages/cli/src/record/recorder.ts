import { createHash } from 'node:crypto';
import { BatonError, UserError, type ModelAdapter } from '@baton/core';
import type { PromptRow } from '@baton/adapters';
import { callKey, type CallJournal, type JournalEntry } from './journal.ts';

/** One model to record: its column name and the adapter that calls it. */
export interface RecordModel {
  readonly name: string;
  readonly adapter: ModelAdapter;
}

export interface RecordPlan {
  readonly prompts: readonly PromptRow[];
  readonly models: readonly RecordModel[];
  readonly journal: CallJournal;
  /** Calls in flight at once. */
  readonly concurrency: number;
  /** Dollars the whole recording may spend, earlier runs' journal included; no new call starts once reached. */
  readonly budgetUsd?: number;
  /** Make calls again that failed in an earlier run (default: a failure is final, it is in the journal). */
  readonly retryFailed?: boolean;
  /** Called after every finished call. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface RecordSummary {
  /** Calls the plan has (prompts x models). */
  readonly calls: number;
  /** Finished before this run (read back from the journal). */
  readonly resumed: number;
  /** Made by this run. */
  readonly made: number;
  /** Failed calls (after the adapters' retries) per model, this run and earlier ones; with the first reason. */
  readonly failed: Readonly<Record<string, { count: number; first: string }>>;
  /** Calls not started because the budget was reached. */
  readonly notStarted: number;
  /** Dollars of every call in the journal. */
  readonly spentUsd: number;
}

export const promptSha = (prompt: string): string => createHash('sha256').update(prompt).digest('hex');

/** Clipped, single-line reason for a failed call; provider errors carry their code. Keys never reach messages. */
function reasonOf(error: unknown): string {
  const text = error instanceof BatonError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** The journal's entry for a call of `plan` when it is reusable; a UserError when it belongs to another task or model. */
function journalled(plan: RecordPlan, row: PromptRow, model: RecordModel, sha: string): JournalEntry | undefined {
  const entry = plan.journal.entries.get(callKey(row.id, model.name));
  if (entry === undefined) return undefined;
  if (entry.promptSha !== sha)
    throw new UserError(
      `${plan.journal.path}: prompt "${row.id}" was recorded with another text; the task file changed since (use another --out, or delete the journal)`,
      { field: '--out', code: 'user.bad-data' },
    );
  if (entry.modelId !== model.adapter.model)
    throw new UserError(
      `${plan.journal.path}: "${model.name}" was recorded as model ${entry.modelId}, the bindings now say ${model.adapter.model} (use another --out, or delete the journal)`,
      { field: '--out', code: 'user.bad-data' },
    );
  return entry.status === 'failed' && plan.retryFailed ? undefined : entry;
}

/**
 * Calls every model on every prompt that the journal does not already hold, `concurrency` at a time, journalling
 * each finished call (answer or failure) before it counts. A failed call (the adapter has already retried) is
 * journalled as failed and the run goes on; a UserError (a caller's mistake, e.g. a missing price) stops it.
 */
export async function recordCalls(plan: RecordPlan): Promise<RecordSummary> {
  const todo: { row: PromptRow; model: RecordModel; sha: string }[] = [];
  for (const row of plan.prompts) {
    const sha = promptSha(row.prompt);
    for (const model of plan.models) if (journalled(plan, row, model, sha) === undefined) todo.push({ row, model, sha });
  }
  const calls = plan.prompts.length * plan.models.length;
  const spentSoFar = (): number => [...plan.journal.entries.values()].reduce((s, e) => s + e.costUsd, 0);
  let spent = spentSoFar();
  let done = calls - todo.length;
  const resumed = done;
  let made = 0;
  let next = 0;
  let stop: UserError | undefined;
  plan.onProgress?.(done, calls, resumed > 0 ? `resumed ${resumed}` : '');
  const worker = async (): Promise<void> => {
    while (stop === undefined && next < todo.length) {
      if (plan.budgetUsd !== undefined && spent >= plan.budgetUsd) return;
      const { row, model, sha } = todo[next++] as (typeof todo)[number];
      const base = { id: row.id, model: model.name, modelId: model.adapter.model, promptSha: sha };
      let entry: JournalEntry;
      try {
        const r = await model.adapter.generate([{ role: 'user', content: row.prompt }]);
        entry = { ...base, status: 'ok', text: r.text, costUsd: r.costUsd, ...r.usage, latencyMs: Math.round(r.latencyMs) };
      } catch (error) {
        if (error instanceof UserError) {
          stop ??= error;
          return;
        }
        entry = { ...base, status: 'failed', costUsd: 0, error: reasonOf(error) };
      }
      plan.journal.append(entry);
      spent += entry.costUsd;
      made++;
      plan.onProgress?.(++done, calls, `$${spent.toFixed(4)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, Math.max(1, todo.length)) }, worker));
  if (stop !== undefined) throw stop;
  const failed: Record<string, { count: number; first: string }> = {};
  const names = new Set(plan.models.map((m) => m.name));
  for (const e of plan.journal.entries.values()) {
    if (e.status !== 'failed' || !names.has(e.model)) continue;
    const f = (failed[e.model] ??= { count: 0, first: e.error ?? '' });
    f.count++;
  }
  return { calls, resumed, made, failed, notStarted: todo.length - next, spentUsd: spentSoFar() };
}

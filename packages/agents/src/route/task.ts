import { UserError } from '@baton/core';
import type { AnswerKind } from './answers.ts';

/** One model's recorded answer to one prompt: the full response text, the data set's 0/1 score and what the call cost. */
export interface RecordedDraft {
  readonly text: string;
  /** The data set's own judgement in [0, 1] (RouterBench: exact match, or unit tests passed for code). */
  readonly score: number;
  /** Dollars the call cost. */
  readonly costUsd: number;
}

/** One prompt with every model's recorded draft. */
export interface RecordedPrompt {
  /** Stable id (the data set's sample id, else a hash of the prompt): used for seeds and folds. */
  readonly id: string;
  /** The prompt as the models saw it (list reprs already decoded). */
  readonly prompt: string;
  readonly drafts: Readonly<Record<string, RecordedDraft>>;
}

/** Recorded outputs of N models on one split of one task: the data set every route method trains or is scored on. */
export interface RecordedTask {
  /** Task name, e.g. `arc_challenge`. */
  readonly name: string;
  /** How answers are read from drafts: picks the extractor. */
  readonly kind: AnswerKind;
  /** Models in column order; every prompt has a draft from each. */
  readonly models: readonly string[];
  readonly prompts: readonly RecordedPrompt[];
  /** Where it was read from, for messages. */
  readonly source: string;
}

/** A row the loader left out, with the line it came from and why. */
export interface SkippedRow {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** A task's own train/test split, both restricted to the same models. */
export interface RecordedSplits {
  readonly train: RecordedTask;
  readonly test: RecordedTask;
  /** Rows skipped in either file (defective cells), each named by file and line. */
  readonly skipped: readonly SkippedRow[];
}

/** The model whose mean accuracy on `task` is highest (ties: the cheaper one): the "best single model" budgets are shares of. */
export function bestModel(task: RecordedTask): string {
  let best = task.models[0] ?? '';
  let bestAcc = -1;
  let bestCost = Infinity;
  for (const model of task.models) {
    const { accuracy, costUsd } = modelMeans(task, model);
    if (accuracy > bestAcc + 1e-12 || (Math.abs(accuracy - bestAcc) <= 1e-12 && costUsd < bestCost)) {
      best = model;
      bestAcc = accuracy;
      bestCost = costUsd;
    }
  }
  return best;
}

/** Mean score and mean dollars per prompt of one model over a task. */
export function modelMeans(task: RecordedTask, model: string): { accuracy: number; costUsd: number } {
  let score = 0;
  let cost = 0;
  for (const p of task.prompts) {
    const d = p.drafts[model];
    if (d === undefined) throw new Error(`prompt ${p.id} has no draft from ${model}`);
    score += d.score;
    cost += d.costUsd;
  }
  const n = Math.max(1, task.prompts.length);
  return { accuracy: score / n, costUsd: cost / n };
}

/** The same task restricted to some of its models (in the given order), for `--models`. */
export function selectModels(task: RecordedTask, models: readonly string[]): RecordedTask {
  for (const m of models)
    if (!task.models.includes(m))
      throw new UserError(`${task.source}: no model "${m}" (has: ${task.models.join(', ')})`, { field: 'models', code: 'user.bad-data' });
  return { ...task, models: [...models] };
}

/**
 * The models no other model dominates on `task` (at least as accurate and at least as cheap, one of them strictly),
 * cheapest first: the candidate pool a learned router starts from, chosen on the train split.
 */
export function paretoModels(task: RecordedTask): string[] {
  const stats = task.models.map((model) => ({ model, ...modelMeans(task, model) }));
  const kept = stats.filter(
    (a) =>
      !stats.some(
        (b) => b !== a && b.accuracy >= a.accuracy && b.costUsd <= a.costUsd && (b.accuracy > a.accuracy || b.costUsd < a.costUsd),
      ),
  );
  return kept.sort((a, b) => a.costUsd - b.costUsd).map((s) => s.model);
}

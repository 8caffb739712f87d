import { ANSWER_EXTRACTORS, sameAnswer, type AnswerExtractor, type DraftAnswer } from '../answers.ts';
import type { RecordedTask } from '../task.ts';

/**
 * Every draft of a task read once: extracted answer, correctness and cost per prompt and model, in flat typed arrays
 * indexed `prompt * models + model`. Every bench method reads this instead of the texts, so a run over 1,000 prompts x
 * 11 models extracts each answer once, not once per method or seed.
 */
export interface TaskTable {
  readonly task: RecordedTask;
  readonly models: readonly string[];
  /** Number of prompts. */
  readonly n: number;
  /** Number of models. */
  readonly m: number;
  /** Answer id, or -1 for no answer. Ids are per prompt: two drafts of one prompt share an id iff `sameAnswer`. */
  readonly answer: Int32Array;
  /** The data set's score of each draft, in [0, 1]. */
  readonly score: Float64Array;
  /** Dollars each call cost. */
  readonly cost: Float64Array;
  /** 1 when the draft has the task's form (DraftAnswer.wellFormed). */
  readonly wellFormed: Uint8Array;
  /** 1 when the draft declines. */
  readonly refusal: Uint8Array;
  /** Reply length in characters. */
  readonly length: Float64Array;
  /** The extracted answers themselves, same index, for features that need more than ids. */
  readonly drafts: readonly DraftAnswer[];
  /** Mean cost per prompt of each model on this split. */
  readonly meanCost: Float64Array;
  /** Mean score of each model on this split. */
  readonly meanScore: Float64Array;
}

const cache = new WeakMap<RecordedTask, TaskTable>();

/**
 * The task's table, computed on first use and cached per task object (so all methods of a run share it). `extractor`
 * overrides the one the task's kind picks; a table built with an override is not cached.
 */
export function taskTable(task: RecordedTask, extractor?: AnswerExtractor): TaskTable {
  const hit = extractor === undefined ? cache.get(task) : undefined;
  if (hit) return hit;
  const read = extractor ?? ANSWER_EXTRACTORS[task.kind];
  const models = task.models;
  const m = models.length;
  const n = task.prompts.length;
  const answer = new Int32Array(n * m);
  const score = new Float64Array(n * m);
  const cost = new Float64Array(n * m);
  const wellFormed = new Uint8Array(n * m);
  const refusal = new Uint8Array(n * m);
  const length = new Float64Array(n * m);
  const drafts: DraftAnswer[] = new Array<DraftAnswer>(n * m);
  const meanCost = new Float64Array(m);
  const meanScore = new Float64Array(m);
  task.prompts.forEach((p, i) => {
    const ids: DraftAnswer[] = [];
    models.forEach((model, j) => {
      const d = p.drafts[model];
      if (d === undefined) throw new Error(`${task.source}: prompt ${p.id} has no draft from ${model}`);
      const k = i * m + j;
      const a = read(d.text, p.prompt);
      drafts[k] = a;
      score[k] = d.score;
      cost[k] = d.costUsd;
      wellFormed[k] = a.wellFormed ? 1 : 0;
      refusal[k] = a.refusal ? 1 : 0;
      length[k] = d.text.length;
      meanCost[j] = (meanCost[j] ?? 0) + d.costUsd / n;
      meanScore[j] = (meanScore[j] ?? 0) + d.score / n;
      if (a.value === null) {
        answer[k] = -1;
        return;
      }
      const same = ids.findIndex((b) => sameAnswer(a, b));
      answer[k] = same >= 0 ? same : ids.push(a) - 1;
    });
  });
  const table: TaskTable = { task, models, n, m, answer, score, cost, wellFormed, refusal, length, drafts, meanCost, meanScore };
  if (extractor === undefined) cache.set(task, table);
  return table;
}

/** Model indices from cheapest to dearest by mean cost on this split (ties: column order). */
export function byMeanCost(table: TaskTable): number[] {
  return [...Array(table.m).keys()].sort((a, b) => (table.meanCost[a] ?? 0) - (table.meanCost[b] ?? 0) || a - b);
}

import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import {
  answerKindOf,
  type AnswerKind,
  type RecordedDraft,
  type RecordedPrompt,
  type RecordedTask,
  type SkippedRow,
} from '@baton/agents/route';
import { UserError } from '@baton/core';
import { readCsv } from './csv.ts';
import { parsePythonStringList, PythonLiteralError } from './python-literal.ts';

/** How to read one wide CSV file of recorded outputs. */
export interface RecordedTaskOptions {
  /** Task name, which picks the answer kind; default the file's name without `.csv` and a `_train`/`_test` suffix. */
  readonly name?: string;
  /** Models to keep, in this order (default: every model, in the file's column order); unknown names are a UserError. */
  readonly models?: readonly string[];
  /** Overrides the kind inferred from the file's `eval_name`, else the task name, else the first prompt (`answerKindOf`). */
  readonly kind?: AnswerKind;
}

/** A loaded task together with the rows left out of it. */
export interface RecordedTaskFile extends RecordedTask {
  /** Defective rows, each named by file and line; a row counts as defective only through the selected models' cells. */
  readonly skipped: readonly SkippedRow[];
}

const RESPONSE = '|model_response';
const COST = '|total_cost';

/** A short stable id for a prompt without a sample id. */
export function promptHashId(prompt: string): string {
  return createHash('sha256').update(prompt).digest('hex').slice(0, 12);
}

/** The models a wide header names: each has `<model>`, `<model>|model_response` and `<model>|total_cost` columns. */
function modelColumns(file: string, header: readonly string[]): string[] {
  const bad = (message: string): UserError => new UserError(`${file}:1: ${message}`, { field: 'data', code: 'user.bad-data' });
  if (!header.includes('prompt')) throw bad('no "prompt" column (is this a RouterBench-style wide CSV?)');
  const columns = new Set(header);
  const models = header.filter((h) => !h.includes('|') && columns.has(`${h}${RESPONSE}`));
  if (models.length === 0) throw bad('no model columns ("<model>", "<model>|model_response", "<model>|total_cost")');
  for (const model of models) if (!columns.has(`${model}${COST}`)) throw bad(`model "${model}" has no "${model}${COST}" column`);
  return models;
}

function chooseModels(file: string, available: readonly string[], wanted: readonly string[] | undefined): string[] {
  if (wanted === undefined) return [...available];
  if (wanted.length === 0) throw new UserError(`${file}: no models selected`, { field: 'models', code: 'user.bad-data' });
  for (const m of wanted)
    if (!available.includes(m))
      throw new UserError(`${file}: no model "${m}" (has: ${available.join(', ')})`, { field: 'models', code: 'user.bad-data' });
  return [...wanted];
}

function listText(cell: string | undefined): { text: string } | { defect: string } {
  if (cell === undefined || cell.trim() === '') return { defect: 'empty' };
  try {
    return { text: parsePythonStringList(cell).join('\n') };
  } catch (error) {
    if (error instanceof PythonLiteralError) return { defect: `not a Python list of strings (${error.message})` };
    throw error;
  }
}

function draftOf(fields: Readonly<Record<string, string>>, model: string): RecordedDraft | string {
  const scoreText = (fields[model] ?? '').trim();
  const score = Number(scoreText);
  if (scoreText === '') return 'empty score';
  if (!Number.isFinite(score) || score < 0 || score > 1) return `score "${scoreText.slice(0, 20)}" is not in [0, 1]`;
  const costText = (fields[`${model}${COST}`] ?? '').trim();
  const costUsd = Number(costText);
  if (costText === '' || !Number.isFinite(costUsd) || costUsd < 0) return `cost "${costText.slice(0, 20)}" is not dollars >= 0`;
  const response = listText(fields[`${model}${RESPONSE}`]);
  if ('defect' in response) return `response ${response.defect === 'empty' ? 'missing' : response.defect}`;
  return { text: response.text, score, costUsd };
}

/** "a: x; b: x; c: y" grouped as "x (a, b); y (c)", so a row with ten empty scores reads as one defect. */
function describeDefects(defects: readonly (readonly [string, string])[]): string {
  const byDefect = new Map<string, string[]>();
  for (const [column, defect] of defects) byDefect.set(defect, [...(byDefect.get(defect) ?? []), column]);
  return [...byDefect].map(([defect, columns]) => `${defect} (${columns.join(', ')})`).join('; ');
}

/** The file's `eval_name` values, most frequent first (RouterBench: one per file, e.g. `arc-challenge`, `mbpp`). */
function evalNames(rows: readonly { readonly fields: Readonly<Record<string, string>> }[]): string[] {
  const counts = new Map<string, number>();
  for (const { fields } of rows) {
    const name = (fields.eval_name ?? '').trim();
    if (name !== '') counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/**
 * Loads one RouterBench-style wide CSV of recorded outputs: an unnamed index, `sample_id`, `prompt` (a Python list
 * repr), `eval_name`, then per model `<model>` (0/1 score), `<model>|model_response` (list repr) and
 * `<model>|total_cost` (dollars), then `oracle_model_to_route_to`. Rows with a defective cell of a selected model
 * (empty or non-numeric score, bad cost, missing or unreadable response) or an unreadable prompt are skipped and
 * listed in `skipped`; a file without the structure (no prompt column, no model columns, not UTF-8) is a UserError
 * naming file and line. A repeated sample id gets `@<line>` appended so ids stay unique.
 * @example
 * const arc = loadRecordedTask('rb/arc_challenge_train.csv', { models: ['mistralai/mixtral-8x7b-chat', 'gpt-4-1106-preview'] });
 * console.log(arc.kind, arc.prompts.length, `${arc.skipped.length} rows skipped`);
 */
export function loadRecordedTask(file: string, options: RecordedTaskOptions = {}): RecordedTaskFile {
  const { header, rows } = readCsv(file);
  const models = chooseModels(file, modelColumns(file, header), options.models);
  const name =
    options.name ??
    basename(file)
      .replace(/\.csv$/i, '')
      .replace(/_(train|test)$/i, '');
  const prompts: RecordedPrompt[] = [];
  const skipped: SkippedRow[] = [];
  const ids = new Set<string>();
  for (const { line, fields } of rows) {
    const defects: [string, string][] = [];
    const prompt = listText(fields.prompt);
    if ('defect' in prompt) defects.push(['prompt', prompt.defect === 'empty' ? 'empty' : prompt.defect]);
    const drafts: Record<string, RecordedDraft> = {};
    for (const model of models) {
      const draft = draftOf(fields, model);
      if (typeof draft === 'string') defects.push([model, draft]);
      else drafts[model] = draft;
    }
    if (defects.length > 0 || 'defect' in prompt) {
      skipped.push({ file, line, reason: describeDefects(defects) });
      continue;
    }
    let id = (fields.sample_id ?? '').trim() || promptHashId(prompt.text);
    if (ids.has(id)) id = `${id}@${line}`;
    ids.add(id);
    prompts.push({ id, prompt: prompt.text, drafts });
  }
  const kind = options.kind ?? answerKindOf([...evalNames(rows), name], prompts[0]?.prompt ?? '');
  return { name, kind, models, prompts, source: file, skipped };
}

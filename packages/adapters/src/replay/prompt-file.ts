import { extname } from 'node:path';
import { UserError } from '@baton/core';
import { readCsv, readJsonlRows } from './csv.ts';
import { promptHashId } from './recorded-task.ts';

/** One prompt to record: its id, the text sent to every model, and the reference answer when the file gives one. */
export interface PromptRow {
  /** The file's `id` (or `sample_id`), else a hash of the prompt. */
  readonly id: string;
  readonly prompt: string;
  /** The file's `gold` (or `answer`): what drafts are graded against. */
  readonly gold?: string;
  /** Where it came from, for messages. */
  readonly line: number;
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => v !== null && typeof v === 'object' && !Array.isArray(v);

const pick = (row: Readonly<Record<string, unknown>>, keys: readonly string[]): unknown => {
  for (const key of keys) if (row[key] !== undefined && row[key] !== '') return row[key];
  return undefined;
};

/**
 * Prompts from a JSONL file (one object per line) or a CSV file with a header: `prompt` (or `question`), optional
 * `id` (or `sample_id`), optional `gold` (or `answer`; a string or number). GSM8K's `{question, answer}` lines read
 * as they are. A bad line, a repeated id, or a repeated prompt without ids is a UserError naming file and line.
 */
export function loadPromptFile(file: string, field = '--tasks'): PromptRow[] {
  const raw: { line: number; row: unknown }[] =
    extname(file).toLowerCase() === '.csv'
      ? readCsv(file).rows.map(({ line, fields }) => ({ line, row: fields }))
      : readJsonlRows(file).map(({ line, value }) => ({ line, row: value }));
  const bad = (line: number, message: string): UserError => new UserError(`${file}:${line}: ${message}`, { field, code: 'user.bad-data' });
  const seen = new Map<string, number>();
  const out: PromptRow[] = [];
  for (const { line, row } of raw) {
    if (!isRecord(row)) throw bad(line, 'expected an object like {"prompt": "..."}');
    const prompt = pick(row, ['prompt', 'question']);
    if (typeof prompt !== 'string' || prompt.trim() === '') throw bad(line, 'needs a non-empty string "prompt" (or "question")');
    const id = pick(row, ['id', 'sample_id']);
    if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') throw bad(line, '"id" must be a string or a number');
    const gold = pick(row, ['gold', 'answer']);
    if (gold !== undefined && typeof gold !== 'string' && typeof gold !== 'number') throw bad(line, '"gold" must be a string or a number');
    const key = id === undefined ? promptHashId(prompt) : String(id).trim();
    const first = seen.get(key);
    if (first !== undefined)
      throw bad(
        line,
        id === undefined ? `the same prompt as line ${first} (give the rows an "id")` : `id "${key}" was used on line ${first}`,
      );
    seen.set(key, line);
    out.push({ id: key, prompt, line, ...(gold === undefined ? {} : { gold: String(gold) }) });
  }
  if (out.length === 0) throw new UserError(`${file} has no prompts`, { field, code: 'user.bad-data' });
  return out;
}

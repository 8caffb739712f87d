import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '@baton/core';
import { cellError, readCsv, readJsonl } from './csv.ts';
import { promptKey, type RecordedOutput, type ReplayDataset, type ReplayRecord } from './records.ts';

export interface RouteLLMFiles {
  /** `gsm8k_responses.csv`: `prompt`, `<model>` True/False, `<model>_response`. */
  readonly responses: string;
  /** `gsm8k_test.jsonl` with `{question, answer}`; gold after `#### `. Optional. */
  readonly gold?: string;
  /** `contaminated_prompts.jsonl` with `eval_prompt`; those prompts are dropped. Optional. */
  readonly contaminated?: string;
}

export interface RouteLLMDataset extends ReplayDataset {
  /** Prompts dropped as contaminated (RouteLLM's evaluation drops them too). */
  readonly dropped: number;
}

/** The files of a RouteLLM GSM8K directory (`gsm8k_responses.csv`, `gsm8k_test.jsonl`, `contaminated_prompts.jsonl`). */
export function routeLLMFiles(dirOrCsv: string): RouteLLMFiles {
  if (!existsSync(dirOrCsv)) throw new UserError(`${dirOrCsv} does not exist`, { field: 'data', code: 'user.missing-file' });
  if (!statSync(dirOrCsv).isDirectory()) return { responses: dirOrCsv };
  const responses = join(dirOrCsv, 'gsm8k_responses.csv');
  if (!existsSync(responses)) throw new UserError(`${dirOrCsv} has no gsm8k_responses.csv`, { field: 'data', code: 'user.missing-file' });
  const gold = join(dirOrCsv, 'gsm8k_test.jsonl');
  const contaminated = join(dirOrCsv, 'contaminated_prompts.jsonl');
  return { responses, ...(existsSync(gold) ? { gold } : {}), ...(existsSync(contaminated) ? { contaminated } : {}) };
}

function parseGold(answer: string): number | undefined {
  const m = /####\s*([-\d,.]+)/.exec(answer);
  if (!m?.[1]) return undefined;
  const n = Number(m[1].replace(/,/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Loads RouteLLM's recorded GSM8K outcomes: one record per prompt with each model's response and its True/False
 * label (as `score` 1/0), the gold number when `gsm8k_test.jsonl` is given, contaminated prompts dropped.
 */
export function loadRouteLLM(dirOrFiles: string | RouteLLMFiles): RouteLLMDataset {
  const files = typeof dirOrFiles === 'string' ? routeLLMFiles(dirOrFiles) : dirOrFiles;
  const { header, rows } = readCsv(files.responses);
  if (!header.includes('prompt')) throw new UserError(`${files.responses}:1: no "prompt" column`, { field: 'data', code: 'user.bad-data' });
  const models = header.filter((h) => h !== 'prompt' && !h.endsWith('_response'));
  for (const model of models) {
    if (!header.includes(`${model}_response`))
      throw new UserError(`${files.responses}:1: column "${model}" has no "${model}_response" column`, {
        field: 'data',
        code: 'user.bad-data',
      });
  }
  if (models.length === 0) throw new UserError(`${files.responses}:1: no model columns`, { field: 'data', code: 'user.bad-data' });

  const gold = new Map<string, number>();
  const goldFile = files.gold;
  if (goldFile) {
    readJsonl(goldFile).forEach((row, i) => {
      const r = row as { question?: unknown; answer?: unknown };
      if (typeof r.question !== 'string' || typeof r.answer !== 'string')
        throw new UserError(`${goldFile}:${i + 1}: needs string "question" and "answer"`, { field: 'data', code: 'user.bad-data' });
      const g = parseGold(r.answer);
      if (g === undefined)
        throw new UserError(`${goldFile}:${i + 1}: answer has no "#### <number>"`, { field: 'data', code: 'user.bad-data' });
      gold.set(promptKey(r.question), g);
    });
  }
  const contaminated = new Set<string>();
  const contaminatedFile = files.contaminated;
  if (contaminatedFile) {
    readJsonl(contaminatedFile).forEach((row, i) => {
      const p = (row as { eval_prompt?: unknown }).eval_prompt;
      if (typeof p !== 'string')
        throw new UserError(`${contaminatedFile}:${i + 1}: needs a string "eval_prompt"`, { field: 'data', code: 'user.bad-data' });
      contaminated.add(promptKey(p));
    });
  }

  const records: ReplayRecord[] = [];
  const excluded = new Map<string, string>();
  const why = `it is listed in ${files.contaminated ?? 'contaminated_prompts.jsonl'} (contaminated: RouteLLM's evaluation drops it, and so does Baton)`;
  for (const { line, fields } of rows) {
    const prompt = fields.prompt ?? '';
    if (!prompt.trim()) throw cellError(files.responses, line, 'prompt', 'is empty');
    if (contaminated.has(promptKey(prompt))) {
      excluded.set(promptKey(prompt), why);
      continue;
    }
    const outputs: Record<string, RecordedOutput> = {};
    for (const model of models) {
      const label = (fields[model] ?? '').trim();
      if (label !== 'True' && label !== 'False') throw cellError(files.responses, line, model, `expected True or False, got "${label}"`);
      outputs[model] = { text: fields[`${model}_response`] ?? '', score: label === 'True' ? 1 : 0 };
    }
    const g = gold.get(promptKey(prompt));
    if (files.gold && g === undefined) throw cellError(files.responses, line, 'prompt', `no gold answer in ${files.gold}`);
    records.push({ prompt, outputs, ...(g === undefined ? {} : { gold: g }) });
  }
  return { models, records, source: files.responses, dropped: excluded.size, excluded };
}

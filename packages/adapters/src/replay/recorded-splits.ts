import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AnswerKind, RecordedDraft, RecordedPrompt, RecordedSplits, RecordedTask } from '@baton/agents/route';
import { UserError } from '@baton/core';
import { countTokens, priceOf, replayDefaultPrices } from './prices.ts';
import { promptKey } from './records.ts';
import { loadRecordedTask } from './recorded-task.ts';
import { loadRouteLLM, type RouteLLMFiles } from './routellm.ts';

/** Which models both splits keep. */
export interface RecordedSplitsOptions {
  /** Models to keep, in this order (default: every model of the train file). */
  readonly models?: readonly string[];
  /** Overrides the answer kind inferred from the task name. */
  readonly kind?: AnswerKind;
}

/**
 * A task's own train/test split: `${dir}/${task}_train.csv` and `${dir}/${task}_test.csv` in the wide format (see
 * `loadRecordedTask`), both restricted to the same models, with the defective rows of both files in `skipped`. A
 * RouteLLM GSM8K directory (one holding `gsm8k_responses.csv`) is read with `loadRouteLLMSplits` instead.
 * @example
 * const { train, test, skipped } = loadRecordedSplits('/data/routerbench_zs', 'arc_challenge');
 * console.log(train.prompts.length, test.prompts.length, `${skipped.length} rows skipped`);
 */
export function loadRecordedSplits(dir: string, task: string, options: RecordedSplitsOptions = {}): RecordedSplits {
  const trainFile = join(dir, `${task}_train.csv`);
  const testFile = join(dir, `${task}_test.csv`);
  if (!existsSync(trainFile) && existsSync(join(dir, 'gsm8k_responses.csv'))) return loadRouteLLMSplits(dir, options);
  for (const f of [trainFile, testFile])
    if (!existsSync(f))
      throw new UserError(`${f} does not exist (the data directory needs ${task}_train.csv and ${task}_test.csv)`, {
        field: 'data',
        code: 'user.missing-file',
      });
  const train = loadRecordedTask(trainFile, { name: task, ...options });
  const test = loadRecordedTask(testFile, { name: task, models: train.models, kind: train.kind });
  const { skipped: trainSkipped, ...trainTask } = train;
  const { skipped: testSkipped, ...testTask } = test;
  return { train: trainTask, test: testTask, skipped: [...trainSkipped, ...testSkipped] };
}

/** Share of RouteLLM prompts that `loadRouteLLMSplits` puts in train. */
export const ROUTELLM_TRAIN_SHARE = 0.7;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * RouteLLM's recorded GSM8K outcomes (see `loadRouteLLM`; contaminated prompts dropped) as a train/test split. The
 * file has no split of its own, so a prompt goes to train when the first 32 bits of the sha256 of its whitespace-
 * normalised text, read as a fraction of 2^32, fall below `ROUTELLM_TRAIN_SHARE` (0.7): the same split on every
 * machine, whatever the row order. The file records no dollars, so each draft costs its cl100k_base prompt and
 * response tokens at the shared price table (as the replay models charge). Kind `number`; ids are prompt hashes.
 */
export function loadRouteLLMSplits(dirOrFiles: string | RouteLLMFiles, options: RecordedSplitsOptions = {}): RecordedSplits {
  const dataset = loadRouteLLM(dirOrFiles);
  const source = dataset.source;
  let models = [...dataset.models];
  if (options.models !== undefined) {
    for (const m of options.models)
      if (!models.includes(m))
        throw new UserError(`${source}: no model "${m}" (has: ${models.join(', ')})`, { field: 'models', code: 'user.bad-data' });
    models = [...options.models];
  }
  const prices = replayDefaultPrices();
  const price = new Map(models.map((m) => [m, priceOf(m, prices)]));
  const train: RecordedPrompt[] = [];
  const test: RecordedPrompt[] = [];
  for (const record of dataset.records) {
    const hash = sha256(promptKey(record.prompt));
    const inputTokens = countTokens(record.prompt);
    const drafts: Record<string, RecordedDraft> = {};
    for (const model of models) {
      const output = record.outputs[model];
      const p = price.get(model);
      if (output === undefined || p === undefined) continue;
      drafts[model] = {
        text: output.text,
        score: output.score,
        costUsd: inputTokens * p.inputPerToken + countTokens(output.text) * p.outputPerToken,
      };
    }
    const prompt: RecordedPrompt = { id: hash.slice(0, 12), prompt: record.prompt, drafts };
    (Number.parseInt(hash.slice(0, 8), 16) / 2 ** 32 < ROUTELLM_TRAIN_SHARE ? train : test).push(prompt);
  }
  const task = (prompts: RecordedPrompt[], split: string): RecordedTask => ({
    name: 'gsm8k',
    kind: options.kind ?? 'number',
    models,
    prompts,
    source: `${source} (${split}: prompt-hash split, ${ROUTELLM_TRAIN_SHARE * 100} % train)`,
  });
  return { train: task(train, 'train'), test: task(test, 'test'), skipped: [] };
}

import { UserError } from '@baton/core';
import { cellError, readCsv } from './csv.ts';
import type { RecordedOutput, ReplayDataset, ReplayRecord } from './records.ts';

/**
 * Loads RouterBench's wide CSV: `prompt`, then per model `<model>` (score in [0, 1]), `<model>|model_response` and
 * `<model>|total_cost` (dollars for that call). Other columns (sample_id, eval_name, ...) are ignored.
 */
export function loadRouterBench(file: string): ReplayDataset {
  const { header, rows } = readCsv(file);
  if (!header.includes('prompt')) throw new UserError(`${file}:1: no "prompt" column`, { field: 'data', code: 'user.bad-data' });
  const models = header.filter((h) => !h.includes('|') && header.includes(`${h}|model_response`));
  if (models.length === 0)
    throw new UserError(`${file}:1: no model columns ("<model>", "<model>|model_response")`, { field: 'data', code: 'user.bad-data' });
  const records: ReplayRecord[] = rows.map(({ line, fields }) => {
    const prompt = fields.prompt ?? '';
    if (!prompt.trim()) throw cellError(file, line, 'prompt', 'is empty');
    const outputs: Record<string, RecordedOutput> = {};
    for (const model of models) {
      const scoreText = (fields[model] ?? '').trim();
      const score = Number(scoreText);
      if (scoreText === '' || !Number.isFinite(score) || score < 0 || score > 1)
        throw cellError(file, line, model, `expected a score in [0, 1], got "${scoreText}"`);
      const costColumn = `${model}|total_cost`;
      const costText = fields[costColumn];
      let costUsd: number | undefined;
      if (costText !== undefined) {
        costUsd = Number(costText.trim());
        if (costText.trim() === '' || !Number.isFinite(costUsd) || costUsd < 0)
          throw cellError(file, line, costColumn, `expected dollars >= 0, got "${costText}"`);
      }
      outputs[model] = { text: fields[`${model}|model_response`] ?? '', score, ...(costUsd === undefined ? {} : { costUsd }) };
    }
    return { prompt, outputs };
  });
  return { models, records, source: file };
}

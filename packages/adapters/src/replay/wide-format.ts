import { pythonStringListRepr } from './python-literal.ts';

/** One model's cell group in a wide CSV row. A null score (ungraded) or a missing cell is written empty. */
export interface WideCsvCell {
  readonly text: string;
  readonly score: number | null;
  readonly costUsd: number;
}

/** One prompt of a wide CSV: its id and every model's cell (absent: the call failed or never ran). */
export interface WideCsvRow {
  readonly id: string;
  readonly prompt: string;
  readonly cells: Readonly<Record<string, WideCsvCell | undefined>>;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

function scoreText(score: number | null | undefined): string {
  if (score === null || score === undefined) return '';
  return Number.isInteger(score) ? score.toFixed(1) : String(score);
}

/** The cheapest of the best-scoring models, as RouterBench's `oracle_model_to_route_to` (empty when nothing is graded). */
function oracleOf(models: readonly string[], row: WideCsvRow): string {
  let best = '';
  let bestScore = -1;
  let bestCost = Infinity;
  for (const model of models) {
    const cell = row.cells[model];
    if (cell?.score == null) continue;
    if (cell.score > bestScore || (cell.score === bestScore && cell.costUsd < bestCost)) {
      best = model;
      bestScore = cell.score;
      bestCost = cell.costUsd;
    }
  }
  return best;
}

/**
 * Rows in RouterBench's wide CSV format, the one `loadRecordedTask` reads: an unnamed index, `sample_id`, `prompt`
 * and responses as Python list reprs, `eval_name`, per model score / `|model_response` / `|total_cost`, then
 * `oracle_model_to_route_to`. Rows whose cells are missing or ungraded are written with those cells empty, which the
 * loader skips and counts.
 */
export function formatWideCsv(evalName: string, models: readonly string[], rows: readonly WideCsvRow[]): string {
  const header = [
    '',
    'sample_id',
    'prompt',
    'eval_name',
    ...models,
    ...models.map((m) => `${m}|model_response`),
    ...models.map((m) => `${m}|total_cost`),
    'oracle_model_to_route_to',
  ];
  const lines = [header.map(csvField).join(',')];
  rows.forEach((row, index) => {
    const cells = models.map((m) => row.cells[m]);
    const fields = [
      String(index),
      row.id,
      pythonStringListRepr([row.prompt]),
      evalName,
      ...cells.map((c) => scoreText(c?.score)),
      ...cells.map((c) => (c === undefined ? '' : pythonStringListRepr([c.text]))),
      ...cells.map((c) => (c === undefined ? '' : String(c.costUsd))),
      oracleOf(models, row),
    ];
    lines.push(fields.map(csvField).join(','));
  });
  return `${lines.join('\n')}\n`;
}

import { writeFileSync } from 'node:fs';
import type { RecordedTask } from '@baton/agents/route';
import { formatWideCsv, type WideCsvRow } from '../replay/wide-format.ts';

/**
 * Writes `task` as a RouterBench-style wide CSV (prompts and responses as Python list reprs), the format
 * `loadRecordedTask` reads: for tests that need recorded outputs without the real, unlicensed files.
 */
export function writeWideCsv(file: string, task: RecordedTask): void {
  const rows: WideCsvRow[] = task.prompts.map((p) => ({ id: p.id, prompt: p.prompt, cells: p.drafts }));
  writeFileSync(file, formatWideCsv(task.name, task.models, rows));
}

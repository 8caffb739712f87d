import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { formatWideCsv, type PromptRow, type WideCsvCell, type WideCsvRow } from '@baton/adapters';
import { ANSWER_EXTRACTORS, sameAnswer, type AnswerKind } from '@baton/agents/route';
import { callKey, type CallJournal } from './journal.ts';

/**
 * A draft's 0/1 score against the prompt's gold answer, both read by the kind's answer extractor (`choice`: the
 * option letter; `number`: the number, within tolerance; `code`: the function's name and arity only; `text`: the
 * first line). Null when the prompt has no gold answer: the CSV cell stays empty.
 */
export function gradeDraft(kind: AnswerKind, text: string, row: PromptRow): number | null {
  if (row.gold === undefined) return null;
  const extract = ANSWER_EXTRACTORS[kind];
  return sameAnswer(extract(text, row.prompt), extract(row.gold, row.prompt)) ? 1 : 0;
}

/** The recording as wide-CSV rows: every prompt, with cells for the calls that answered (failed or unmade: none). */
export function recordedRows(
  prompts: readonly PromptRow[],
  models: readonly string[],
  journal: CallJournal,
  kind: AnswerKind,
): WideCsvRow[] {
  return prompts.map((row) => {
    const cells: Record<string, WideCsvCell> = {};
    for (const model of models) {
      const e = journal.entries.get(callKey(row.id, model));
      if (e?.status !== 'ok' || e.text === undefined) continue;
      cells[model] = { text: e.text, score: gradeDraft(kind, e.text, row), costUsd: e.costUsd };
    }
    return { id: row.id, prompt: row.prompt, cells };
  });
}

/** Writes `text` to `file` atomically: a temp file beside it, fsync'd, then renamed over it. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** The recording in RouterBench's wide format at `file`, written atomically from the journal. */
export function writeRecording(
  file: string,
  task: string,
  prompts: readonly PromptRow[],
  models: readonly string[],
  journal: CallJournal,
  kind: AnswerKind,
): void {
  writeFileAtomic(file, formatWideCsv(task, models, recordedRows(prompts, models, journal, kind)));
}

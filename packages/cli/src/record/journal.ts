import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UserError } from '@baton/core';
import { z } from 'zod';

/** One finished call, as the journal keeps it: enough to write its CSV cells again without calling anyone. */
export const journalEntrySchema = z.object({
  /** The prompt's id in the task file. */
  id: z.string(),
  /** The model's name in the bindings file (its column). */
  model: z.string(),
  /** The model id the binding sent, so a journal is not reused for another model under the same name. */
  modelId: z.string(),
  /** sha256 of the prompt text, so a journal is not reused for an edited task file. */
  promptSha: z.string(),
  status: z.enum(['ok', 'failed']),
  text: z.string().optional(),
  costUsd: z.number().nonnegative(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  latencyMs: z.number().optional(),
  /** Why a failed call failed (error code and message, clipped). */
  error: z.string().optional(),
});

export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** The key of one call: a prompt id and a model name. */
export const callKey = (id: string, model: string): string => `${id}\u0000${model}`;

/**
 * An append-only journal of finished calls (`<out>.journal.jsonl`): each entry is written and fsync'd before the
 * call counts as done, so after a crash every call in it is known, and paid for, and is not made again. A line torn
 * by the crash is cut off when the journal is opened (that call is made again: its answer was never recorded).
 */
export class CallJournal {
  readonly entries = new Map<string, JournalEntry>();
  private readonly fd: number;
  /** Entries read back from an earlier run. */
  readonly resumed: number;

  constructor(readonly path: string) {
    let text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const complete = text.lastIndexOf('\n') + 1;
    const torn = complete < text.length;
    text = text.slice(0, complete);
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let entry: JournalEntry;
      try {
        entry = journalEntrySchema.parse(JSON.parse(line));
      } catch {
        throw new UserError(`${path}:${i + 1}: not a journal entry of baton record (delete the journal to start over)`, {
          field: '--out',
          code: 'user.bad-data',
        });
      }
      this.entries.set(callKey(entry.id, entry.model), entry);
    });
    this.resumed = this.entries.size;
    this.fd = openSync(path, 'a');
    if (torn) ftruncateSync(this.fd, Buffer.byteLength(text));
  }

  /** Records a finished call durably (written and fsync'd) and remembers it. */
  append(entry: JournalEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    this.entries.set(callKey(entry.id, entry.model), entry);
  }

  close(): void {
    closeSync(this.fd);
  }
}

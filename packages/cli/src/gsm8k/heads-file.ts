import { readFileSync, writeFileSync } from 'node:fs';
import { UserError } from '@baton/core';
import { LinearIcqHead } from '@baton/learner';
import { z } from 'zod';

const headsFileSchema = z.object({
  workflow: z.enum(['math-cascade', 'math-routing']),
  models: z.record(z.string(), z.string()),
  costWeight: z.number(),
  heads: z.record(z.string(), z.unknown()),
});

/** Saved heads of a math workflow: plain JSON (weights as numbers), never code. */
export interface HeadsFile {
  readonly workflow: 'math-cascade' | 'math-routing';
  /** Agent id -> model name it was trained with. */
  readonly models: Readonly<Record<string, string>>;
  readonly costWeight: number;
  readonly heads: Readonly<Record<string, LinearIcqHead>>;
}

export function saveHeads(file: string, heads: HeadsFile): void {
  const json = { ...heads, heads: Object.fromEntries(Object.entries(heads.heads).map(([id, h]) => [id, h.toJSON()])) };
  writeFileSync(file, `${JSON.stringify(json)}\n`);
}

export function loadHeads(file: string): HeadsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read heads from ${file}: ${(error as Error).message}`, { field: '--heads', cause: error });
  }
  const parsed = headsFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new UserError(`${file}: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`, {
      field: '--heads',
    });
  const heads = Object.fromEntries(Object.entries(parsed.data.heads).map(([id, h]) => [id, LinearIcqHead.fromJSON(h)]));
  return { workflow: parsed.data.workflow, models: parsed.data.models, costWeight: parsed.data.costWeight, heads };
}

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError, type HandoffHead } from '@baton/core';
import { z } from 'zod';
import type { WorkflowDefinition } from '../bullmq/protocol.ts';

/**
 * Saved handoff heads: plain JSON snapshots (tables or weights as numbers, never code), one per agent, with the
 * workflow they were trained in. The GSM8K heads files of `baton train math` have the same shape.
 */
const headsFileSchema = z.object({
  format: z.literal('baton-heads').optional(),
  version: z.literal(1).optional(),
  workflow: z.string().min(1),
  /** Agent id -> the model it was trained with (`provider/model`), for the record. */
  models: z.record(z.string(), z.string()).optional(),
  costWeight: z.number().optional(),
  heads: z.record(z.string(), z.unknown()),
});

export type HeadsSnapshot = z.infer<typeof headsFileSchema>;

/** Writes the heads atomically (a temp file renamed over the target), so a crash never leaves half a file. */
export function saveHeadsFile(
  path: string,
  workflow: string,
  heads: Readonly<Record<string, HandoffHead>>,
  extra: { models?: Readonly<Record<string, string>>; costWeight?: number } = {},
): void {
  const snapshot = {
    format: 'baton-heads',
    version: 1,
    workflow,
    ...extra,
    heads: Object.fromEntries(Object.entries(heads).map(([id, head]) => [id, head.toJSON()])),
  };
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(snapshot)}\n`);
  renameSync(temp, path);
}

export function readHeadsFile(path: string, field = '--heads'): HeadsSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read heads from ${path}: ${(error as Error).message}`, { field, cause: error });
  }
  const parsed = headsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${path}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`, { field });
  }
  return parsed.data;
}

/**
 * The saved heads of `path` as live heads of `definition`: one per agent of its workflow, no more, no less, and
 * trained in a workflow of the same name.
 */
export function loadHeadsFor(definition: WorkflowDefinition, path: string, field = '--heads'): Record<string, HandoffHead> {
  const saved = readHeadsFile(path, field);
  const { workflow } = definition;
  if (saved.workflow !== workflow.name)
    throw new UserError(`${path} holds heads of workflow "${saved.workflow}", not "${workflow.name}"`, { field });
  const ids = workflow.agents.map((a) => a.id);
  const missing = ids.filter((id) => !Object.hasOwn(saved.heads, id));
  const extra = Object.keys(saved.heads).filter((id) => !ids.includes(id));
  if (missing.length || extra.length)
    throw new UserError(
      `${path} does not fit the workflow's agents (${ids.join(', ')}): ${[
        ...(missing.length ? [`no head for ${missing.join(', ')}`] : []),
        ...(extra.length ? [`heads of unknown agents ${extra.join(', ')}`] : []),
      ].join('; ')}`,
      { field },
    );
  const load = (id: string): HandoffHead => {
    try {
      return definition.loadHead(id, saved.heads[id]);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      throw new UserError(`${path}: the head of agent "${id}": ${error.message}`, { field, code: error.code, cause: error });
    }
  };
  return Object.fromEntries(ids.map((id) => [id, load(id)]));
}

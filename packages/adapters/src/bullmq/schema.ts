import { z } from 'zod';
import { BatonError } from '@baton/core';
import type { AgentJob, InboxEntry, ResultJob } from './protocol.ts';

/**
 * Everything that crosses the queue boundary is checked here before a worker or the driver acts on it: a job with
 * the wrong shape (null data, an unknown kind, a string) fails with a `job.invalid` error naming the field, is logged
 * and never completes silently, and never stops the process.
 */
const count = z.number().int().nonnegative();
const num = z.number().refine(Number.isFinite, 'must be finite');

const book = z.object({
  time: num.nonnegative(),
  steps: count,
  handoffs: count,
  decisions: count,
  tokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  discounted: num,
});

const context = z.object({
  episodeId: z.string().min(1),
  seed: z.number().int(),
  learn: z.boolean(),
  explore: z.boolean(),
  book,
  rng: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
  artifactHash: z.string().min(1),
  artifact: z.looseObject({ hash: z.string() }).optional(),
});

const agentJob = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('receive'),
    ctx: context,
    from: z.object({ agent: z.string().min(1), handoffId: z.string().min(1) }).optional(),
  }),
  z.object({ kind: z.literal('continue'), ctx: context }),
]);

const resultJob = z.object({
  episodeId: z.string().min(1),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

const inboxEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scalar'), episodeId: z.string().min(1), handoffId: z.string().min(1), scalar: num }),
  z.object({ kind: z.literal('end'), episodeId: z.string().min(1), finalReturn: num }),
]);

/** A payload that failed its schema: `field` is the first offending path (e.g. `ctx.book.steps`). */
export class InvalidJobError extends BatonError {
  readonly field: string;

  constructor(what: string, error: z.ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(root)';
    super('job.invalid', `${what}: ${field}: ${issue?.message ?? 'invalid'}`);
    this.field = field;
  }
}

/**
 * `data` if it passes `schema` (the data is returned as sent, key order intact). Every job and inbox entry is checked,
 * on the hot path, so the schemas are compiled (z.compile) and a payload that passes is only validated, no copy built;
 * one that fails is parsed by the schema itself for its first issue.
 */
function checked(schema: z.ZodType, what: string, data: unknown): unknown {
  if (schema.validate(data)) return data;
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new InvalidJobError(what, parsed.error);
  return data;
}

const compiledAgentJob = z.compile(agentJob);
const compiledResultJob = z.compile(resultJob);
const compiledInboxEntry = z.compile(inboxEntry);

/** Checks an agent queue's job data. */
export const parseAgentJob = (data: unknown): AgentJob => checked(compiledAgentJob, 'agent job', data) as AgentJob;
export const parseResultJob = (data: unknown): ResultJob => checked(compiledResultJob, 'result job', data) as ResultJob;
export const parseInboxEntry = (data: unknown): InboxEntry => checked(compiledInboxEntry, 'inbox entry', data) as InboxEntry;

import type { BatonEvent } from '@baton/core';
import { z } from 'zod';
import type { AuditRecord } from './format.ts';

// What readers (audit show/replay/costs, the playground) accept from a log. A log verifies when its hashes chain,
// which says nothing about its content being well-formed: an unsigned log rewritten with consistent hashes can carry
// a string where a number belongs, or an action no agent can take. Such a record is reported with its line and field,
// never handed on. zod also drops `__proto__` keys, so content never reaches an object's prototype.

const num = z.number(); // zod 4 refuses NaN and the infinities itself
const str = z.string();
const action = z.union([z.literal('continue'), z.literal('submit'), z.templateLiteral(['handoff:', z.string().min(1)])]);
const features = z.record(z.string(), num);
const usage = z
  .object({
    inputTokens: num.optional(),
    outputTokens: num.optional(),
    costUsd: num.optional(),
    model: str.optional(),
    latencyMs: num.optional(),
  })
  .loose();
const notes = z.record(z.string(), z.unknown());
const base = { episodeId: str, time: num };

/** One runtime event as read from a log (unknown extra fields pass through). */
export const auditEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('episode-start'),
      workflow: str,
      entry: str,
      seed: num,
      artifactHash: str,
      learn: z.boolean().optional(),
      explore: z.boolean().optional(),
    })
    .loose(),
  z.object({ ...base, type: z.literal('work-start'), agent: str, artifactHash: str }).loose(),
  z
    .object({
      ...base,
      type: z.literal('work-end'),
      agent: str,
      artifactHashBefore: str,
      artifactHashAfter: str,
      reward: num,
      duration: num,
      usage,
      notes: notes.optional(),
    })
    .loose(),
  z
    .object({
      ...base,
      type: z.literal('decision'),
      agent: str,
      view: z.object({ projection: features, privateState: features }),
      legal: z.array(action),
      qValues: z.partialRecord(action, num),
      action,
      explored: z.boolean(),
      artifactHash: str,
    })
    .loose(),
  z.object({ ...base, type: z.literal('handoff'), handoffId: str, from: str, to: str, artifactHash: str, skipped: z.array(str) }).loose(),
  z.object({ ...base, type: z.literal('scalar-return'), handoffId: str, from: str, to: str, scalar: num }).loose(),
  z
    .object({
      ...base,
      type: z.literal('submit'),
      agent: str,
      artifactHash: str,
      reward: num,
      forced: z.boolean(),
      usage: usage.optional(),
      notes: notes.optional(),
    })
    .loose(),
  z
    .object({
      ...base,
      type: z.literal('episode-end'),
      return: num,
      terminalReward: num,
      steps: num,
      handoffs: num,
      costUsd: num,
      tokens: num.optional(),
    })
    .loose(),
  z.object({ ...base, type: z.literal('error'), agent: str.optional(), code: str, message: str }).loose(),
]);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-digit hex hash');
const seq = z.int().nonnegative();
const suffix = { hash: hex64, mac: hex64.optional() };

/** One record line of a log: genesis, event or seal (the layout AuditChain writes). */
export const auditRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    seq: z.literal(0),
    kind: z.literal('genesis'),
    format: z.string(),
    version: z.int().positive(),
    createdAt: z.string(),
    signed: z.boolean(),
    prev: z.null(),
    ...suffix,
  }),
  z.object({ seq, kind: z.literal('event'), ts: num, prev: hex64, event: auditEventSchema, ...suffix }),
  z.object({ seq, kind: z.literal('seal'), ts: num, prev: hex64, events: z.int().nonnegative(), ...suffix }),
]);

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`;
}

/** The event of a record line, or why it is not one ("field: problem"). */
export function checkEvent(value: unknown): { ok: true; event: BatonEvent } | { ok: false; problem: string } {
  const parsed = auditEventSchema.safeParse(value);
  // The parsed value is the BatonEvent it was checked to be (JSON has no `undefined` for exactOptionalPropertyTypes to object to).
  if (parsed.success) return { ok: true, event: parsed.data as BatonEvent };
  return { ok: false, problem: problemOf(parsed.error) };
}

/** A parsed record line checked against the record schema, or why it is not one ("event.reward: expected number ..."). */
export function checkRecord(value: unknown): { ok: true; record: AuditRecord } | { ok: false; problem: string } {
  const parsed = auditRecordSchema.safeParse(value);
  if (parsed.success) return { ok: true, record: parsed.data as AuditRecord };
  return { ok: false, problem: problemOf(parsed.error) };
}

import { z } from 'zod';

// Fields every workflow kind's config shares, and the checks of its agent graph.

/** An agent id: a name for logs and heads, never a key that means something to JavaScript objects. */
export const agentIdSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must start with a letter and use only letters, digits, "_" and "-" (at most 64)');

const positiveInt = z.number().int().positive();

export const budgetSchema = z
  .strictObject({
    maxSteps: positiveInt.optional().describe('Work units per episode, all agents together (default: agents + 1).'),
    maxHandoffs: positiveInt.optional().describe('Handoffs per episode (default: the number of agents).'),
    maxTokens: positiveInt.optional().describe('Tokens per episode, input and output.'),
    maxDollars: z.number().positive().optional().describe('US dollars per episode.'),
  })
  .describe('Limits of one episode: when one is spent, the holder must submit.');

export const deadlinesSchema = z
  .strictObject({
    callMs: positiveInt.optional().describe("Deadline of one model call, retries included (default 30 000; a binding's deadlineMs wins)."),
    episodeMs: positiveInt.optional().describe('Deadline of one episode, every call in it included (default 300 000).'),
  })
  .describe('Wall-clock limits, so a hanging server costs a known time and no more.');

export const headsSchema = z
  .strictObject({
    load: z.string().min(1).optional().describe('Saved heads to start from (path relative to this file).'),
    save: z.string().min(1).optional().describe('Where `baton train --config` saves the trained heads (relative to this file).'),
  })
  .describe('Where the handoff heads come from and go to; --heads and --out on the command line win.');

/** Spread into each kind's strict object: `workflow` (the kind) and `agents` are the kind's own. */
export const commonConfigFields = {
  $schema: z.string().optional().describe('The JSON Schema this file follows, for editors; Baton ignores it.'),
  version: z.literal(1).describe('The config format version: 1.'),
  name: z.string().min(1).max(128).optional().describe('The workflow name in logs, audit records and saved heads (default: the kind).'),
  entry: agentIdSchema.optional().describe('The agent that receives the artifact first (default: the first agent).'),
  successors: z
    .record(agentIdSchema, z.array(agentIdSchema))
    .optional()
    .describe('Who each agent may hand to; an agent not listed may only submit.'),
  budget: budgetSchema.optional(),
  deadlines: deadlinesSchema.optional(),
  costWeight: z
    .number()
    .nonnegative()
    .optional()
    .describe('Reward per US dollar spent: each call costs -costWeight * dollars (default 0).'),
  heads: headsSchema.optional(),
} as const;

/** The default episode deadline when a config names none: room for a few slow calls, never a silent hang. */
export const DEFAULT_EPISODE_DEADLINE_MS = 300_000;

/** What a kind needs besides its config to build a definition. */
export interface ConfigContext {
  /** Where API keys are read (`apiKeyEnv` and the vendor variables). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config file's folder: relative paths in the file are resolved from here. */
  readonly baseDir: string;
}

interface GraphFields {
  readonly agents: Readonly<Record<string, { readonly role?: string }>>;
  readonly entry?: string | undefined;
  readonly successors?: Readonly<Record<string, readonly string[]>> | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The agent graph names only agents that exist, without self-handoffs or repeats; ids are well-formed. Written to
 * run on a config that failed other checks too (anything not shaped like a graph is left to those checks).
 */
export function checkGraph(config: GraphFields, ctx: z.RefinementCtx): void {
  if (!isRecord(config.agents) || (config.successors !== undefined && !isRecord(config.successors))) return;
  const ids = Object.keys(config.agents);
  if (ids.length === 0) ctx.addIssue({ code: 'custom', path: ['agents'], message: 'needs at least one agent' });
  for (const id of ids) {
    const ok = agentIdSchema.safeParse(id);
    if (!ok.success)
      ctx.addIssue({ code: 'custom', path: ['agents', id], message: `agent id ${ok.error.issues[0]?.message ?? 'invalid'}` });
  }
  const known = new Set(ids);
  const listed = ids.join(', ');
  if (config.entry !== undefined && !known.has(config.entry))
    ctx.addIssue({ code: 'custom', path: ['entry'], message: `no agent "${config.entry}" (agents: ${listed})` });
  for (const [from, targets] of Object.entries(config.successors ?? {})) {
    if (!Array.isArray(targets)) continue;
    if (!known.has(from)) ctx.addIssue({ code: 'custom', path: ['successors', from], message: `no agent "${from}" (agents: ${listed})` });
    targets.forEach((to: unknown, i) => {
      const at = ['successors', from, i];
      if (!known.has(to as string)) ctx.addIssue({ code: 'custom', path: at, message: `no agent "${String(to)}" (agents: ${listed})` });
      else if (to === from) ctx.addIssue({ code: 'custom', path: at, message: 'an agent cannot hand to itself' });
      else if (targets.indexOf(to) !== i) ctx.addIssue({ code: 'custom', path: at, message: `"${String(to)}" is listed twice` });
    });
  }
  for (const [id, agent] of Object.entries(config.agents))
    if (isRecord(agent) && agent['role'] === 'dispatcher' && !config.successors?.[id]?.length)
      ctx.addIssue({ code: 'custom', path: ['successors', id], message: 'a dispatcher may not submit, so it needs successors' });
}

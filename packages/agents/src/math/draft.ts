import { z } from 'zod';

/** One solver's attempt: its full text, the final answer read from it (null when it states none) and its author. */
export const mathAttemptSchema = z.object({
  /** The agent that wrote it. */
  author: z.string(),
  /** The model behind that agent (e.g. `gpt-4-1106-preview`); empty for tool agents. */
  model: z.string(),
  text: z.string(),
  answer: z.number().nullable(),
});

/** A judgement about the latest attempt, from a verifier, a critic or the arithmetic checker. */
export const mathVerdictSchema = z.object({
  author: z.string(),
  kind: z.enum(['arithmetic', 'verifier', 'critic']),
  /** Whether the judge found the latest attempt sound. */
  ok: z.boolean(),
  /** Equations or claims checked, and how many failed (arithmetic checker). */
  checked: z.number().int().nonnegative().default(0),
  failed: z.number().int().nonnegative().default(0),
  note: z.string().default(''),
});

/** The shared artifact of math workflows: the problem, every attempt in order and every verdict in order. */
export const mathDraftSchema = z.object({
  problem: z.string().min(1),
  attempts: z.array(mathAttemptSchema),
  verdicts: z.array(mathVerdictSchema),
});

export type MathAttempt = z.infer<typeof mathAttemptSchema>;
export type MathVerdict = z.infer<typeof mathVerdictSchema>;
export type MathDraft = z.infer<typeof mathDraftSchema>;

/** A fresh draft for `problem`, with no attempt yet. */
export function newMathDraft(problem: string): MathDraft {
  return { problem, attempts: [], verdicts: [] };
}

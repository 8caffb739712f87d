import { z } from 'zod';

/** A critique the critic raised; the critic alone closes it, on a later round. */
export const critiqueSchema = z.object({
  id: z.number().int().nonnegative(),
  /** The numbered step it concerns, or null for the proof as a whole. */
  step: z.number().int().positive().nullable(),
  severity: z.enum(['minor', 'major', 'fatal']),
  text: z.string(),
  status: z.enum(['open', 'closed']),
});

/** The panel's verdict as stored on the artifact (and so hashed into its lineage). */
export const storedVerdictSchema = z.object({
  rubric: z.object({ id: z.string(), version: z.string() }),
  /** SHA-256 of the draft that was graded, so a stale verdict is detected. */
  draftHash: z.string(),
  judges: z.array(z.object({ judge: z.string(), model: z.string(), score: z.number(), costUsd: z.number(), attempts: z.number() })),
  score: z.number(),
  disagreement: z.object({ stdDev: z.number(), range: z.number() }),
  reward: z.number(),
  costUsd: z.number(),
});

export const proofDraftSchema = z.object({
  statement: z.string().min(1),
  /** The current proof, numbered steps one per line; empty before the prover's first work. */
  draft: z.string(),
  revisions: z.number().int().nonnegative(),
  critiques: z.array(critiqueSchema),
  /** Steps the critic flagged on its latest round (judge-free signal). */
  flaggedSteps: z.array(z.number().int().positive()),
  /** The critic's latest overall assessment, or null before any critique round. */
  assessment: z.enum(['sound', 'gaps', 'wrong']).nullable(),
  criticRounds: z.number().int().nonnegative(),
  verdict: storedVerdictSchema.nullable(),
});

export type Critique = z.infer<typeof critiqueSchema>;
export type StoredVerdict = z.infer<typeof storedVerdictSchema>;
export type ProofDraft = z.infer<typeof proofDraftSchema>;

/** The first artifact value for a statement. */
export function newProofDraft(statement: string): ProofDraft {
  return { statement, draft: '', revisions: 0, critiques: [], flaggedSteps: [], assessment: null, criticRounds: 0, verdict: null };
}

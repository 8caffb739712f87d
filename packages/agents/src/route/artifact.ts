import { z } from 'zod';

/** One model's draft as the artifact carries it: what it answered and what it cost, not the text itself. */
export const routeDraftSchema = z.object({
  model: z.string().min(1),
  /** The extracted answer (null: none of the task's kind). */
  answer: z.string().nullable(),
  wellFormed: z.boolean(),
  refusal: z.boolean(),
  /** Characters in the reply. */
  length: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type RouteDraft = z.infer<typeof routeDraftSchema>;

/** The shared artifact of a route episode: the prompt and the drafts so far, in the order they were made. */
export const routeArtifactSchema = z.object({
  prompt: z.string(),
  /** The recorded prompt's id, when replaying a data set (how recorded drafts are looked up). */
  id: z.string().optional(),
  drafts: z.array(routeDraftSchema),
});
export type RouteArtifact = z.infer<typeof routeArtifactSchema>;

/** The first artifact of an episode: a prompt and no drafts. */
export function routeInput(prompt: string, id?: string): RouteArtifact {
  return id === undefined ? { prompt, drafts: [] } : { prompt, id, drafts: [] };
}

/** The draft a submitter stands behind: its own, the latest. */
export function submittedDraft(artifact: RouteArtifact): RouteDraft | undefined {
  return artifact.drafts[artifact.drafts.length - 1];
}

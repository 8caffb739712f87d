import { z } from 'zod';

/** One run of the project's tests on one attempt (a patch that did not apply has `applied: false` and no counts). */
export const patchTestRun = z.object({
  /** The attempt (1-based) whose diff was tested. */
  attempt: z.int().positive(),
  applied: z.boolean(),
  /** Why the diff was refused or did not apply; null when it applied. */
  applyError: z.string().nullable(),
  filesTouched: z.array(z.string()),
  testsRun: z.int().nonnegative(),
  testsPassed: z.int().nonnegative(),
  testsFailed: z.int().nonnegative(),
  timedOut: z.boolean(),
  /** The tail of the test output, for the reviser's prompt. */
  output: z.string(),
});
export type PatchTestRun = z.infer<typeof patchTestRun>;

export const reviewVerdict = z.enum(['approve', 'request-changes']);

/** What the reviewer model must answer (zod-checked by generateStructured). */
export const reviewOutput = z.object({
  verdict: reviewVerdict,
  comments: z.array(z.string()),
});
export type ReviewOutput = z.infer<typeof reviewOutput>;

export const patchReview = reviewOutput.extend({ attempt: z.int().positive() });
export type PatchReview = z.infer<typeof patchReview>;

/**
 * The shared artifact of the code-patch workflow: a unified diff against a base snapshot of a repository. Core's
 * Artifact versions it and records each version's author; the value keeps the attempt count and the history of
 * test runs and reviews, so any agent's projection can tell whether the current diff was tested or reviewed.
 */
export const patchArtifact = z.object({
  /** The issue to fix, as given to the author. */
  task: z.string(),
  /** Content hash of the repository snapshot the diff applies to. */
  baseId: z.string(),
  /** The current unified diff ('' before the author's first attempt). */
  diff: z.string(),
  /** Diffs written so far (author + reviser). */
  attempts: z.int().nonnegative(),
  testRuns: z.array(patchTestRun),
  reviews: z.array(patchReview),
  /** Dollars spent by the model agents so far; the grader subtracts it. */
  costUsd: z.number().nonnegative(),
});
export type PatchArtifact = z.infer<typeof patchArtifact>;

/** The first artifact value for a task on a snapshot. */
export function patchInput(task: string, baseId: string): PatchArtifact {
  return { task, baseId, diff: '', attempts: 0, testRuns: [], reviews: [], costUsd: 0 };
}

/** The test run of the current diff, if it was tested. */
export function currentTestRun(value: PatchArtifact): PatchTestRun | undefined {
  const last = value.testRuns[value.testRuns.length - 1];
  return last && last.attempt === value.attempts ? last : undefined;
}

/** The review of the current diff, if it was reviewed. */
export function currentReview(value: PatchArtifact): PatchReview | undefined {
  const last = value.reviews[value.reviews.length - 1];
  return last && last.attempt === value.attempts ? last : undefined;
}

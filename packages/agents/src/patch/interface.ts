import type { AgentInterface, BudgetLeft, LocalState } from '@baton/core';
import { currentReview, currentTestRun, type PatchArtifact } from './artifact.ts';
import { summarizeDiff } from './apply.ts';

/** Verdict codes in the projection: 0 not reviewed (this attempt), 1 approve, 2 request changes. */
export const VERDICT_CODE = { none: 0, approve: 1, 'request-changes': 2 } as const;

const PROJECTION_KEYS = [
  'hasDiff',
  'tested',
  'appliesCleanly',
  'filesTouched',
  'diffSize',
  'testsRun',
  'testsPassed',
  'testsFailed',
  'allPass',
  'verdict',
  'attempts',
] as const;

/** Buckets the changed-line count (0, 1-5, 6-20, 21-80, more) so tabular heads see few distinct values. */
function diffSizeBucket(changedLines: number): number {
  if (changedLines === 0) return 0;
  if (changedLines <= 5) return 1;
  if (changedLines <= 20) return 2;
  if (changedLines <= 80) return 3;
  return 4;
}

/**
 * The standard projection of a code patch, the same for every agent of the workflow: whether the current diff was
 * tested and applies cleanly, files touched, diff size (bucketed), tests run / passed / failed, the reviewer's
 * verdict on this attempt and the attempts so far. Private state: receipts and steps left.
 */
export const patchInterface: AgentInterface<PatchArtifact> = {
  projectionKeys: PROJECTION_KEYS,
  privateKeys: ['receipts', 'stepsLeft'],
  project(artifact) {
    const value = artifact.value;
    const run = currentTestRun(value);
    const review = currentReview(value);
    const summary = summarizeDiff(value.diff);
    return {
      hasDiff: value.diff.trim() === '' ? 0 : 1,
      tested: run ? 1 : 0,
      appliesCleanly: run?.applied ? 1 : 0,
      filesTouched: summary.files.length,
      diffSize: diffSizeBucket(summary.changedLines),
      testsRun: run?.testsRun ?? 0,
      testsPassed: run?.testsPassed ?? 0,
      testsFailed: run?.testsFailed ?? 0,
      allPass: run && run.applied && run.testsRun > 0 && run.testsFailed === 0 && !run.timedOut ? 1 : 0,
      verdict: VERDICT_CODE[review?.verdict ?? 'none'],
      attempts: value.attempts,
    };
  },
  privateState(local: LocalState, budget: BudgetLeft) {
    return { receipts: local.receipts, stepsLeft: budget.steps };
  },
};

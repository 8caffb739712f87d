import { defineWorkflow, type HandoffHead, type ModelAdapter, type Workflow } from '@baton/core';
import type { IsolationMechanism } from './isolation.ts';
import { currentTestRun, patchArtifact, patchInput, type PatchArtifact } from './artifact.ts';
import { createPatchAuthor, createPatchReviewer, createPatchReviser } from './model-agents.ts';
import { PatchRulePolicy } from './policy.ts';
import type { RepoSnapshot } from './snapshot.ts';
import { createTestRunner } from './test-runner.ts';

export interface PatchWorkflowConfig {
  readonly snapshot: RepoSnapshot;
  /** The models behind the three model agents (may be the same adapter). */
  readonly models: { readonly author: ModelAdapter; readonly reviewer: ModelAdapter; readonly reviser: ModelAdapter };
  /** Limit of one test run. Default 30 000 ms. */
  readonly testTimeoutMs?: number;
  /** How test runs are confined (see IsolationMechanism). Default `auto`: the strongest that works here. */
  readonly testIsolation?: IsolationMechanism | 'auto';
  /** Reward points subtracted per dollar spent. Default 1. */
  readonly costWeight?: number;
  /** Default { maxSteps: 16, maxHandoffs: 12 }. */
  readonly budget?: { readonly maxSteps: number; readonly maxHandoffs: number; readonly maxDollars?: number };
}

/** Share of the current diff's tests that pass (0 if it was not tested, did not apply or ran no test). */
export function passShare(value: PatchArtifact): number {
  const run = currentTestRun(value);
  return run && run.applied && run.testsRun > 0 ? run.testsPassed / run.testsRun : 0;
}

/**
 * The code-patch workflow: author -> tests -> reviewer / reviser -> tests -> ... -> submit. The grader is the
 * share of tests that pass minus `costWeight` x dollars spent.
 * @example
 * const wf = createPatchWorkflow({ snapshot, models: { author: m, reviewer: m, reviser: m } });
 * const result = await new InProcessRuntime({ workflow: wf, heads: patchRuleHeads() }).runEpisode({ seed: 1, input: patchInput(task, snapshot.id) });
 */
export function createPatchWorkflow(config: PatchWorkflowConfig): Workflow<PatchArtifact> {
  const costWeight = config.costWeight ?? 1;
  const { snapshot, models } = config;
  return defineWorkflow<PatchArtifact>({
    name: 'patch',
    artifact: patchArtifact,
    agents: [
      createPatchAuthor({ model: models.author, snapshot }),
      createTestRunner({
        snapshot,
        ...(config.testTimeoutMs === undefined ? {} : { timeoutMs: config.testTimeoutMs }),
        ...(config.testIsolation === undefined ? {} : { isolation: config.testIsolation }),
      }),
      createPatchReviewer({ model: models.reviewer, snapshot }),
      createPatchReviser({ model: models.reviser, snapshot }),
    ],
    entry: 'author',
    successors: { author: ['tests'], tests: ['reviewer', 'reviser'], reviewer: ['reviser', 'tests'], reviser: ['tests'] },
    grader: (artifact) => passShare(artifact.value) - costWeight * artifact.value.costUsd,
    budget: config.budget ?? { maxSteps: 16, maxHandoffs: 12 },
  });
}

/** Scripted rule heads for the four agents (see PatchRulePolicy); swap in TabularIcqHead to learn the routing. */
export function patchRuleHeads(): Record<string, HandoffHead> {
  return {
    author: new PatchRulePolicy('author'),
    tests: new PatchRulePolicy('tests'),
    reviewer: new PatchRulePolicy('reviewer'),
    reviser: new PatchRulePolicy('reviser'),
  };
}

export { patchInput };

import { rm } from 'node:fs/promises';
import { UserError, type AgentOption } from '@baton/core';
import { currentTestRun, type PatchArtifact, type PatchTestRun } from './artifact.ts';
import { applyUnifiedDiff } from './apply.ts';
import { patchInterface } from './interface.ts';
import type { IsolationMechanism } from './isolation.ts';
import { runTestsInSandbox } from './sandbox.ts';
import { materialize, type RepoSnapshot } from './snapshot.ts';

export interface TestRunnerConfig {
  /** Agent id. Default `tests`. */
  readonly id?: string;
  /** The base the patches apply to; an artifact with another `baseId` is a UserError. */
  readonly snapshot: RepoSnapshot;
  /** Wall-clock limit of one test run. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** The test command, run in the temporary copy. Default `node --test --test-reporter=tap`. */
  readonly command?: readonly [string, ...string[]];
  /** How test runs are confined; default `auto`, the strongest mechanism that works on this machine. */
  readonly isolation?: IsolationMechanism | 'auto';
}

/**
 * Applies the current diff in a fresh temporary copy of the repository and runs the project's tests there.
 * @example
 * const patched = await testPatch(snapshot, diff, { timeoutMs: 10_000 });
 */
export async function testPatch(
  snapshot: RepoSnapshot,
  diff: string,
  options: { attempt: number; timeoutMs: number; command?: readonly [string, ...string[]]; isolation?: IsolationMechanism | 'auto' },
): Promise<PatchTestRun & { isolation?: IsolationMechanism }> {
  const applied = applyUnifiedDiff(snapshot, diff);
  if (!applied.ok) {
    return {
      attempt: options.attempt,
      applied: false,
      applyError: applied.reason,
      filesTouched: [...applied.touched],
      testsRun: 0,
      testsPassed: 0,
      testsFailed: 0,
      timedOut: false,
      output: '',
    };
  }
  const dir = await materialize(snapshot, applied.files);
  try {
    const result = await runTestsInSandbox({
      cwd: dir,
      timeoutMs: options.timeoutMs,
      ...(options.command ? { command: options.command } : {}),
      ...(options.isolation ? { isolation: options.isolation } : {}),
    });
    return {
      isolation: result.isolation,
      attempt: options.attempt,
      applied: true,
      applyError: null,
      filesTouched: [...applied.touched],
      testsRun: result.testsRun,
      testsPassed: result.testsPassed,
      testsFailed: result.testsFailed,
      timedOut: result.timedOut,
      output: result.output,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The test runner: a tool agent (no model). Its work records one test run of the current diff in the artifact. */
export function createTestRunner(config: TestRunnerConfig): AgentOption<PatchArtifact> {
  const timeoutMs = config.timeoutMs ?? 30_000;
  return {
    id: config.id ?? 'tests',
    interface: patchInterface,
    canContinue: false,
    async work(artifact) {
      const value = artifact.value;
      if (value.baseId !== config.snapshot.id) {
        throw new UserError(
          `the patch is against base ${value.baseId.slice(0, 12)}, not the runner's snapshot ${config.snapshot.id.slice(0, 12)}`,
          { field: 'artifact.baseId' },
        );
      }
      if (value.attempts === 0 || currentTestRun(value))
        return { reward: 0, notes: { skipped: value.attempts === 0 ? 'no diff yet' : 'already tested' } };
      const started = performance.now();
      const run = await testPatch(config.snapshot, value.diff, {
        attempt: value.attempts,
        timeoutMs,
        ...(config.command ? { command: config.command } : {}),
        ...(config.isolation ? { isolation: config.isolation } : {}),
      });
      const { isolation, ...testRun } = run;
      return {
        value: { ...value, testRuns: [...value.testRuns, testRun] },
        reward: 0,
        usage: { latencyMs: performance.now() - started },
        notes: {
          applied: run.applied,
          applyError: run.applyError,
          testsRun: run.testsRun,
          testsPassed: run.testsPassed,
          testsFailed: run.testsFailed,
          timedOut: run.timedOut,
          isolation: isolation ?? null,
        },
      };
    },
  };
}

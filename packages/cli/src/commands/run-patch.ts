import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { createAnthropicModel, createOpenAIModel } from '@baton/adapters';
import { startWireServer, type WireStep } from '@baton/adapters/test';
import {
  availableIsolation,
  createPatchWorkflow,
  ISOLATION_SUMMARY,
  currentTestRun,
  DEFAULT_PATCH_FIXTURE,
  loadPatchFixture,
  patchInput,
  patchRuleHeads,
  type PatchArtifact,
  type IsolationMechanism,
  type PatchFixture,
} from '@baton/agents';
import { InProcessRuntime, UserError, type BatonEvent, type ModelAdapter } from '@baton/core';
import { outputFile, positiveInt } from '../program.ts';
import { runCommand } from './run.ts';

/** Options of one `baton run patch` episode. */
export interface RunPatchOptions {
  readonly fixture?: string;
  /** Serve the fixture's recorded replies from the local wire-protocol server instead of calling a provider. */
  readonly offline?: boolean;
  readonly provider?: 'openai' | 'anthropic';
  /** Model id; default gpt-6-luna (OpenAI, also offline) or claude-sonnet-5-5 (Anthropic). */
  readonly model?: string;
  readonly testTimeoutMs?: number;
  /** How the tests are confined; default `auto`, the strongest mechanism that works on this machine. */
  readonly isolation?: IsolationMechanism | 'auto';
  readonly seed?: number;
}

/** One handoff as the report lists it. */
export interface PatchHandoff {
  readonly from: string;
  readonly to: string;
  readonly handoffId: string;
  readonly time: number;
}

/** What `--json` writes. */
export interface PatchRunReport {
  readonly mode: 'offline' | 'live';
  readonly fixture: string;
  readonly model: string;
  /** `scripted-rules`: the heads are hand-written rules, not learned. */
  readonly policy: string;
  /** How the tests were confined (see ISOLATION_SUMMARY). */
  readonly isolation: IsolationMechanism;
  readonly testsTotal: number;
  readonly testsPassed: number;
  readonly handoffs: readonly PatchHandoff[];
  readonly costUsd: number;
  readonly grade: number;
  readonly submitter: string;
  readonly path: readonly string[];
  readonly attempts: number;
  readonly testRuns: readonly {
    attempt: number;
    applied: boolean;
    applyError: string | null;
    testsRun: number;
    testsPassed: number;
    testsFailed: number;
    timedOut: boolean;
  }[];
  readonly reviews: PatchArtifact['reviews'];
  readonly diff: string;
}

function recordedScript(fixture: PatchFixture): WireStep[] {
  // Each role's replies are served in recorded order, picked by the `ROLE: <role>` line of the prompt.
  return fixture.recording.replies.map((reply) => ({ match: `ROLE: ${reply.role}`, reply: { text: reply.text } }));
}

function liveModel(options: RunPatchOptions): ModelAdapter {
  if (options.provider === 'anthropic') return createAnthropicModel({ model: options.model ?? 'claude-sonnet-5-5' });
  return createOpenAIModel({ model: options.model ?? 'gpt-6-luna' });
}

/**
 * Runs one episode of the code-patch workflow on a fixture: live against a provider, or offline with the recorded
 * replies served by the wire-protocol server through the real openai SDK adapter.
 */
export async function runPatch(options: RunPatchOptions = {}): Promise<PatchRunReport> {
  const fixture = await loadPatchFixture(options.fixture ?? DEFAULT_PATCH_FIXTURE);
  const available = await availableIsolation();
  const isolation = options.isolation === undefined || options.isolation === 'auto' ? (available[0] ?? 'process-group') : options.isolation;
  if (!available.includes(isolation))
    throw new UserError(`--isolation ${isolation} does not work on this machine; available here: ${available.join(', ')}`, {
      field: 'isolation',
    });
  const server = options.offline ? await startWireServer({ script: recordedScript(fixture) }) : undefined;
  try {
    const model = server
      ? createOpenAIModel({ model: options.model ?? 'gpt-6-luna', baseURL: server.openaiBaseURL, apiKey: 'offline' })
      : liveModel(options);
    const workflow = createPatchWorkflow({
      snapshot: fixture.snapshot,
      models: { author: model, reviewer: model, reviser: model },
      testIsolation: isolation,
      ...(options.testTimeoutMs === undefined ? {} : { testTimeoutMs: options.testTimeoutMs }),
    });
    const heads = patchRuleHeads();
    const handoffs: PatchHandoff[] = [];
    const sink = (event: BatonEvent): void => {
      if (event.type === 'handoff') handoffs.push({ from: event.from, to: event.to, handoffId: event.handoffId, time: event.time });
    };
    const runtime = new InProcessRuntime({ workflow, heads, sinks: [sink] });
    const result = await runtime.runEpisode({
      seed: options.seed ?? 1,
      input: patchInput(fixture.task, fixture.snapshot.id),
      learn: false,
    });
    const value = result.artifact.value;
    const final = currentTestRun(value);
    return {
      mode: server ? 'offline' : 'live',
      fixture: fixture.name,
      model: `${model.provider}/${model.model}`,
      policy: heads['tests']?.kind ?? 'unknown',
      isolation,
      testsTotal: final?.testsRun ?? 0,
      testsPassed: final?.testsPassed ?? 0,
      handoffs,
      costUsd: result.costUsd,
      grade: result.terminalReward,
      submitter: result.submitter,
      path: result.path,
      attempts: value.attempts,
      testRuns: value.testRuns.map(({ attempt, applied, applyError, testsRun, testsPassed, testsFailed, timedOut }) => ({
        attempt,
        applied,
        applyError,
        testsRun,
        testsPassed,
        testsFailed,
        timedOut,
      })),
      reviews: value.reviews,
      diff: value.diff,
    };
  } finally {
    await server?.close();
  }
}

/** The human-readable lines printed to stdout. */
export function formatPatchReport(report: PatchRunReport): string {
  const lines = [
    report.mode === 'offline'
      ? 'OFFLINE: recorded replies served by the local wire-protocol server through the openai SDK adapter; no provider was called.'
      : `LIVE: ${report.model}`,
    `fixture ${report.fixture}, model ${report.model}, heads: ${report.policy} (hand-written routing rules, not learned)`,
    `tests confined by ${report.isolation}: ${ISOLATION_SUMMARY[report.isolation]}`,
    ...report.testRuns.map(
      (r) =>
        `  attempt ${r.attempt}: ${r.applied ? `applied, tests ${r.testsPassed}/${r.testsRun} passed${r.timedOut ? ' (timed out)' : ''}` : `did not apply (${r.applyError ?? '?'})`}`,
    ),
    ...report.reviews.map((r) => `  review of attempt ${r.attempt}: ${r.verdict}`),
    `path: ${report.path.join(' -> ')} -> submit (${report.handoffs.length} handoffs)`,
    `tests passed: ${report.testsPassed}/${report.testsTotal}; cost $${report.costUsd.toFixed(6)}; grade ${report.grade.toFixed(6)}`,
  ];
  return lines.join('\n');
}

export function register(program: Command): void {
  runCommand(program)
    .command('patch')
    .description('code-patch workflow: author -> test runner -> reviewer / reviser -> test runner -> submit; the tests grade the patch')
    .option('--fixture <name>', 'built-in fixture repository', DEFAULT_PATCH_FIXTURE)
    .option('--offline', 'serve recorded model replies from the local wire-protocol server (no API key)')
    .addOption(
      new Option('--provider <provider>', 'live model provider (OPENAI_API_KEY / ANTHROPIC_API_KEY)')
        .choices(['openai', 'anthropic'])
        .default('openai'),
    )
    .option('--model <id>', 'model id (default gpt-6-luna, or claude-sonnet-5-5 with --provider anthropic)')
    .option('--test-timeout <ms>', 'limit of one test run', positiveInt('--test-timeout'), 30_000)
    .addOption(
      new Option(
        '--isolation <mechanism>',
        'how the tests are confined: auto takes the strongest that works here (bwrap, then unshare, then process-group; see docs/decisions/0007-patch-sandbox.md)',
      )
        .choices(['auto', 'bwrap', 'unshare', 'process-group'])
        .default('auto'),
    )
    .option('--seed <n>', 'episode seed', positiveInt('--seed'), 1)
    .option('--json <file>', 'write {testsTotal, testsPassed, handoffs, costUsd, ...} as JSON', outputFile('--json'))
    .action(
      async (flags: {
        fixture: string;
        offline?: boolean;
        provider: 'openai' | 'anthropic';
        model?: string;
        testTimeout: number;
        isolation: IsolationMechanism | 'auto';
        seed: number;
        json?: string;
      }) => {
        const report = await runPatch({
          fixture: flags.fixture,
          offline: flags.offline === true,
          provider: flags.provider,
          testTimeoutMs: flags.testTimeout,
          isolation: flags.isolation,
          seed: flags.seed,
          ...(flags.model === undefined ? {} : { model: flags.model }),
        });
        console.log(formatPatchReport(report));
        if (flags.json) {
          await writeFile(flags.json, `${JSON.stringify(report, null, 2)}\n`);
          console.log(`wrote ${flags.json}`);
        }
        if (report.testsTotal === 0 || report.testsPassed < report.testsTotal) process.exitCode = 1;
      },
    );
}

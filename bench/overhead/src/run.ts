import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { SOURCE_CONDITION } from '@baton/core/internal';
import type { Framework } from './chain.ts';
import {
  frameworkFigures,
  GOAL_TIMES,
  HEADLINE_N,
  meetsGoal,
  ratiosOf,
  round2,
  type FrameworkFigures,
  type PeerRatios,
} from './figures.ts';
import type { MeasureReport, MeasureRequest, SizeRequest } from './measure.ts';
const run = promisify(execFile);

/** The three sides the issue compares, plus reference points reported beside them. */
export const COMPARED = ['baton', 'langgraph', 'openaiAgents'] as const satisfies readonly Framework[];
export const REFERENCES = ['batonAudit', 'batonEval', 'openaiAgentsFullHistory', 'bareHop'] as const satisfies readonly Framework[];

export interface OverheadOptions {
  /** Chain lengths (handoffs per run). Default 10, 100, 1000. */
  readonly sizes?: readonly number[];
  /**
   * Rounds; each round runs every framework once (one process each, covering its sizes), in an order rotated every
   * round. Default 3 (2 at N >= 1000, where one LangGraph run takes tens of seconds).
   */
  readonly rounds?: number;
  /**
   * Untimed running in the warm pass of every process, the same wall-clock time for every side, shared evenly by
   * the sizes: each size's chain runs untimed for its share before its timed runs (default 2000 ms). Long enough for
   * V8 to optimise Baton's per-handoff code (it needs about 5,000 handoffs on one chain) and most of the Agents SDK's;
   * LangGraph's cost per handoff hardly changes with it. 0: the cold pass only.
   */
  readonly warmupMs?: number;
  /** Called after each measurement process, for a progress bar. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export type OverheadResult = Partial<Record<Framework, FrameworkFigures>> & {
  /** Peers over Baton in the warm pass (the headline). */
  readonly ratios: Readonly<Record<string, PeerRatios>>;
  readonly coldRatios: Readonly<Record<string, PeerRatios>>;
  readonly goal: { readonly atLeastTimesLower: number; readonly met: boolean };
  readonly meta: Readonly<Record<string, unknown>>;
};

const DEFAULT_WARMUP_MS = 2000;

/**
 * How many runs one size gets in one process. Every side gets the same: the same warm-up runs and the same timed
 * runs per round (cold: 6 at N <= 10, 2 at N <= 100, 1 beyond; warm: three times as many below N = 1000, where a
 * warm Baton run is under a millisecond and one collection in it would move a median of few), so medians are over
 * equally many runs of equal length.
 */
function plan(handoffs: number, round: number): SizeRequest {
  const fast = handoffs <= 10 ? 6 : handoffs <= 100 ? 2 : 1;
  const heap = round > 0 ? 'none' : 'timed';
  return { handoffs, warmupRuns: 5, timedRuns: fast, warmTimedRuns: handoffs < 1000 ? 3 * fast : fast, heap };
}

/** Rounds at a size: the default, fewer at N >= 1000 (a single LangGraph run there takes tens of seconds). */
function roundsAt(handoffs: number, rounds: number | undefined): number {
  return rounds ?? (handoffs >= 1000 ? 2 : 3);
}

/** Whether a framework runs at a size in a round: every compared side in every round; references once. */
function takesPart(framework: Framework, handoffs: number, round: number, rounds: number | undefined): boolean {
  if (round >= roundsAt(handoffs, rounds)) return false;
  // The unfiltered OpenAI transcript is O(N) per handoff (over a minute per run at 1000): a reference at N <= 100.
  if (framework === 'openaiAgentsFullHistory') return round === 0 && handoffs <= 100;
  if (framework === 'bareHop') return round === 0;
  return true;
}

const FRAMEWORK_ORDER: readonly Framework[] = [...COMPARED, ...REFERENCES];

/**
 * Third-party packages stay external (loaded from node_modules, as published); workspace sources are bundled. An
 * external is pinned to the file that the importing package itself resolves (ESM conditions), since a workspace
 * package's dependencies (the learner's tfjs, say) are not the bench package's.
 */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(on) {
    on.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@baton/') || args.path.startsWith('node:') || args.pluginData === 'pinned') return undefined;
      const resolved = await on.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'pinned',
      });
      // An optional dependency that is not installed (tfjs-node) stays a bare specifier, failing only if imported.
      return { path: resolved.errors.length ? args.path : resolved.path, external: true };
    });
  },
};

/**
 * Compiles the measurement entry once, to plain JS: Baton's TypeScript sources go through esbuild the way a
 * published build would, while the peers run their published dist. Measurement processes then load no TS loader.
 * Code splitting keeps each framework in its own chunk, so a process loads only the framework it measures. The audit
 * log's writer thread is a module of its own that the audit sink starts from beside its code (startModuleWorker), so
 * it is compiled as a second entry next to the chunks.
 */
async function compileChild(): Promise<string> {
  const outdir = fileURLToPath(new URL('../node_modules/.cache/bench-overhead/', import.meta.url));
  const audit = dirname(createRequire(import.meta.url).resolve('@baton/audit/package.json'));
  await build({
    entryPoints: {
      child: fileURLToPath(new URL('./child.ts', import.meta.url)),
      'chain-worker': join(audit, 'src', 'chain-worker.ts'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Workspace packages export their built dist/ by default; their sources are what this bench measures.
    conditions: [SOURCE_CONDITION],
    plugins: [externalPackages],
    logLevel: 'silent',
  });
  return `${outdir}child.js`;
}

async function measureInChild(child: string, request: MeasureRequest): Promise<MeasureReport> {
  const { stdout } = await run(process.execPath, ['--expose-gc', child, JSON.stringify(request)], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as MeasureReport;
}

/**
 * Runs the whole benchmark: for each size, `rounds` rounds, each running every framework in its own process, the
 * order rotated every round so that no framework always runs first (or last) on a shared, noisy machine.
 */
export async function runOverheadBench(options: OverheadOptions = {}): Promise<OverheadResult> {
  const sizes = options.sizes ?? [10, 100, 1000];
  const warmupMs = options.warmupMs ?? DEFAULT_WARMUP_MS;
  const started = Date.now();
  const loadBefore = loadavg();
  const rounds = Math.max(...sizes.map((n) => roundsAt(n, options.rounds)));
  const schedule: MeasureRequest[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < FRAMEWORK_ORDER.length; k++) {
      const framework = FRAMEWORK_ORDER[(k + r) % FRAMEWORK_ORDER.length] as Framework;
      const mine = sizes.filter((n) => takesPart(framework, n, r, options.rounds)).map((n) => plan(n, r));
      if (mine.length) schedule.push({ framework, sizes: mine, warmupMs });
    }
  }

  const child = await compileChild();
  const reports: MeasureReport[] = [];
  const seconds: { framework: Framework; seconds: number }[] = [];
  for (const request of schedule) {
    const t0 = Date.now();
    reports.push(await measureInChild(child, request));
    seconds.push({ framework: request.framework, seconds: round2((Date.now() - t0) / 1000) });
    options.onProgress?.(reports.length, schedule.length, request.framework);
  }

  const result: Partial<Record<Framework, FrameworkFigures>> = {};
  for (const framework of FRAMEWORK_ORDER) {
    const figures = frameworkFigures(
      reports.filter((r) => r.framework === framework),
      sizes,
    );
    if (figures) result[framework] = figures;
  }

  const ratios = ratiosOf(result, sizes, (f) => f.byN);
  const coldRatios = ratiosOf(result, sizes, (f) => f.coldByN);
  const met = meetsGoal(ratios) && meetsGoal(coldRatios);

  return {
    ...result,
    ratios,
    coldRatios,
    goal: { atLeastTimesLower: GOAL_TIMES, met },
    meta: {
      date: new Date(started).toISOString(),
      durationS: round2((Date.now() - started) / 1000),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadavgBefore: loadBefore.map(round2),
      loadavgAfter: loadavg().map(round2),
      headlineN: HEADLINE_N,
      sizes,
      rounds,
      processes: seconds,
      usPerHandoff: 'median over timed runs of (run wall time / handoffs); each run is one whole chain',
      cpuUsPerHandoff: 'median over the same runs of (process user + system CPU time / handoffs)',
      warmupMs,
      runsPerSide:
        'every compared side, per round (one process): the cold pass (5 warm-up runs, then 6 timed runs at N <= 10, 2 at N <= 100, 1 beyond), ' +
        `then the warm pass: each size's new chain runs untimed for its share of ${warmupMs} ms, then 18 / 6 / 1 timed runs; 3 rounds (2 at N >= 1000)`,
    },
  };
}

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { SOURCE_CONDITION } from '@baton/core/internal';
import type { Framework } from './chain.ts';
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
  /** Called after each measurement process, for a progress bar. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface SizeFigures {
  /** Median over every timed run in every round (wall clock). */
  readonly usPerHandoff: number;
  /** Median CPU time (user + system) per handoff over the same runs. */
  readonly cpuUsPerHandoff: number;
  readonly minUs: number;
  readonly maxUs: number;
  readonly runs: number;
  readonly peakRssMb: number;
  readonly rssBeforeMb: number;
  readonly heapPeakMb: number;
}

export interface FrameworkFigures {
  /** The headline: the median at N = 100 (or the largest size measured below it). */
  readonly usPerHandoff: number;
  readonly peakRssMb: number;
  readonly heapPeakMb: number;
  readonly byN: Readonly<Record<string, SizeFigures>>;
}

/** A peer's median per-handoff cost over Baton's at one N, by wall clock and by CPU time. */
export interface PeerRatios {
  readonly langgraph: number;
  readonly openaiAgents: number;
  readonly langgraphCpu: number;
  readonly openaiAgentsCpu: number;
}

export type OverheadResult = Partial<Record<Framework, FrameworkFigures>> & {
  readonly ratios: Readonly<Record<string, PeerRatios>>;
  readonly goal: { readonly atLeastTimesLower: number; readonly met: boolean };
  readonly meta: Readonly<Record<string, unknown>>;
};

const HEADLINE_N = 100;

/**
 * How many runs one size gets in one process. Every side gets the same: the same warm-up runs and the same timed
 * runs per round (6 at N <= 10, 2 at N <= 100, 1 beyond), so medians are over equally many runs of equal length.
 */
function plan(handoffs: number, round: number): SizeRequest {
  const fast = handoffs <= 10 ? 6 : handoffs <= 100 ? 2 : 1;
  return { handoffs, warmupRuns: 5, timedRuns: fast, heap: round > 0 ? 'none' : 'timed' };
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

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Runs the whole benchmark: for each size, `rounds` rounds, each running every framework in its own process, the
 * order rotated every round so that no framework always runs first (or last) on a shared, noisy machine.
 */
export async function runOverheadBench(options: OverheadOptions = {}): Promise<OverheadResult> {
  const sizes = options.sizes ?? [10, 100, 1000];
  const started = Date.now();
  const loadBefore = loadavg();
  const rounds = Math.max(...sizes.map((n) => roundsAt(n, options.rounds)));
  const schedule: MeasureRequest[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < FRAMEWORK_ORDER.length; k++) {
      const framework = FRAMEWORK_ORDER[(k + r) % FRAMEWORK_ORDER.length] as Framework;
      const mine = sizes.filter((n) => takesPart(framework, n, r, options.rounds)).map((n) => plan(n, r));
      if (mine.length) schedule.push({ framework, sizes: mine });
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
    const byN: Record<string, SizeFigures> = {};
    for (const handoffs of sizes) {
      const mine = reports.filter((r) => r.framework === framework).flatMap((r) => r.sizes.filter((s) => s.handoffs === handoffs));
      if (!mine.length) continue;
      const us = mine.flatMap((r) => r.usPerHandoff);
      const cpu = mine.flatMap((r) => r.cpuUsPerHandoff);
      const heap = mine.flatMap((r) => (r.heapPeakMb === undefined ? [] : [r.heapPeakMb]));
      byN[handoffs] = {
        usPerHandoff: round2(median(us)),
        cpuUsPerHandoff: round2(median(cpu)),
        minUs: round2(Math.min(...us)),
        maxUs: round2(Math.max(...us)),
        runs: us.length,
        peakRssMb: round2(Math.max(...mine.map((r) => r.peakRssMb))),
        rssBeforeMb: round2(median(mine.map((r) => r.rssBeforeMb))),
        heapPeakMb: round2(heap.length ? Math.max(...heap) : Number.NaN),
      };
    }
    const measured = Object.keys(byN).map(Number);
    if (!measured.length) continue;
    const below = measured.filter((n) => n <= HEADLINE_N);
    const headline = byN[below.length ? Math.max(...below) : Math.min(...measured)] as SizeFigures;
    const largest = byN[Math.max(...measured)] as SizeFigures;
    result[framework] = { usPerHandoff: headline.usPerHandoff, peakRssMb: largest.peakRssMb, heapPeakMb: largest.heapPeakMb, byN };
  }

  const ratios: Record<string, PeerRatios> = {};
  let met = true;
  for (const handoffs of sizes) {
    const baton = result.baton?.byN[handoffs];
    const lg = result.langgraph?.byN[handoffs];
    const oa = result.openaiAgents?.byN[handoffs];
    if (!baton || !lg || !oa) continue;
    ratios[handoffs] = {
      langgraph: round2(lg.usPerHandoff / baton.usPerHandoff),
      openaiAgents: round2(oa.usPerHandoff / baton.usPerHandoff),
      langgraphCpu: round2(lg.cpuUsPerHandoff / baton.cpuUsPerHandoff),
      openaiAgentsCpu: round2(oa.cpuUsPerHandoff / baton.cpuUsPerHandoff),
    };
    met &&= lg.usPerHandoff / baton.usPerHandoff >= 10 && oa.usPerHandoff / baton.usPerHandoff >= 10;
  }

  return {
    ...result,
    ratios,
    goal: { atLeastTimesLower: 10, met },
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
      runsPerSide:
        'every compared side: 5 warm-up runs, then per round 6 timed runs at N <= 10, 2 at N <= 100, 1 beyond; 3 rounds (2 at N >= 1000)',
    },
  };
}

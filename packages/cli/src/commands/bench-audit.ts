import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadRouteLLM, recordedLabel, replayPair, type ReplayDataset } from '@baton/adapters';
import { cascadeWorkflow, newCascadeHeads, newMathDraft } from '@baton/agents';
import { createAuditSink, verifyAuditLog } from '@baton/audit';
import { InProcessRuntime, Rng, UserError, type EventSink } from '@baton/core';
import { relayInput, relayRuntime } from '@baton/core/test';
import { methodHeads, syntheticInput, syntheticWorkflow } from '@baton/learner';
import { outputFile, positiveInt } from '../program.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { benchCommand } from './bench.ts';

const BENCH_KEY = 'bench-hmac-key-0123456789abcdef';

/**
 * What the engine runs while it is audited. `relay`: the relay of @baton/core/test (pure work) with heads that draw
 * seeded Q-values (no learning), the bare engine and the worst case for the sink's share. `icq`: the synthetic
 * IC-SMDP of `baton demo` with IC-Q tabular heads learning. `gsm8k`: the math cascade of `baton train math` on
 * recorded GSM8K outputs (replayed model calls, mathjs projections, linear IC-Q heads learning), the workload of a
 * math-solver user with the model calls taken out.
 */
export type AuditWorkload = 'relay' | 'icq' | 'gsm8k';
export const AUDIT_WORKLOADS: readonly AuditWorkload[] = ['relay', 'icq', 'gsm8k'];

/** Where `--data` points by default: the RouteLLM GSM8K recordings beside the repo, as the playground reads them. */
const DEFAULT_GSM8K_DATA =
  process.env['BATON_GSM8K_DATA'] ?? fileURLToPath(new URL('../../../../../shared/data/routellm-gsm8k', import.meta.url));

/** Reward units per dollar in the gsm8k workload: it steers which model the heads pick, not what the sink writes. */
const GSM8K_COST_WEIGHT = 5;

/** One episode runner per workload, built around the given sinks (fresh heads every time). */
function workloadRunner(
  workload: AuditWorkload,
  sinks: readonly EventSink[],
  gsm8k: ReplayDataset | undefined,
): (seed: number) => Promise<number> {
  if (workload === 'relay') {
    const runtime = relayRuntime(sinks);
    return async (seed) => (await runtime.runEpisode({ seed, input: relayInput() })).decisions;
  }
  if (workload === 'gsm8k') {
    if (!gsm8k) throw new UserError('the gsm8k workload needs the RouteLLM GSM8K recordings', { field: '--data' });
    const workflow = cascadeWorkflow(recordedLabel(gsm8k), replayPair(gsm8k), GSM8K_COST_WEIGHT);
    const runtime = new InProcessRuntime({ workflow, heads: { ...newCascadeHeads(workflow) }, sinks });
    const prompts = gsm8k.records.map((r) => r.prompt);
    return async (seed) =>
      (await runtime.runEpisode({ seed, input: newMathDraft(prompts[seed % prompts.length] as string), learn: true })).decisions;
  }
  const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(), heads: methodHeads('icq-tabular', 1).heads, sinks });
  return async (seed) => (await runtime.runEpisode({ seed, input: syntheticInput(new Rng(seed)) })).decisions;
}

export interface AuditBenchResult {
  readonly workload: AuditWorkload;
  readonly episodes: number;
  readonly rounds: number;
  /** Each variant's own median of decisions per wall-clock second (the overheads come from `pairs`, not from these). */
  readonly decisionsPerSecond: Variants;
  /** 100 * (1 - audited / plain) of the median round's pair of wall-clock rates (see `pairs`). */
  readonly overheadPercent: { readonly audit: number; readonly signed: number };
  /** Per audited variant, the round its overhead is taken from, and the spread of the overhead over all rounds. */
  readonly pairs: { readonly audit: RoundPair; readonly signed: RoundPair };
  /**
   * The same per CPU-second of this process (all threads, including the writes): on a shared, oversubscribed
   * machine wall-clock rates swing with the neighbours' load, CPU time much less.
   */
  readonly decisionsPerCpuSecond: Variants;
  readonly cpuOverheadPercent: { readonly audit: number; readonly signed: number };
  readonly cpuPairs: { readonly audit: RoundPair; readonly signed: RoundPair };
  readonly eventsPerDecision: number;
  /** Median time of `close()` (seal record, fsync of the whole log of all rounds), not in the rates above. */
  readonly closeMs: number;
  readonly verify: {
    readonly records: number;
    readonly seconds: number;
    readonly recordsPerSecond: number;
    readonly recordsPerCpuSecond: number;
  };
}

interface Variants {
  readonly none: number;
  readonly audit: number;
  readonly signed: number;
}

/**
 * One audited variant against no sink, in the round whose overhead is the median over rounds (the lower median for
 * an even count): the overhead printed is exactly `1 - audited / plain` of the two rates printed beside it.
 */
export interface RoundPair {
  readonly plain: number;
  readonly audited: number;
  readonly overheadPercent: number;
  /** Lowest and highest overhead of any round. */
  readonly rangePercent: readonly [number, number];
}

/** The median round's pair of rates for one audited variant (each round's rates measured back to back). */
export function medianRoundPair(plain: readonly number[], audited: readonly number[]): RoundPair {
  const overheads = audited.map((x, i) => 100 * (1 - x / (plain[i] as number)));
  const order = overheads.map((_, i) => i).sort((a, b) => (overheads[a] as number) - (overheads[b] as number));
  const round = order[(order.length - 1) >> 1] as number;
  const p = Math.round(plain[round] as number);
  const a = Math.round(audited[round] as number);
  return {
    plain: p,
    audited: a,
    overheadPercent: +(100 * (1 - a / p)).toFixed(1),
    rangePercent: [+(overheads[order[0] as number] as number).toFixed(1), +(overheads[order.at(-1) as number] as number).toFixed(1)],
  };
}

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Audit overhead on the in-process engine: the same workload run with no sink, with the JSONL audit sink and with
 * the signed sink, in alternating rounds (so drift in machine load hits all three), each round's audited rate
 * against its plain one, median over rounds. Rates are decisions/s from the writer thread's first acknowledgement
 * (it has booted) to the last record handed to the OS (`flush`); `close` (seal, fsync) is timed apart. Then verify
 * speed over the audited log.
 */
export async function benchAudit(options: {
  workload?: AuditWorkload;
  episodes: number;
  rounds: number;
  gsm8k?: ReplayDataset;
  onRound?: () => void;
}): Promise<AuditBenchResult> {
  const workload = options.workload ?? 'relay';
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-audit-'));
  // One sink per variant, open for the whole bench as in a long-running service: its writer thread boots and warms
  // up once (a fresh one per run would time V8 compiling the writer, not the writer).
  const logPath = join(dir, 'audit.jsonl');
  const sinks = {
    audit: createAuditSink({ path: logPath }),
    signed: createAuditSink({ path: join(dir, 'signed.jsonl'), hmacKey: BENCH_KEY }),
  };
  try {
    const rates = { none: [] as number[], audit: [] as number[], signed: [] as number[] };
    const cpuRates = { none: [] as number[], audit: [] as number[], signed: [] as number[] };
    let decisionsAudited = 0;
    const run = async (variant: keyof typeof rates, round: number): Promise<void> => {
      const audit = variant === 'none' ? undefined : sinks[variant];
      // Fresh heads every run; each round its own seeds (and so episode ids), the same for the three variants.
      const episode = workloadRunner(workload, audit ? [audit.sink] : [], options.gsm8k);
      await audit?.flush();
      let decisions = 0;
      const start = performance.now();
      const cpu = process.cpuUsage();
      const first = round * options.episodes + 1;
      for (let seed = first; seed < first + options.episodes; seed++) decisions += await episode(seed);
      // Timed up to every record handed to the OS; the seal and the final fsync are a one-off per log, timed apart.
      await audit?.flush();
      const seconds = (performance.now() - start) / 1000;
      rates[variant].push(decisions / seconds);
      cpuRates[variant].push(decisions / cpuSeconds(cpu));
      if (variant === 'audit') decisionsAudited += decisions;
    };
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order so that no variant always runs first (warm-up) or last.
      const order = (['none', 'audit', 'signed'] as const).map((_, i, all) => all[(i + round) % all.length] as keyof typeof rates);
      for (const variant of order) await run(variant, round);
      options.onRound?.();
    }
    const closeMs: number[] = [];
    for (const audit of Object.values(sinks)) {
      const closing = performance.now();
      await audit.close();
      closeMs.push(performance.now() - closing);
    }
    const verifyRuns: number[] = [];
    const verifyCpu: number[] = [];
    let records = 0;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const result = await verifyAuditLog(logPath);
      verifyRuns.push((performance.now() - start) / 1000);
      verifyCpu.push(cpuSeconds(cpu));
      if (!result.ok) throw new Error(`bench log does not verify: ${JSON.stringify(result.firstBad)}`);
      records = result.records;
    }
    const seconds = median(verifyRuns);
    // Overheads are paired: each round's audited rate against the same round's plain one, and the median round is
    // reported, so that drift in the machine's load between rounds cancels instead of landing on one variant.
    const summarise = (r: typeof rates): { rates: Variants; pairs: { audit: RoundPair; signed: RoundPair } } => ({
      rates: { none: Math.round(median(r.none)), audit: Math.round(median(r.audit)), signed: Math.round(median(r.signed)) },
      pairs: { audit: medianRoundPair(r.none, r.audit), signed: medianRoundPair(r.none, r.signed) },
    });
    const wall = summarise(rates);
    const cpu = summarise(cpuRates);
    return {
      workload,
      episodes: options.episodes,
      rounds: options.rounds,
      decisionsPerSecond: wall.rates,
      overheadPercent: { audit: wall.pairs.audit.overheadPercent, signed: wall.pairs.signed.overheadPercent },
      pairs: wall.pairs,
      decisionsPerCpuSecond: cpu.rates,
      cpuOverheadPercent: { audit: cpu.pairs.audit.overheadPercent, signed: cpu.pairs.signed.overheadPercent },
      cpuPairs: cpu.pairs,
      eventsPerDecision: +((records - 2) / decisionsAudited).toFixed(2),
      closeMs: +median(closeMs).toFixed(1),
      verify: {
        records,
        seconds: +seconds.toFixed(4),
        recordsPerSecond: Math.round(records / seconds),
        recordsPerCpuSecond: Math.round(records / median(verifyCpu)),
      },
    };
  } finally {
    await Promise.all(Object.values(sinks).map((audit) => audit.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The overhead lines: each from one round's pair of rates, printed beside it, so the figures cannot disagree. */
export function formatPairs(result: Pick<AuditBenchResult, 'pairs' | 'cpuPairs' | 'rounds'>): string[] {
  const line = (unit: string, variant: string, p: RoundPair): string =>
    `  ${variant.padEnd(7)} overhead ${p.overheadPercent}%: ${p.audited} vs ${p.plain} ${unit} with no sink` +
    (result.rounds > 1 ? ` (the median round; ${p.rangePercent[0]}% to ${p.rangePercent[1]}% over ${result.rounds} rounds)` : '');
  return [
    line('decisions/s', 'audit', result.pairs.audit),
    line('decisions/s', 'signed', result.pairs.signed),
    line('decisions/cpu-s', 'audit', result.cpuPairs.audit),
    line('decisions/cpu-s', 'signed', result.cpuPairs.signed),
  ];
}

/** `baton bench audit [--workload relay|icq|gsm8k|all] [--episodes N] [--gsm8k-episodes N] [--rounds R] [--data DIR] [--json FILE]`. */
export function register(program: Command): void {
  benchCommand(program)
    .command('audit')
    .description(
      'Audit sink overhead on the in-process runtime (% of decisions/s, no sink vs audit vs signed, alternating rounds) and verify ' +
        "speed (records/s). Workloads: relay (bare engine, trivial agents: the worst case), icq (the demo's IC-Q tabular learning) " +
        'and gsm8k (the math cascade of `baton train math` on recorded GSM8K outputs; skipped by "all" when --data is missing).',
    )
    .option('--workload <name>', `${AUDIT_WORKLOADS.join(', ')} or all`, 'all')
    .option('--episodes <n>', 'episodes per run of relay and icq', positiveInt('--episodes'), 20000)
    .option('--gsm8k-episodes <n>', 'episodes per run of gsm8k (each costs ~10x a relay episode)', positiveInt('--gsm8k-episodes'), 5000)
    .option('--rounds <n>', 'alternating rounds per variant', positiveInt('--rounds'), 7)
    .option('--data <dir>', 'RouteLLM GSM8K recordings for the gsm8k workload', DEFAULT_GSM8K_DATA)
    .option('--json <file>', 'write the figures as JSON, keyed by workload', outputFile('--json'))
    .option('--progress', 'show a progress bar even when stderr is not a TTY')
    .action(
      async (opts: {
        workload: string;
        episodes: number;
        gsm8kEpisodes: number;
        rounds: number;
        data: string;
        json?: string;
        progress?: boolean;
      }) => {
        let workloads = opts.workload === 'all' ? AUDIT_WORKLOADS : AUDIT_WORKLOADS.filter((w) => w === opts.workload);
        if (workloads.length === 0) throw new UserError(`must be one of ${AUDIT_WORKLOADS.join(', ')}, all`, { field: '--workload' });
        let gsm8k: ReplayDataset | undefined;
        if (workloads.includes('gsm8k')) {
          if (existsSync(opts.data)) gsm8k = loadRouteLLM(opts.data);
          else if (opts.workload === 'gsm8k') throw new UserError(`no RouteLLM GSM8K recordings at ${opts.data}`, { field: '--data' });
          else {
            console.error(`gsm8k workload skipped: no recordings at ${opts.data} (--data)`);
            workloads = workloads.filter((w) => w !== 'gsm8k');
          }
        }
        const progress = createProgress('bench audit', stderrIsTTY() || opts.progress === true);
        const rounds = opts.rounds * workloads.length;
        let roundsDone = 0;
        progress.update(0, rounds, `${workloads[0] ?? ''} rounds`);
        const results: Partial<Record<AuditWorkload, AuditBenchResult>> = {};
        for (const workload of workloads) {
          const episodes = workload === 'gsm8k' ? opts.gsm8kEpisodes : opts.episodes;
          results[workload] = await benchAudit({
            workload,
            episodes,
            rounds: opts.rounds,
            ...(gsm8k ? { gsm8k } : {}),
            onRound: () => progress.update(++roundsDone, rounds, `${workload} rounds`),
          });
        }
        progress.stop();
        for (const result of Object.values(results)) {
          console.log(
            `${result.workload} workload, ${result.episodes} episodes x ${result.rounds} alternating rounds, ${result.eventsPerDecision} events per decision`,
          );
          for (const line of formatPairs(result)) console.log(line);
          console.log(`  close            ${result.closeMs} ms per log (seal + fsync; not in the rates above)`);
          console.log(
            `  verify           ${result.verify.records} records in ${result.verify.seconds}s = ${result.verify.recordsPerSecond} records/s (${result.verify.recordsPerCpuSecond} per cpu-s)`,
          );
        }
        if (opts.json) await writeFile(opts.json, `${JSON.stringify(results, null, 2)}\n`);
      },
    );
}

import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createAuditSink, InProcessRuntime, Rng, UserError, verifyAuditLog, type EventSink } from '@baton/core';
import { relayRuntime } from '@baton/core/test';
import { methodHeads, syntheticInput, syntheticWorkflow } from '@baton/learner';
import { positiveInt } from '../program.ts';
import { benchCommand } from './bench.ts';

const BENCH_KEY = 'bench-hmac-key-0123456789abcdef';

/**
 * What the engine runs while it is audited. `relay`: three agents whose work is a counter and whose heads draw
 * seeded Q-values (no learning), the bare engine and the worst case for the sink's share. `icq`: the synthetic
 * IC-SMDP of `baton demo` with IC-Q tabular heads learning, the main job.
 */
export type AuditWorkload = 'relay' | 'icq';
export const AUDIT_WORKLOADS: readonly AuditWorkload[] = ['relay', 'icq'];

/** One episode runner per workload, built around the given sinks. */
function workloadRunner(workload: AuditWorkload, sinks: readonly EventSink[]): (seed: number) => Promise<number> {
  if (workload === 'relay') {
    const runtime = relayRuntime(sinks);
    return async (seed) => (await runtime.runEpisode({ seed, input: { n: 0, note: '' } })).decisions;
  }
  const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(), heads: methodHeads('icq-tabular', 1).heads, sinks });
  return async (seed) => (await runtime.runEpisode({ seed, input: syntheticInput(new Rng(seed)) })).decisions;
}

export interface AuditBenchResult {
  readonly workload: AuditWorkload;
  readonly episodes: number;
  readonly rounds: number;
  /** Median decisions per wall-clock second of the relay workflow on the in-process runtime, per variant. */
  readonly decisionsPerSecond: Variants;
  /** 100 * (1 - audited / plain), from the wall-clock medians. */
  readonly overheadPercent: { readonly audit: number; readonly signed: number };
  /**
   * The same per CPU-second of this process (all threads, including the writes): on a shared, oversubscribed
   * machine wall-clock rates swing with the neighbours' load, CPU time much less.
   */
  readonly decisionsPerCpuSecond: Variants;
  readonly cpuOverheadPercent: { readonly audit: number; readonly signed: number };
  readonly eventsPerDecision: number;
  /** Median time of `close()` (seal record, fsync of the whole file), not in the rates above. */
  readonly closeMs: number;
  readonly verify: { readonly records: number; readonly seconds: number; readonly recordsPerSecond: number; readonly recordsPerCpuSecond: number };
}

interface Variants {
  readonly none: number;
  readonly audit: number;
  readonly signed: number;
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
 * the signed sink, in alternating rounds (so drift in machine load hits all three), compared by median decisions/s
 * up to the last record handed to the OS (`flush`); `close` (seal, fsync) is timed apart. Then verify speed over the
 * audited log.
 */
export async function benchAudit(options: { workload?: AuditWorkload; episodes: number; rounds: number; onRound?: () => void }): Promise<AuditBenchResult> {
  const workload = options.workload ?? 'relay';
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-audit-'));
  try {
    const rates = { none: [] as number[], audit: [] as number[], signed: [] as number[] };
    const cpuRates = { none: [] as number[], audit: [] as number[], signed: [] as number[] };
    const closeMs: number[] = [];
    let events = 0;
    let decisionsTotal = 0;
    let logPath = '';
    const run = async (variant: keyof typeof rates, round: number): Promise<void> => {
      const path = join(dir, `${variant}-${round}.jsonl`);
      const audit = variant === 'none' ? undefined : createAuditSink({ path, ...(variant === 'signed' ? { hmacKey: BENCH_KEY } : {}) });
      const episode = workloadRunner(workload, audit ? [audit.sink] : []);
      let decisions = 0;
      const start = performance.now();
      const cpu = process.cpuUsage();
      for (let seed = 1; seed <= options.episodes; seed++) decisions += await episode(seed);
      // Timed up to every record handed to the OS; the seal and the final fsync are a one-off per log, timed apart.
      await audit?.flush();
      const seconds = (performance.now() - start) / 1000;
      rates[variant].push(decisions / seconds);
      cpuRates[variant].push(decisions / cpuSeconds(cpu));
      if (audit) {
        const closing = performance.now();
        await audit.close();
        closeMs.push(performance.now() - closing);
      }
      if (variant === 'audit') {
        logPath = path;
        events = (await verifyAuditLog(path)).records;
        decisionsTotal = decisions;
      }
    };
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order so that no variant always runs first (warm-up) or last.
      const order = (['none', 'audit', 'signed'] as const).map((_, i, all) => all[(i + round) % all.length] as keyof typeof rates);
      for (const variant of order) await run(variant, round);
      options.onRound?.();
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
    const summarise = (r: typeof rates): { rates: Variants; overhead: { audit: number; signed: number } } => {
      const none = median(r.none);
      const m = { none: Math.round(none), audit: Math.round(median(r.audit)), signed: Math.round(median(r.signed)) };
      return { rates: m, overhead: { audit: +(100 * (1 - m.audit / none)).toFixed(1), signed: +(100 * (1 - m.signed / none)).toFixed(1) } };
    };
    const wall = summarise(rates);
    const cpu = summarise(cpuRates);
    return {
      workload, episodes: options.episodes, rounds: options.rounds,
      decisionsPerSecond: wall.rates, overheadPercent: wall.overhead, decisionsPerCpuSecond: cpu.rates, cpuOverheadPercent: cpu.overhead,
      eventsPerDecision: +((events - 2) / decisionsTotal).toFixed(2),
      closeMs: +median(closeMs).toFixed(1),
      verify: { records, seconds: +seconds.toFixed(4), recordsPerSecond: Math.round(records / seconds), recordsPerCpuSecond: Math.round(records / median(verifyCpu)) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `baton bench audit [--workload relay|icq|all] [--episodes N] [--rounds R] [--json FILE]`. */
export function register(program: Command): void {
  benchCommand(program)
    .command('audit')
    .description(
      'Audit sink overhead on the in-process runtime (% of decisions/s, no sink vs audit vs signed, alternating rounds) and verify ' +
        'speed (records/s). Workloads: relay (bare engine, trivial agents: the worst case) and icq (the demo\'s IC-Q tabular learning).',
    )
    .option('--workload <name>', `${AUDIT_WORKLOADS.join(', ')} or all`, 'all')
    .option('--episodes <n>', 'episodes per run', positiveInt('--episodes'), 20000)
    .option('--rounds <n>', 'alternating rounds per variant', positiveInt('--rounds'), 5)
    .option('--json <file>', 'write the figures as JSON, keyed by workload')
    .option('--progress', 'show a progress bar even when stderr is not a TTY')
    .action(async (opts: { workload: string; episodes: number; rounds: number; json?: string; progress?: boolean }) => {
      const workloads = opts.workload === 'all' ? AUDIT_WORKLOADS : AUDIT_WORKLOADS.filter((w) => w === opts.workload);
      if (workloads.length === 0) throw new UserError(`must be one of ${AUDIT_WORKLOADS.join(', ')}, all`, { field: '--workload' });
      const bar = process.stderr.isTTY || opts.progress ? new SingleBar({ stream: process.stderr, format: 'bench audit [{bar}] {value}/{total} rounds' }) : undefined;
      bar?.start(opts.rounds * workloads.length, 0);
      const results: Partial<Record<AuditWorkload, AuditBenchResult>> = {};
      for (const workload of workloads) {
        results[workload] = await benchAudit({ workload, episodes: opts.episodes, rounds: opts.rounds, onRound: () => bar?.increment() });
      }
      bar?.stop();
      for (const result of Object.values(results)) {
        const d = result.decisionsPerSecond;
        const c = result.decisionsPerCpuSecond;
        console.log(`${result.workload} workload, ${result.episodes} episodes x ${result.rounds} alternating rounds, ${result.eventsPerDecision} events per decision`);
        console.log(`  decisions/s      no sink ${d.none}   audit ${d.audit} (overhead ${result.overheadPercent.audit}%)   signed ${d.signed} (overhead ${result.overheadPercent.signed}%)`);
        console.log(`  decisions/cpu-s  no sink ${c.none}   audit ${c.audit} (overhead ${result.cpuOverheadPercent.audit}%)   signed ${c.signed} (overhead ${result.cpuOverheadPercent.signed}%)`);
        console.log(`  close            ${result.closeMs} ms per log (seal + fsync; not in the rates above)`);
        console.log(`  verify           ${result.verify.records} records in ${result.verify.seconds}s = ${result.verify.recordsPerSecond} records/s (${result.verify.recordsPerCpuSecond} per cpu-s)`);
      }
      if (opts.json) await writeFile(opts.json, `${JSON.stringify(results, null, 2)}\n`);
    });
}

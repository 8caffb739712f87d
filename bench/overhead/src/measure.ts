import { getHeapStatistics } from 'node:v8';
import { buildChain } from './build.ts';
import { probe, type Framework } from './chain.ts';

/** How one size is measured inside a measurement process. */
export interface SizeRequest {
  readonly handoffs: number;
  /** Untimed runs first, on a chain of min(handoffs, 100), so the JIT has seen every code path. */
  readonly warmupRuns: number;
  readonly timedRuns: number;
  /** Timed runs in the warm pass (default `timedRuns`). */
  readonly warmTimedRuns?: number;
  /**
   * Heap high-water: `extra` adds one run that samples the heap at every handoff; `timed` samples during the first
   * timed run instead (for frameworks whose handoff costs milliseconds, where a ~1 µs sample is noise and an extra
   * 1000-handoff run is not); `none` skips it (memory does not need repeating every round).
   */
  readonly heap: 'extra' | 'timed' | 'none';
  /** Untimed runs of the very chain that is then timed, until this many milliseconds have passed (at least one run). */
  readonly settleMs?: number;
}

/** What one measurement process is asked to do: one framework, sizes in increasing order. */
export interface MeasureRequest {
  readonly framework: Framework;
  readonly sizes: readonly SizeRequest[];
  /**
   * After the cold pass over `sizes`, the warm pass: every size again, on a new chain that first runs untimed for an
   * equal share of this many milliseconds (the same wall-clock warm-up for every side), then its `warmTimedRuns`.
   * 0 or absent: the cold pass only.
   */
  readonly warmupMs?: number;
}

export interface SizeReport {
  readonly handoffs: number;
  /** Microseconds per handoff of each timed run (run wall time / handoffs). */
  readonly usPerHandoff: readonly number[];
  /** The same runs' CPU time (user + system of this process) per handoff, in microseconds. */
  readonly cpuUsPerHandoff: readonly number[];
  /** Resident set size after building this size's chain, before its runs. */
  readonly rssBeforeMb: number;
  /** The process's RSS high-water mark (getrusage maxrss) once this size's runs are done. */
  readonly peakRssMb: number;
  /** Highest heap in use sampled at every handoff of the heap run, minus the heap in use (after GC) just before it. */
  readonly heapPeakMb?: number;
  /** Handoffs of the untimed runs before the timed ones (`settleMs`). */
  readonly settleHandoffs?: number;
}

export interface MeasureReport {
  readonly framework: Framework;
  /** The cold pass: after the few warm-up runs of the plan, code V8 has mostly not optimised yet. */
  readonly sizes: readonly SizeReport[];
  /** The warm pass, when the request asked for one: each size's `warmTimedRuns`, after its share of `warmupMs` untimed. */
  readonly warm?: {
    readonly sizes: readonly SizeReport[];
    /** Handoffs run untimed in the warm pass's warm-ups (how far the same time took this framework). */
    readonly warmupHandoffs: number;
  };
}

const MB = 1024 * 1024;

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Starts sampling the heap at every handoff; the returned function stops and gives the rise in MB. */
function sampleHeap(): () => number {
  collect();
  const base = getHeapStatistics().used_heap_size;
  let peak = base;
  probe.hop = () => {
    const used = getHeapStatistics().used_heap_size;
    if (used > peak) peak = used;
  };
  return () => {
    probe.hop = () => {};
    return (peak - base) / MB;
  };
}

async function measureSize(framework: Framework, request: SizeRequest): Promise<SizeReport> {
  const { handoffs } = request;
  if (request.warmupRuns > 0) {
    const warm = await buildChain(framework, Math.min(handoffs, 100));
    for (let i = 0; i < request.warmupRuns; i++) await warm.run();
  }
  const chain = await buildChain(framework, handoffs);
  // A full collection leaves sweeping to do that the next runs pay for: the warm pass collects before it settles.
  collect();
  const rssBeforeMb = process.memoryUsage.rss() / MB;
  let settleHandoffs: number | undefined;
  if (request.settleMs !== undefined) {
    const end = performance.now() + request.settleMs;
    settleHandoffs = 0;
    do settleHandoffs += (await chain.run()).handoffs;
    while (performance.now() < end);
  }

  let heapPeakMb: number | undefined;
  const usPerHandoff: number[] = [];
  const cpuUsPerHandoff: number[] = [];
  for (let i = 0; i < request.timedRuns; i++) {
    const stopHeap = request.heap === 'timed' && i === 0 ? sampleHeap() : undefined;
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const run = await chain.run();
    const ns = Number(process.hrtime.bigint() - start);
    const used = process.cpuUsage(cpu);
    if (stopHeap) heapPeakMb = stopHeap();
    if (run.handoffs !== handoffs) throw new Error(`${framework} made ${run.handoffs} handoffs, expected ${handoffs}`);
    usPerHandoff.push(ns / 1000 / handoffs);
    cpuUsPerHandoff.push((used.user + used.system) / handoffs);
  }
  if (request.heap === 'extra') {
    const stopHeap = sampleHeap();
    try {
      await chain.run();
    } finally {
      heapPeakMb = stopHeap();
    }
  }
  await chain.close?.();
  return {
    handoffs,
    usPerHandoff,
    cpuUsPerHandoff,
    rssBeforeMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    ...(heapPeakMb === undefined ? {} : { heapPeakMb }),
    ...(settleHandoffs === undefined ? {} : { settleHandoffs }),
  };
}

/** Runs one measurement process's work. The caller gives each framework a process of its own (see run.ts). */
export async function measure(request: MeasureRequest): Promise<MeasureReport> {
  const sizes: SizeReport[] = [];
  // Smallest first; only the first size warms up, the JIT stays warm for the rest.
  const ordered = [...request.sizes].sort((a, b) => a.handoffs - b.handoffs);
  for (const [i, size] of ordered.entries()) sizes.push(await measureSize(request.framework, i === 0 ? size : { ...size, warmupRuns: 0 }));
  const warmupMs = request.warmupMs ?? 0;
  if (warmupMs <= 0 || !ordered.length) return { framework: request.framework, sizes };
  const warm: SizeReport[] = [];
  for (const size of ordered)
    warm.push(
      await measureSize(request.framework, {
        ...size,
        warmupRuns: 0,
        timedRuns: size.warmTimedRuns ?? size.timedRuns,
        heap: 'none',
        settleMs: warmupMs / ordered.length,
      }),
    );
  const warmupHandoffs = warm.reduce((sum, s) => sum + (s.settleHandoffs ?? 0), 0);
  return { framework: request.framework, sizes, warm: { sizes: warm, warmupHandoffs } };
}

import type { Framework } from './chain.ts';
import type { MeasureReport, SizeReport } from './measure.ts';

/** The chain length whose median is each side's headline figure. */
export const HEADLINE_N = 100;
/** How many times lower than both peers Baton's overhead is to be, at every N. */
export const GOAL_TIMES = 10;

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
  /** The headline: the warm pass's median at N = 100 (or the largest size measured below it). */
  readonly usPerHandoff: number;
  /** The same from the cold pass (after 5 warm-up runs: mostly unoptimised code). */
  readonly coldUsPerHandoff: number;
  readonly peakRssMb: number;
  readonly heapPeakMb: number;
  /** Median over this side's processes of the handoffs its warm-up time ran (0 with no warm pass). */
  readonly warmupHandoffs: number;
  /** The warm pass by chain length (the cold pass when there was none). */
  readonly byN: Readonly<Record<string, SizeFigures>>;
  readonly coldByN: Readonly<Record<string, SizeFigures>>;
}

/** A peer's median per-handoff cost over Baton's at one N, by wall clock and by CPU time. */
export interface PeerRatios {
  readonly langgraph: number;
  readonly openaiAgents: number;
  readonly langgraphCpu: number;
  readonly openaiAgentsCpu: number;
}

/** Rounded to two decimals, as every figure of the bench is printed. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** One side's figures by chain length, over every timed run of every round of one pass. */
function sizeFigures(reports: readonly SizeReport[], sizes: readonly number[]): Record<string, SizeFigures> {
  const byN: Record<string, SizeFigures> = {};
  for (const handoffs of sizes) {
    const mine = reports.filter((s) => s.handoffs === handoffs);
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
  return byN;
}

/** The headline size's figures: N = 100, or the largest size below it, or the smallest measured. */
function headline(byN: Readonly<Record<string, SizeFigures>>): SizeFigures {
  const measured = Object.keys(byN).map(Number);
  const below = measured.filter((n) => n <= HEADLINE_N);
  return byN[below.length ? Math.max(...below) : Math.min(...measured)] as SizeFigures;
}

function largest(byN: Readonly<Record<string, SizeFigures>>): SizeFigures {
  return byN[Math.max(...Object.keys(byN).map(Number))] as SizeFigures;
}

export function ratiosOf(
  result: Partial<Record<Framework, FrameworkFigures>>,
  sizes: readonly number[],
  pass: (figures: FrameworkFigures) => Readonly<Record<string, SizeFigures>>,
): Record<string, PeerRatios> {
  const ratios: Record<string, PeerRatios> = {};
  for (const handoffs of sizes) {
    const [baton, lg, oa] = (['baton', 'langgraph', 'openaiAgents'] as const).map((f) => {
      const figures = result[f];
      return figures && pass(figures)[handoffs];
    });
    if (!baton || !lg || !oa) continue;
    ratios[handoffs] = {
      langgraph: round2(lg.usPerHandoff / baton.usPerHandoff),
      openaiAgents: round2(oa.usPerHandoff / baton.usPerHandoff),
      langgraphCpu: round2(lg.cpuUsPerHandoff / baton.cpuUsPerHandoff),
      openaiAgentsCpu: round2(oa.cpuUsPerHandoff / baton.cpuUsPerHandoff),
    };
  }
  return ratios;
}

/** One side's figures from its processes' reports: the warm pass as the headline, the cold pass beside it. */
export function frameworkFigures(reports: readonly MeasureReport[], sizes: readonly number[]): FrameworkFigures | undefined {
  const cold = sizeFigures(
    reports.flatMap((r) => r.sizes),
    sizes,
  );
  if (!Object.keys(cold).length) return undefined;
  const warm = sizeFigures(
    reports.flatMap((r) => r.warm?.sizes ?? []),
    sizes,
  );
  const byN = Object.keys(warm).length ? warm : cold;
  return {
    usPerHandoff: headline(byN).usPerHandoff,
    coldUsPerHandoff: headline(cold).usPerHandoff,
    // RSS only grows, so the warm pass's largest size has the high-water; the heap is sampled in the cold pass only.
    peakRssMb: Math.max(largest(cold).peakRssMb, largest(byN).peakRssMb),
    heapPeakMb: largest(cold).heapPeakMb,
    warmupHandoffs: round2(median(reports.map((r) => r.warm?.warmupHandoffs ?? 0))),
    byN,
    coldByN: cold,
  };
}

/** Whether Baton is at least GOAL_TIMES lower than both peers at every N of a pass (and there was one). */
export function meetsGoal(ratios: Readonly<Record<string, PeerRatios>>): boolean {
  const all = Object.values(ratios);
  return all.length > 0 && all.every((r) => r.langgraph >= GOAL_TIMES && r.openaiAgents >= GOAL_TIMES);
}

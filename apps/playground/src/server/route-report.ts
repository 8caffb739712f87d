import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { routerbenchHull } from '@baton/agents/route-bench';
import { UserError } from '@baton/core';
import { z } from 'zod';
import { syntheticRouteReport } from './route-synthetic.ts';

const ci = z.tuple([z.number(), z.number()]).nullable();
const share = z.number().nonnegative();
/** An accuracy: a mean of 0/1 scores, so in [0, 1] up to the rounding of a float sum (1.0000000000000007). */
const rate = z
  .number()
  .min(0)
  .max(1 + 1e-9);

/** One train-frontier policy of a method, reported on the test split (`ReportPoint` of the route bench). */
const pointSchema = z.object({
  label: z.string(),
  costShare: share,
  accuracy: rate,
  trainCostShare: share,
  trainAccuracy: rate,
});

/** A method's figures (`MethodReport`); AIQ is null when JSON carried a NaN (a method with no policy). */
const methodSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  aiq: z.number().nullable(),
  aiqCi: ci,
  accAtBudget: z.record(z.string(), z.number().nullable()),
  accAtBudgetCi: z.record(z.string(), ci),
  costShareToBest: z.number().nullable(),
  curve: z.array(pointSchema),
});

/**
 * What the route view reads of a `RouteBenchReport` (`baton bench route --json`): checked on load, so a hand-edited
 * or truncated file is an error naming its first bad field instead of a blank chart. Other fields are ignored.
 */
export const routeReportSchema = z.object({
  split: z.literal('test'),
  task: z.string(),
  seeds: z.number().int().positive(),
  seedList: z.array(z.number()),
  trainPrompts: z.number().int().nonnegative(),
  testPrompts: z.number().int().nonnegative(),
  models: z.array(z.string()),
  bestModel: z.string(),
  bestCostUsd: z.number().nonnegative(),
  bestAccuracy: rate,
  budgets: z.array(z.number().positive()).min(1),
  methods: z.array(methodSchema).min(1),
  verdict: z.string(),
});

export type RouteReport = z.infer<typeof routeReportSchema>;

/** How a method is drawn: the learned method (IC-Q) highlighted, ceilings and single models as dots. */
export type RouteMethodKind = 'learned' | 'baseline' | 'single' | 'ceiling';

const CEILINGS = new Set(['oracle', 'perfect-checker', 'hindsight-agreement']);

export function routeMethodKind(name: string): RouteMethodKind {
  if (name.startsWith('icq')) return 'learned';
  if (CEILINGS.has(name)) return 'ceiling';
  return name.startsWith('single:') ? 'single' : 'baseline';
}

/** A point of the plot: test cost as a share of the best single model's test cost, and test accuracy. */
export interface RoutePoint {
  readonly costShare: number;
  readonly accuracy: number;
}

/** One method as the view draws it and tabulates it. */
export interface RouteViewMethod {
  readonly name: string;
  readonly description: string;
  readonly kind: RouteMethodKind;
  readonly aiq: number | null;
  readonly accAtBudget: Record<string, number | null>;
  /** RouterBench's non-decreasing convex hull of the method's test points (what AIQ integrates): the drawn line. */
  readonly hull: readonly RoutePoint[];
  /** The frontier policies themselves, drawn as small dots under the hull. */
  readonly points: readonly RoutePoint[];
}

/** What `GET /api/route` answers. */
export interface RouteView {
  /** `synthetic`: computed by the server on a task built in code; `file`: the report given with `--route-report`. */
  readonly source: 'synthetic' | 'file';
  /** Where the figures come from, in words, shown above the chart. */
  readonly label: string;
  readonly task: string;
  readonly seeds: number;
  readonly trainPrompts: number;
  readonly testPrompts: number;
  readonly bestModel: string;
  readonly bestAccuracy: number;
  readonly budgets: readonly number[];
  readonly methods: readonly RouteViewMethod[];
  readonly verdict: string;
}

/** The report checked against `routeReportSchema`; the error names the file (not its folder) and the first bad field. */
export function parseRouteReport(raw: unknown, name: string): RouteReport {
  const parsed = routeReportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
    throw new UserError(
      `${name} is not a route bench report (baton bench route --json): ${field.replace(/^\./, '') || 'the file'}: ${issue?.message ?? 'invalid'}`,
      { field: '--route-report' },
    );
  }
  return parsed.data;
}

/** Reads and checks a report written by `baton bench route --json`. */
export async function loadRouteReport(file: string): Promise<RouteReport> {
  const name = basename(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the route report ${name}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, {
      field: '--route-report',
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${name} is not JSON: ${(error as Error).message}`, { field: '--route-report', cause: error });
  }
  return parseRouteReport(raw, name);
}

const toPoint = (p: { costShare: number; accuracy: number }): RoutePoint => ({ costShare: p.costShare, accuracy: p.accuracy });

/** The report as the view draws it: each method's hull and kind, the table's figures, the verdict. */
export function routeView(report: RouteReport, source: RouteView['source'], label: string): RouteView {
  return {
    source,
    label,
    task: report.task,
    seeds: report.seeds,
    trainPrompts: report.trainPrompts,
    testPrompts: report.testPrompts,
    bestModel: report.bestModel,
    bestAccuracy: report.bestAccuracy,
    budgets: report.budgets,
    verdict: report.verdict,
    methods: report.methods.map((m) => ({
      name: m.name,
      description: m.description,
      kind: routeMethodKind(m.name),
      aiq: m.aiq,
      accAtBudget: m.accAtBudget,
      hull: routerbenchHull(m.curve.map((p) => ({ cost: p.costShare, accuracy: p.accuracy }))).map((p) => ({
        costShare: p.cost,
        accuracy: p.accuracy,
      })),
      points: m.curve.map(toPoint),
    })),
  };
}

export const SYNTHETIC_LABEL =
  'SYNTHETIC data, not a benchmark: a multiple-choice task built in code, two cheap models each right 80 % of the time ' +
  'independently and an expert always right at 10x their cost; computed by this server (2 seeds, learned methods at 3 epochs). ' +
  'Run `baton bench route --json F` on recorded outputs and `baton serve --route-report F` to see real figures.';

/**
 * The route view's data, made once: the given report file (read and checked again after a failure, so a fixed file
 * shows on reload), or by default the synthetic bench, computed on the first request (a few seconds).
 */
export function routeViewSource(file?: string): () => Promise<RouteView> {
  let made: Promise<RouteView> | undefined;
  const make = file
    ? async () => routeView(await loadRouteReport(file), 'file', `report ${basename(file)} (baton bench route --json)`)
    : async () =>
        routeView(parseRouteReport(JSON.parse(JSON.stringify(await syntheticRouteReport())), 'synthetic'), 'synthetic', SYNTHETIC_LABEL);
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}

import { bestModel, modelMeans, type RecordedTask } from '../task.ts';
import type { CurvePoint, RouteMethod } from './method.ts';
import { aiq, chooseAtBudget, costToReach, meanCi, trainFrontier } from './metrics.ts';
import { verdict } from './verdict.ts';

/** Budgets as shares of the best single model's train cost, the keys of `accAtBudget`. */
export const DEFAULT_BUDGETS: readonly number[] = [0.1, 0.25, 0.5, 1];

/** Options of a bench run. */
export interface RouteBenchOptions {
  /** Seeds every method is run with (deterministic methods once, reused); at least 5 for the CIs. */
  readonly seeds: readonly number[];
  readonly budgets?: readonly number[];
  /** Called after each (seed, method) with the units done of seeds x methods. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** A mean over seeds and its 95 % t-interval (null from fewer than two seeds). */
type Ci = [number, number] | null;

/** One frontier policy of the first seed, as plotted. */
export interface ReportPoint {
  readonly label: string;
  /** Test cost as a share of the best single model's test cost. */
  readonly costShare: number;
  readonly accuracy: number;
  readonly trainCostShare: number;
  readonly trainAccuracy: number;
}

/** One method's figures, all on the test split, means over seeds. */
export interface MethodReport {
  readonly name: string;
  readonly description: string;
  readonly aiq: number;
  readonly aiqCi: Ci;
  /** Test accuracy of the policy chosen on train within each budget; null when no policy fits (in any seed). */
  readonly accAtBudget: Record<string, number | null>;
  readonly accAtBudgetCi: Record<string, Ci>;
  /** That policy's test cost as a share of the best single model's test cost. */
  readonly costAtBudget: Record<string, number | null>;
  /** Mean over seeds of the cost share at which the best model's test accuracy is reached; null if any seed never does. */
  readonly costShareToBest: number | null;
  readonly costShareToBestCi: Ci;
  /** Seeds in which the best model's accuracy was reached. */
  readonly reachedSeeds: number;
  /** The train frontier of the first seed, reported on test. */
  readonly curve: readonly ReportPoint[];
}

/** What `baton bench route` prints and writes. */
export interface RouteBenchReport {
  readonly split: 'test';
  readonly task: string;
  /** Number of seeds; `seedList` names them. */
  readonly seeds: number;
  readonly seedList: readonly number[];
  readonly trainPrompts: number;
  readonly testPrompts: number;
  readonly models: readonly string[];
  /** Best single model by TRAIN accuracy: budgets are shares of its cost. */
  readonly bestModel: string;
  /** Its mean test cost per prompt and test accuracy. */
  readonly bestCostUsd: number;
  readonly bestAccuracy: number;
  readonly bestTrainCostUsd: number;
  readonly budgets: readonly number[];
  /** How each figure is defined (printed under the table). */
  readonly rules: Readonly<Record<'budget' | 'costShareToBest' | 'aiq' | 'ci', string>>;
  readonly methods: readonly MethodReport[];
  readonly verdict: string;
  readonly wallSeconds: number;
}

export const RULES: RouteBenchReport['rules'] = {
  budget:
    "acc@B: on TRAIN, the most accurate policy of the method's train frontier costing <= B x the best single model's train cost " +
    '(a frontier point, or a per-prompt biased coin between two adjacent points spending B exactly), reported by its expected TEST accuracy and cost.',
  costShareToBest:
    "cost share to best: walking the method's train frontier from cheap to dear (points and mixes), the first policy whose TEST accuracy " +
    "reaches the best single model's test accuracy, as a share of that model's test cost; mean over seeds, null if any seed never reaches it.",
  aiq:
    "AIQ: RouterBench's (evaluation/AIQ.py): area under the non-decreasing convex hull of the test (cost, accuracy) of each method's train-frontier policies, " +
    "each hull extended flat to the largest cost any method's hull reaches in this run (X), from its own cheapest point, divided by X.",
  ci: '±: 95 % Student-t interval over seeds (deterministic methods: zero width; one seed: none).',
};

/** Scores `methods` on the test split after choosing on train, over seeds. */
export async function runRouteBench(
  splits: { readonly train: RecordedTask; readonly test: RecordedTask },
  methods: readonly RouteMethod[],
  options: RouteBenchOptions,
): Promise<RouteBenchReport> {
  const started = Date.now();
  const { train, test } = splits;
  const seeds = options.seeds;
  const budgets = options.budgets ?? DEFAULT_BUDGETS;
  if (seeds.length === 0) throw new Error('runRouteBench: no seeds');
  const best = bestModel(train);
  const bestTrain = modelMeans(train, best);
  const bestTest = modelMeans(test, best);
  const total = seeds.length * methods.length;
  // fronts[s][m]: the train frontier of method m in seed s.
  const fronts: CurvePoint[][][] = [];
  const cached = new Map<number, CurvePoint[]>();
  let done = 0;
  for (const seed of seeds) {
    const row: CurvePoint[][] = [];
    for (const [mi, method] of methods.entries()) {
      let front = method.deterministic ? cached.get(mi) : undefined;
      if (!front) {
        front = trainFrontier(await method.points(train, test, seed));
        if (method.deterministic) cached.set(mi, front);
      }
      row.push(front);
      options.onProgress?.(++done, total, `seed ${seed} ${method.name}`);
    }
    fronts.push(row);
  }
  const aiqs = fronts.map((row) => aiq(row.map((f) => f.map((p) => ({ cost: p.test.costUsd, accuracy: p.test.accuracy })))));
  const share = (usd: number): number => usd / bestTest.costUsd;
  const reports = methods.map((method, mi): MethodReport => {
    const perSeed = fronts.map((row) => row[mi] as CurvePoint[]);
    const a = meanCi(aiqs.map((r) => r[mi] as number));
    const accAtBudget: Record<string, number | null> = {};
    const accAtBudgetCi: Record<string, Ci> = {};
    const costAtBudget: Record<string, number | null> = {};
    for (const b of budgets) {
      const chosen = perSeed.map((f) => chooseAtBudget(f, b * bestTrain.costUsd));
      const key = String(b);
      if (chosen.some((c) => c === null)) {
        [accAtBudget[key], accAtBudgetCi[key], costAtBudget[key]] = [null, null, null];
        continue;
      }
      const acc = meanCi(chosen.map((c) => c?.test.accuracy ?? 0));
      accAtBudget[key] = acc.mean;
      accAtBudgetCi[key] = acc.ci;
      costAtBudget[key] = share(meanCi(chosen.map((c) => c?.test.costUsd ?? 0)).mean);
    }
    const reached = perSeed.map((f) => costToReach(f, bestTest.accuracy));
    const hits = reached.filter((r): r is number => r !== null).map(share);
    const toBest = meanCi(hits);
    const first = perSeed[0] ?? [];
    return {
      name: method.name,
      description: method.description,
      aiq: a.mean,
      aiqCi: a.ci,
      accAtBudget,
      accAtBudgetCi,
      costAtBudget,
      costShareToBest: hits.length === seeds.length ? toBest.mean : null,
      costShareToBestCi: hits.length === seeds.length ? toBest.ci : null,
      reachedSeeds: hits.length,
      curve: first.map((p) => ({
        label: p.label,
        costShare: share(p.test.costUsd),
        accuracy: p.test.accuracy,
        trainCostShare: p.train.costUsd / bestTrain.costUsd,
        trainAccuracy: p.train.accuracy,
      })),
    };
  });
  return {
    split: 'test',
    task: test.name,
    seeds: seeds.length,
    seedList: [...seeds],
    trainPrompts: train.prompts.length,
    testPrompts: test.prompts.length,
    models: [...test.models],
    bestModel: best,
    bestCostUsd: bestTest.costUsd,
    bestAccuracy: bestTest.accuracy,
    bestTrainCostUsd: bestTrain.costUsd,
    budgets: [...budgets],
    rules: RULES,
    methods: reports,
    verdict: verdict(reports, budgets),
    wallSeconds: (Date.now() - started) / 1000,
  };
}

import { recordedLabel, replayPair, type ReplayDataset } from '@baton/adapters';
import { CHECKER_FEATURES, cascadeWorkflow, newCascadeHeads, type MathFeature } from '@baton/agents';
import { InProcessRuntime, Rng, type HandoffHead } from '@baton/core';
import { ci95, mean } from '@baton/learner';
import { escalationScores, evaluateAtOffset, newRoutingHeads, routingWorkflow, trainHeads } from './experiment.ts';
import { curveFromScores, decileThresholds, routingMetrics, type CurvePoint, type RoutingMetrics } from './metrics.ts';
import { checkerFeatures, verifierScores } from './verifier.ts';

export interface Gsm8kBenchOptions {
  readonly folds?: number;
  readonly epochs?: number;
  /** Seeds of the headline (each a full cross-validation with its own folds and training order). Default 5. */
  readonly seeds?: number;
  /** The first seed; the run uses firstSeed, firstSeed + 1, ... Default 1. */
  readonly firstSeed?: number;
  readonly ablationEpochs?: number;
  /** Cross-validation folds of each ablation run (default 2, to keep it affordable). */
  readonly ablationFolds?: number;
  /**
   * Training cost of one mean strong-model call, in reward units (sets the training cost weight). Default 0: the
   * heads learn success values and the cost weight is applied at decision time by the sweep.
   */
  readonly strongCallPenalty?: number;
  /** Per-feature ablation on every seed (off by default: it retrains the cascade once per feature and seed). */
  readonly ablation?: boolean;
  /** Called with (done, total) work units. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A metric's mean over seeds and the half-width of its 95% CI. */
export interface Estimate {
  readonly mean: number;
  readonly ci95: number;
}

export interface BenchRow {
  readonly name: string;
  readonly note: string;
  readonly cpt50: Estimate;
  readonly cpt80: Estimate;
  readonly apgr: Estimate;
  /** The curve averaged point by point over seeds (empty for published constants). */
  readonly curve: readonly CurvePoint[];
}

export interface Gsm8kBenchResult {
  readonly prompts: number;
  readonly weakModel: string;
  readonly strongModel: string;
  readonly weakAccuracy: number;
  readonly strongAccuracy: number;
  readonly costWeight: number;
  readonly seeds: readonly number[];
  readonly folds: number;
  readonly epochs: number;
  /** The cascade's headline: means over seeds (shares and APGR as fractions), with 95% CIs in `ci95`. */
  readonly cpt50: number;
  readonly cpt80: number;
  readonly apgr: number;
  readonly ci95: { readonly cpt50: number; readonly cpt80: number; readonly apgr: number };
  readonly perSeed: readonly ({ readonly seed: number } & RoutingMetrics)[];
  readonly curve: readonly CurvePoint[];
  readonly rows: readonly BenchRow[];
  /** Per feature: APGR with every feature minus APGR without it, paired per seed, mean and 95% CI. */
  readonly ablation: readonly { readonly feature: string; readonly apgr: Estimate; readonly delta: Estimate }[];
  readonly ablationSetting: { readonly folds: number; readonly epochs: number } | null;
  readonly features: { readonly weak: readonly string[]; readonly checker: readonly string[] };
}

function folds(n: number, k: number, seed: number): number[] {
  const rng = new Rng(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  const fold = new Array<number>(n);
  idx.forEach((p, pos) => (fold[p] = pos % k));
  return fold;
}

const estimate = (xs: readonly number[]): Estimate => ({ mean: mean(xs), ci95: ci95(xs) });

/** Point-by-point mean of curves that share their 11 thresholds' order (RouteLLM's deciles). */
function meanCurve(curves: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  return (curves[0] ?? []).map((_, k) => {
    const at = curves.map((c) => c[k] as CurvePoint);
    const dollars = at.map((p) => p.dollarsPerPrompt).filter((d): d is number => d !== undefined);
    return {
      strongShare: mean(at.map((p) => p.strongShare)),
      accuracy: mean(at.map((p) => p.accuracy)),
      ...(dollars.length ? { dollarsPerPrompt: mean(dollars) } : {}),
    };
  });
}

/**
 * The GSM8K handoff benchmark over several seeds. Per seed: k-fold cross-validation over the recorded prompts; per
 * fold, IC-Q linear heads of the cascade (weak solver -> checker -> strong solver) are trained through the runtime
 * on the other folds, then score the held-out prompts; the pooled scores give RouteLLM's 11-point curve, whose
 * points are re-run through the runtime with the cost offset applied at decision time. Beside it, on the same
 * folds: the question-only head, a supervised verifier on the cascade's features, and RouteLLM's references.
 */
export async function runGsm8kBench(dataset: ReplayDataset, options: Gsm8kBenchOptions = {}): Promise<Gsm8kBenchResult> {
  const k = options.folds ?? 5;
  const epochs = options.epochs ?? 4;
  const ablationEpochs = options.ablationEpochs ?? 2;
  const ablationFolds = options.ablationFolds ?? 2;
  const firstSeed = options.firstSeed ?? 1;
  const seeds = Array.from({ length: options.seeds ?? 5 }, (_, i) => firstSeed + i);
  const models = replayPair(dataset);
  const { weak: weakName, strong: strongName } = models.names;
  const records = dataset.records;
  const prompts = records.map((r) => r.prompt);
  const n = prompts.length;
  const weakCorrect = records.map((r) => r.outputs[weakName]?.score ?? 0);
  const strongCorrect = records.map((r) => r.outputs[strongName]?.score ?? 0);
  const weakAccuracy = mean(weakCorrect);
  const strongAccuracy = mean(strongCorrect);
  const weakUsd: number[] = [];
  const strongUsd: number[] = [];
  for (const p of prompts) {
    weakUsd.push((await models.weak.generate([{ role: 'user', content: p }])).costUsd);
    strongUsd.push((await models.strong.generate([{ role: 'user', content: p }])).costUsd);
  }
  const usd = { weak: weakUsd, strong: strongUsd };
  const costWeight = (options.strongCallPenalty ?? 0) / mean(strongUsd);
  const ablationFeatures: MathFeature[] = options.ablation ? [...CHECKER_FEATURES] : [];
  const perSeedWork =
    2 * n * (k - 1) * epochs +
    (ablationFeatures.length ? ablationFeatures.length + 1 : 0) * n * (ablationFolds - 1) * ablationEpochs +
    11 * n;
  const total = seeds.length * perSeedWork;
  let done = 0;
  const tick = (): void => {
    done += 1;
    if (done % 200 === 0) options.onProgress?.(done, total);
  };
  const metricsOf = (c: readonly CurvePoint[]) => routingMetrics(c, weakAccuracy, strongAccuracy);
  const mainWorkflow = cascadeWorkflow(recordedLabel(dataset), models, costWeight);
  const features = await checkerFeatures(mainWorkflow, prompts);
  const gain = strongCorrect.map((s, i) => s - (weakCorrect[i] as number));

  // Cross-validated cascade scores (and the heads, kept per fold for the runtime re-run of the curve).
  async function cvCascade(seed: number, drop: readonly MathFeature[], ep: number, fold: readonly number[], kFolds: number) {
    const wf = drop.length ? cascadeWorkflow(recordedLabel(dataset), models, costWeight, drop) : mainWorkflow;
    const scores = new Array<number>(n).fill(0);
    const perFold: { heads: Record<string, HandoffHead>; test: number[] }[] = [];
    for (let f = 0; f < kFolds; f++) {
      const heads = newCascadeHeads(wf);
      const record = { weak: heads.weak, checker: heads.checker, strong: heads.strong } as Record<string, HandoffHead>;
      const runtime = new InProcessRuntime({ workflow: wf, heads: record });
      const train = prompts.filter((_, i) => fold[i] !== f);
      const test = prompts.map((_, i) => i).filter((i) => fold[i] === f);
      await trainHeads(runtime, train, { epochs: ep, seed: seed * 101 + f, costWeight, onEpisode: tick });
      const s = await escalationScores(
        runtime,
        record,
        test.map((i) => prompts[i] as string),
      );
      test.forEach((i, j) => (scores[i] = s[j] as number));
      perFold.push({ heads: record, test });
    }
    return { wf, scores, perFold };
  }

  /** The cascade's curve: at each RouteLLM threshold, every held-out prompt re-run with that cost offset. */
  async function runtimeCurve(main: Awaited<ReturnType<typeof cvCascade>>): Promise<CurvePoint[]> {
    const thresholds = decileThresholds(main.scores);
    const curve: CurvePoint[] = [];
    for (let i = 0; i < thresholds.length; i++) {
      const t = thresholds[i] as number;
      // Escalate iff score >= t (> t at the last point); the head escalates iff advantage > offset.
      const offset = i === thresholds.length - 1 ? t : t - 1e-9;
      let correct = 0;
      let strong = 0;
      let dollars = 0;
      for (const { heads, test } of main.perFold) {
        const r = await evaluateAtOffset(
          main.wf,
          heads,
          test.map((j) => prompts[j] as string),
          offset,
        );
        correct += r.correct;
        strong += r.strong;
        dollars += r.dollars;
        for (let j = 0; j < test.length; j++) tick();
      }
      curve.push({ strongShare: strong / n, accuracy: correct / n, dollarsPerPrompt: dollars / n });
    }
    return curve;
  }

  const curves: Record<string, CurvePoint[][]> = { cascade: [], question: [], verifier: [], random: [], checker: [], oracle: [] };
  const ablationRuns: { base: number; dropped: number[] }[] = [];
  for (const seed of seeds) {
    const fold = folds(n, k, seed);
    const main = await cvCascade(seed, [], epochs, fold, k);
    curves.cascade?.push(await runtimeCurve(main));

    // Question-only head: the same training, but the dispatcher decides before any draft exists.
    const rwf = routingWorkflow(dataset, models, costWeight);
    const qScores = new Array<number>(n).fill(0);
    for (let f = 0; f < k; f++) {
      const heads = newRoutingHeads(rwf);
      const runtime = new InProcessRuntime({ workflow: rwf, heads });
      await trainHeads(
        runtime,
        prompts.filter((_, i) => fold[i] !== f),
        { epochs, seed: seed * 103 + f, costWeight, onEpisode: tick },
      );
      const test = prompts.map((_, i) => i).filter((i) => fold[i] === f);
      const s = await escalationScores(
        runtime,
        heads,
        test.map((i) => prompts[i] as string),
      );
      test.forEach((i, j) => (qScores[i] = s[j] as number));
    }
    curves.question?.push(curveFromScores(qScores, weakCorrect, strongCorrect, { ...usd, weakAlways: false }));
    curves.verifier?.push(
      curveFromScores(verifierScores(features, gain, fold, k), weakCorrect, strongCorrect, { ...usd, weakAlways: true }),
    );

    // References. Ties in a reference's score are broken by a seeded random draw (RouteLLM's random router is one draw).
    const rng = new Rng(seed);
    const jitter = prompts.map(() => rng.next() * 1e-6);
    curves.random?.push(curveFromScores(jitter, weakCorrect, strongCorrect, { ...usd, weakAlways: false }));
    curves.oracle?.push(
      curveFromScores(
        records.map((_, i) => (strongCorrect[i] as number) - (weakCorrect[i] as number) + (jitter[i] as number)),
        weakCorrect,
        strongCorrect,
        { ...usd, weakAlways: false },
      ),
    );
    curves.checker?.push(
      curveFromScores(
        records.map((_, i) => 1 - (weakCorrect[i] as number) + (jitter[i] as number)),
        weakCorrect,
        strongCorrect,
        { ...usd, weakAlways: true },
      ),
    );

    if (ablationFeatures.length) {
      const reduced = folds(n, ablationFolds, seed);
      const apgrWithout = async (drop: MathFeature[]) =>
        metricsOf(curveFromScores((await cvCascade(seed, drop, ablationEpochs, reduced, ablationFolds)).scores, weakCorrect, strongCorrect))
          .apgr;
      const base = await apgrWithout([]);
      const dropped: number[] = [];
      for (const feature of ablationFeatures) dropped.push(await apgrWithout([feature]));
      ablationRuns.push({ base, dropped });
    }
  }
  options.onProgress?.(total, total);

  const row = (name: string, note: string, key: string): BenchRow => {
    const all = curves[key] ?? [];
    const m = all.map(metricsOf);
    return {
      name,
      note,
      cpt50: estimate(m.map((x) => x.cpt50)),
      cpt80: estimate(m.map((x) => x.cpt80)),
      apgr: estimate(m.map((x) => x.apgr)),
      curve: meanCurve(all),
    };
  };
  const cascade = row('icq-linear cascade (reads the draft)', `${k}-fold CV, runtime re-run at each cost offset`, 'cascade');
  const published = (x: number): Estimate => ({ mean: x, ci95: Number.NaN });
  return {
    prompts: n,
    weakModel: weakName,
    strongModel: strongName,
    weakAccuracy,
    strongAccuracy,
    costWeight,
    seeds,
    folds: k,
    epochs,
    cpt50: cascade.cpt50.mean,
    cpt80: cascade.cpt80.mean,
    apgr: cascade.apgr.mean,
    ci95: { cpt50: cascade.cpt50.ci95, cpt80: cascade.cpt80.ci95, apgr: cascade.apgr.ci95 },
    perSeed: (curves.cascade ?? []).map((c, i) => ({ seed: seeds[i] as number, ...metricsOf(c) })),
    curve: cascade.curve,
    rows: [
      cascade,
      row('supervised verifier (same features)', 'ridge on the checker interface, fit to the labels, same folds', 'verifier'),
      row('icq-linear question-only (no draft)', `${k}-fold CV, decides before any draft exists`, 'question'),
      row('random', 'seeded random router', 'random'),
      row('perfect draft checker', 'knows only whether the weak answer is right', 'checker'),
      row('oracle', 'knows both outcomes', 'oracle'),
      {
        name: 'RouteLLM best published',
        note: 'causal LLM router from the question, arena + judge data (paper Table 3)',
        cpt50: published(0.336),
        cpt80: published(0.633),
        apgr: published(0.622),
        curve: [],
      },
    ],
    ablation: ablationRuns.length
      ? [
          { feature: '(all features)', apgr: estimate(ablationRuns.map((r) => r.base)), delta: { mean: 0, ci95: 0 } },
          ...ablationFeatures.map((feature, j) => ({
            feature,
            apgr: estimate(ablationRuns.map((r) => r.dropped[j] as number)),
            delta: estimate(ablationRuns.map((r) => r.base - (r.dropped[j] as number))),
          })),
        ]
      : [],
    ablationSetting: ablationRuns.length ? { folds: ablationFolds, epochs: ablationEpochs } : null,
    features: {
      weak: mainWorkflow.agentById.get('weak')?.interface.projectionKeys ?? [],
      checker: mainWorkflow.agentById.get('checker')?.interface.projectionKeys ?? [],
    },
  };
}

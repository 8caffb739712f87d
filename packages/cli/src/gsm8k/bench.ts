import { recordedLabel, replayPair, type ReplayDataset } from '@baton/adapters';
import { CHECKER_FEATURES, cascadeWorkflow, newCascadeHeads, type MathFeature } from '@baton/agents';
import { InProcessRuntime, Rng, type HandoffHead } from '@baton/core';
import { escalationScores, evaluateAtOffset, newRoutingHeads, routingWorkflow, trainHeads } from './experiment.ts';
import { curveFromScores, decileThresholds, routingMetrics, type CurvePoint, type RoutingMetrics } from './metrics.ts';

export interface Gsm8kBenchOptions {
  readonly folds?: number;
  readonly epochs?: number;
  readonly ablationEpochs?: number;
  /** Cross-validation folds of each ablation run (default 2, to keep the bench fast). */
  readonly ablationFolds?: number;
  readonly seed?: number;
  /**
   * Training cost of one mean strong-model call, in reward units (sets the training cost weight). Default 0: the
   * heads learn success values and the cost weight is applied at decision time by the sweep.
   */
  readonly strongCallPenalty?: number;
  readonly ablation?: boolean;
  /** Called with (done, total) work units. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BenchRow extends RoutingMetrics {
  readonly name: string;
  readonly note: string;
  readonly curve: readonly CurvePoint[];
}

export interface Gsm8kBenchResult {
  readonly prompts: number;
  readonly weakModel: string;
  readonly strongModel: string;
  readonly weakAccuracy: number;
  readonly strongAccuracy: number;
  readonly costWeight: number;
  readonly cpt50: number;
  readonly cpt80: number;
  readonly apgr: number;
  readonly curve: readonly CurvePoint[];
  readonly rows: readonly BenchRow[];
  readonly ablation: readonly { feature: string; apgr: number; cpt50: number; cpt80: number; deltaApgr: number }[];
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

/**
 * The GSM8K handoff benchmark: k-fold cross-validation over the recorded prompts; per fold, IC-Q linear heads of
 * the cascade (weak solver -> checker -> strong solver) are trained through the runtime on the other folds, then
 * score the held-out prompts; the pooled scores give RouteLLM's 11-point curve, whose points are re-run through the
 * runtime with the cost offset applied at decision time.
 */
export async function runGsm8kBench(dataset: ReplayDataset, options: Gsm8kBenchOptions = {}): Promise<Gsm8kBenchResult> {
  const k = options.folds ?? 5;
  const epochs = options.epochs ?? 4;
  const ablationEpochs = options.ablationEpochs ?? 2;
  const ablationFolds = options.ablationFolds ?? 2;
  const seed = options.seed ?? 7;
  const models = replayPair(dataset);
  const { weak: weakName, strong: strongName } = models.names;
  const records = dataset.records;
  const prompts = records.map((r) => r.prompt);
  const n = prompts.length;
  const weakCorrect = records.map((r) => r.outputs[weakName]?.score ?? 0);
  const strongCorrect = records.map((r) => r.outputs[strongName]?.score ?? 0);
  const weakAccuracy = weakCorrect.reduce((a, b) => a + b, 0) / n;
  const strongAccuracy = strongCorrect.reduce((a, b) => a + b, 0) / n;
  const weakUsd: number[] = [];
  const strongUsd: number[] = [];
  for (const p of prompts) {
    weakUsd.push((await models.weak.generate([{ role: 'user', content: p }])).costUsd);
    strongUsd.push((await models.strong.generate([{ role: 'user', content: p }])).costUsd);
  }
  const meanStrongUsd = strongUsd.reduce((a, b) => a + b, 0) / n;
  const costWeight = (options.strongCallPenalty ?? 0) / meanStrongUsd;
  const mainFold = folds(n, k, seed);
  const ablationFeatures: MathFeature[] = options.ablation === false ? [] : [...CHECKER_FEATURES];
  const total =
    2 * n * (k - 1) * epochs +
    (ablationFeatures.length ? ablationFeatures.length + 1 : 0) * n * (ablationFolds - 1) * ablationEpochs +
    11 * n;
  let done = 0;
  const tick = (): void => {
    done += 1;
    if (done % 200 === 0) options.onProgress?.(done, total);
  };

  // Cross-validated cascade scores (and the heads, kept per fold for the runtime re-run of the curve).
  async function cvCascade(drop: readonly MathFeature[], ep: number, kFolds = k) {
    const fold = kFolds === k ? mainFold : folds(n, kFolds, seed);
    const wf = cascadeWorkflow(recordedLabel(dataset), models, costWeight, drop);
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

  const main = await cvCascade([], epochs);
  // The curve: at each RouteLLM threshold, re-run every held-out prompt through the runtime with that cost offset.
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
  const metrics = routingMetrics(curve, weakAccuracy, strongAccuracy);

  // Question-only head: the same training, but the dispatcher decides before any draft exists.
  const rwf = routingWorkflow(dataset, models, costWeight);
  const qScores = new Array<number>(n).fill(0);
  for (let f = 0; f < k; f++) {
    const heads = newRoutingHeads(rwf);
    const runtime = new InProcessRuntime({ workflow: rwf, heads });
    await trainHeads(
      runtime,
      prompts.filter((_, i) => mainFold[i] !== f),
      { epochs, seed: seed * 103 + f, costWeight, onEpisode: tick },
    );
    const test = prompts.map((_, i) => i).filter((i) => mainFold[i] === f);
    const s = await escalationScores(
      runtime,
      heads,
      test.map((i) => prompts[i] as string),
    );
    test.forEach((i, j) => (qScores[i] = s[j] as number));
  }
  const usd = { weak: weakUsd, strong: strongUsd };
  const questionCurve = curveFromScores(qScores, weakCorrect, strongCorrect, { ...usd, weakAlways: false });

  // References. Ties in a reference's score are broken by a seeded random draw (RouteLLM's random router is one draw).
  const rng = new Rng(seed);
  const jitter = prompts.map(() => rng.next() * 1e-6);
  const randomCurve = curveFromScores(jitter, weakCorrect, strongCorrect, { ...usd, weakAlways: false });
  const oracleCurve = curveFromScores(
    records.map((_, i) => (strongCorrect[i] as number) - (weakCorrect[i] as number) + (jitter[i] as number)),
    weakCorrect,
    strongCorrect,
    { ...usd, weakAlways: false },
  );
  const checkerCurve = curveFromScores(
    records.map((_, i) => 1 - (weakCorrect[i] as number) + (jitter[i] as number)),
    weakCorrect,
    strongCorrect,
    { ...usd, weakAlways: true },
  );

  const ablation: Gsm8kBenchResult['ablation'][number][] = [];
  if (ablationFeatures.length) {
    const base = routingMetrics(
      curveFromScores((await cvCascade([], ablationEpochs, ablationFolds)).scores, weakCorrect, strongCorrect),
      weakAccuracy,
      strongAccuracy,
    );
    ablation.push({ feature: '(all features)', apgr: base.apgr, cpt50: base.cpt50, cpt80: base.cpt80, deltaApgr: 0 });
    for (const feature of ablationFeatures) {
      const m = routingMetrics(
        curveFromScores((await cvCascade([feature], ablationEpochs, ablationFolds)).scores, weakCorrect, strongCorrect),
        weakAccuracy,
        strongAccuracy,
      );
      ablation.push({ feature, apgr: m.apgr, cpt50: m.cpt50, cpt80: m.cpt80, deltaApgr: base.apgr - m.apgr });
    }
  }
  options.onProgress?.(total, total);

  const row = (name: string, note: string, c: readonly CurvePoint[]): BenchRow => ({
    name,
    note,
    curve: c,
    ...routingMetrics(c, weakAccuracy, strongAccuracy),
  });
  return {
    prompts: n,
    weakModel: weakName,
    strongModel: strongName,
    weakAccuracy,
    strongAccuracy,
    costWeight,
    cpt50: metrics.cpt50,
    cpt80: metrics.cpt80,
    apgr: metrics.apgr,
    curve,
    rows: [
      { name: 'icq-linear cascade (reads the draft)', note: `${k}-fold CV, runtime re-run at each cost offset`, curve, ...metrics },
      row('icq-linear question-only (no draft)', `${k}-fold CV, decides before any draft exists`, questionCurve),
      row('random', 'one seeded random router', randomCurve),
      row('perfect draft checker', 'knows only whether the weak answer is right', checkerCurve),
      row('oracle', 'knows both outcomes', oracleCurve),
      {
        name: 'RouteLLM best published',
        note: 'causal LLM, arena + judge data (paper Table 3); no curve',
        curve: [],
        cpt20: Number.NaN,
        cpt50: 0.336,
        cpt80: 0.633,
        apgr: 0.622,
      },
    ],
    ablation,
    features: {
      weak: main.wf.agentById.get('weak')?.interface.projectionKeys ?? [],
      checker: main.wf.agentById.get('checker')?.interface.projectionKeys ?? [],
    },
  };
}

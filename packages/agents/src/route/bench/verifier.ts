import type { DraftAnswer } from '../answers.ts';
import type { RouteDraft } from '../artifact.ts';
import { routeFeatureKeys, routeFeatures } from '../interface.ts';
import { costScaleOf } from '../recorded.ts';
import type { CurvePoint, RouteMethod } from './method.ts';
import { taskTable, type TaskTable } from './table.ts';

/**
 * The features the verifier reads of one cheap draft: the route heads' own interface (`routeFeatures`) for an agent
 * holding only its own draft (so agreement terms are zero), as a vector in `routeFeatureKeys` order.
 */
export function draftFeatures(t: TaskTable, i: number, j: number, costScale: number): number[] {
  const k = i * t.m + j;
  const model = t.models[j] as string;
  const a = t.drafts[k] as DraftAnswer;
  const draft: RouteDraft = {
    model,
    answer: a.value,
    wellFormed: a.wellFormed,
    refusal: a.refusal,
    length: t.length[k] as number,
    costUsd: t.cost[k] as number,
  };
  const f = routeFeatures({ prompt: '', drafts: [draft] }, model, t.models, costScale);
  return routeFeatureKeys(model, t.models).map((key) => f[key] ?? 0);
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite here). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[p] as number[])[c] as number)) p = r;
    [m[c], m[p]] = [m[p] as number[], m[c] as number[]];
    const pivot = (m[c] as number[])[c] as number;
    if (Math.abs(pivot) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = ((m[r] as number[])[c] as number) / pivot;
      const row = m[r] as number[];
      const top = m[c] as number[];
      if (f !== 0) for (let x = c; x <= n; x++) row[x] = (row[x] as number) - f * (top[x] as number);
    }
  }
  return m.map((row, i) => (Math.abs(row[i] as number) < 1e-12 ? 0 : (row[n] as number) / (row[i] as number)));
}

/**
 * Ridge regression (features standardised on train, intercept unpenalised, penalty `alpha`) of y on X: returns the
 * predictor. Plain least squares on 0/1 labels is a linear probability model; only the ranking matters for thresholds.
 */
export function fitRidge(xs: readonly number[][], ys: readonly number[], alpha = 1): (x: readonly number[]) => number {
  const f = xs[0]?.length ?? 0;
  const n = xs.length;
  const mean = Array.from({ length: f }, (_, c) => xs.reduce((s, x) => s + (x[c] as number), 0) / Math.max(1, n));
  const sd = mean.map((mu, c) => Math.sqrt(xs.reduce((s, x) => s + ((x[c] as number) - mu) ** 2, 0) / Math.max(1, n)) || 1);
  const z = (x: readonly number[]): number[] => [1, ...x.map((v, c) => (v - (mean[c] as number)) / (sd[c] as number))];
  const d = f + 1;
  const ata = Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c && r > 0 ? alpha : 0)));
  const atb = new Array<number>(d).fill(0);
  xs.forEach((x, i) => {
    const row = z(x);
    for (let r = 0; r < d; r++) {
      atb[r] = (atb[r] as number) + (row[r] as number) * (ys[i] as number);
      const out = ata[r] as number[];
      for (let c = 0; c < d; c++) out[c] = (out[c] as number) + (row[r] as number) * (row[c] as number);
    }
  });
  const w = solve(ata, atb);
  return (x) => z(x).reduce((s, v, c) => s + v * (w[c] as number), 0);
}

/** Options of the supervised verifier. */
export interface SupervisedVerifierOptions {
  /** Thresholds per (cheap model, expert): this many train-prediction quantiles, plus never and always (default 21). */
  readonly thresholds?: number;
  readonly alpha?: number;
}

/**
 * `supervised-verifier`: one step. Call a cheap model; a ridge regression fitted on train predicts from that draft's
 * own features whether it is correct; below a threshold, call the expert and submit its draft. Cheap model, expert and
 * threshold are swept (every ordered pair of models).
 */
export function supervisedVerifier(options: SupervisedVerifierOptions = {}): RouteMethod {
  const q = options.thresholds ?? 21;
  return {
    name: 'supervised-verifier',
    description:
      "one-step verifier: ridge on the cheap draft's own route features (routeFeatures) predicts it correct; below a threshold, the expert",
    deterministic: true,
    points(train, test) {
      const a = taskTable(train);
      const b = taskTable(test);
      const scale = costScaleOf(train);
      const points: CurvePoint[] = [];
      for (let c = 0; c < a.m; c++) {
        const cheap = a.models[c] as string;
        const cb = b.models.indexOf(cheap);
        const xs = Array.from({ length: a.n }, (_, i) => draftFeatures(a, i, c, scale));
        const predict = fitRidge(
          xs,
          xs.map((_, i) => a.score[i * a.m + c] as number),
          options.alpha,
        );
        const predA = Float64Array.from(xs, predict);
        const predB = Float64Array.from({ length: b.n }, (_, i) => predict(draftFeatures(b, i, cb, scale)));
        const sorted = [...predA].sort((x, y) => x - y);
        const cuts = new Set<number>([-Infinity, Infinity]);
        for (let s = 0; s < q; s++)
          cuts.add(sorted[Math.min(sorted.length - 1, Math.floor((s / Math.max(1, q - 1)) * sorted.length))] ?? 0);
        for (let e = 0; e < a.m; e++) {
          if (e === c) continue;
          const expert = a.models[e] as string;
          const eb = b.models.indexOf(expert);
          for (const cut of cuts) {
            const run = (t: TaskTable, pred: Float64Array, cj: number, ej: number): { accuracy: number; costUsd: number } => {
              let s = 0;
              let cost = 0;
              for (let i = 0; i < t.n; i++) {
                cost += t.cost[i * t.m + cj] as number;
                if ((pred[i] as number) < cut) {
                  cost += t.cost[i * t.m + ej] as number;
                  s += t.score[i * t.m + ej] as number;
                } else s += t.score[i * t.m + cj] as number;
              }
              return { accuracy: s / Math.max(1, t.n), costUsd: cost / Math.max(1, t.n) };
            };
            const label = `${short(cheap)} unless p<${cut === Infinity ? 'inf' : cut === -Infinity ? '-inf' : cut.toFixed(3)} then ${short(expert)}`;
            points.push({ label, train: run(a, predA, c, e), test: run(b, predB, cb, eb) });
          }
        }
      }
      return points;
    },
  };
}

const short = (m: string): string => m.slice(m.lastIndexOf('/') + 1);

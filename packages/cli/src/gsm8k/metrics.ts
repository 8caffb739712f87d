/**
 * RouteLLM's router metrics (routellm/evals/evaluate.py and benchmarks.py), reimplemented exactly: scores cut into
 * 10 equal-count bins (11 thresholds, pandas.qcut), a prompt goes to the strong model when its score >= threshold
 * (> for the last), CPT(x) = np.interp of the target accuracy over the curve sorted by strong share, APGR = trapezoid
 * area of accuracy over strong share, normalised between the weak and strong models' areas.
 */

/** What the routing figures mean, printed wherever they are. */
export const ROUTING_TERMS = [
  'strong share: the fraction of prompts that reach the strong model. CPT(x%): the strong share needed to recover x% of the',
  'accuracy gap between the weak and the strong model (lower is better). APGR: the area under accuracy vs strong share,',
  'scaled so that random routing scores 0.5 and a perfect one about 1 (higher is better).',
].join('\n');

export interface CurvePoint {
  /** Share of prompts that reach the strong model, in [0, 1]. */
  readonly strongShare: number;
  /** Accuracy in [0, 1]. */
  readonly accuracy: number;
  /** Mean dollars per prompt at this point. */
  readonly dollarsPerPrompt?: number;
}

export interface RoutingMetrics {
  readonly cpt20: number;
  readonly cpt50: number;
  readonly cpt80: number;
  readonly apgr: number;
}

/** numpy's linear quantile (method "linear"), as pandas.qcut uses for its bin edges. */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** The 11 thresholds of pandas.qcut(scores, 10, retbins=True). */
export function decileThresholds(scores: readonly number[], bins = 10): number[] {
  const sorted = [...scores].sort((a, b) => a - b);
  return Array.from({ length: bins + 1 }, (_, i) => quantile(sorted, i / bins));
}

/** Which prompts go to the strong model at threshold i of `thresholds` (RouteLLM's >= rule, > for the last). */
export function selectStrong(scores: readonly number[], thresholds: readonly number[], i: number): boolean[] {
  const t = thresholds[i] as number;
  const last = i === thresholds.length - 1;
  return scores.map((s) => (last ? s > t : s >= t));
}

/** np.interp(x, xp, fp): clamps at the ends; binary search as numpy does (xp is expected increasing). */
export function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  const n = xp.length;
  if (n === 0) return Number.NaN;
  if (x <= (xp[0] as number)) return fp[0] as number;
  if (x >= (xp[n - 1] as number)) return fp[n - 1] as number;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x < (xp[mid] as number)) hi = mid;
    else lo = mid;
  }
  const x0 = xp[lo] as number;
  const x1 = xp[hi] as number;
  const f0 = fp[lo] as number;
  const f1 = fp[hi] as number;
  return x1 === x0 ? f0 : f0 + ((f1 - f0) * (x - x0)) / (x1 - x0);
}

/** np.trapz(y, x). */
export function trapezoid(y: readonly number[], x: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += (((x[i] as number) - (x[i - 1] as number)) * ((y[i] as number) + (y[i - 1] as number))) / 2;
  return area;
}

/** CPT(20/50/80 %) as strong shares in [0, 1] and APGR, from a curve and the two models' accuracies. */
export function routingMetrics(curve: readonly CurvePoint[], weakAccuracy: number, strongAccuracy: number): RoutingMetrics {
  const sorted = [...curve].sort((a, b) => a.strongShare - b.strongShare);
  const shares = sorted.map((p) => p.strongShare);
  const accs = sorted.map((p) => p.accuracy);
  const cpt = (x: number): number => interp(weakAccuracy + x * (strongAccuracy - weakAccuracy), accs, shares);
  const auc = trapezoid(accs, shares);
  const span = (shares[shares.length - 1] ?? 0) - (shares[0] ?? 0);
  const apgr = (auc - weakAccuracy * span) / ((strongAccuracy - weakAccuracy) * span);
  return { cpt20: cpt(0.2), cpt50: cpt(0.5), cpt80: cpt(0.8), apgr };
}

/** The 11-point curve of a router that scores prompts: RouteLLM's procedure, outcomes read from `correct`. */
export function curveFromScores(
  scores: readonly number[],
  weakCorrect: readonly number[],
  strongCorrect: readonly number[],
  dollars?: { weak: readonly number[]; strong: readonly number[]; weakAlways: boolean },
): CurvePoint[] {
  const thresholds = decileThresholds(scores);
  return thresholds.map((_, i) => {
    const strong = selectStrong(scores, thresholds, i);
    let correct = 0;
    let usd = 0;
    strong.forEach((s, j) => {
      correct += s ? (strongCorrect[j] as number) : (weakCorrect[j] as number);
      if (dollars) usd += (dollars.weakAlways || !s ? (dollars.weak[j] as number) : 0) + (s ? (dollars.strong[j] as number) : 0);
    });
    const n = scores.length;
    return { strongShare: strong.filter(Boolean).length / n, accuracy: correct / n, ...(dollars ? { dollarsPerPrompt: usd / n } : {}) };
  });
}

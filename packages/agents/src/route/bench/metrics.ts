import type { CurvePoint, SplitScore } from './method.ts';

/** A point of a cost-quality curve: mean dollars per prompt (or any cost unit) and accuracy. */
export interface CostPoint {
  readonly cost: number;
  readonly accuracy: number;
}

/**
 * Indices of the points on the upper-left frontier used to choose policies: sorted by cost, each more accurate than
 * every cheaper one, and concave (a point under the chord of its neighbours is dropped, since flipping a biased coin
 * between the neighbours beats it). Any cost between two adjacent frontier points is reached by such a mix.
 */
export function frontier(points: readonly CostPoint[]): number[] {
  const order = [...points.keys()].sort(
    (a, b) => pt(points, a).cost - pt(points, b).cost || pt(points, b).accuracy - pt(points, a).accuracy,
  );
  const hull: number[] = [];
  for (const i of order) {
    const p = pt(points, i);
    const last = hull[hull.length - 1];
    if (last !== undefined && p.accuracy <= pt(points, last).accuracy) continue;
    while (hull.length >= 2) {
      const a = pt(points, hull[hull.length - 2] as number);
      const b = pt(points, hull[hull.length - 1] as number);
      // b is dropped when it lies on or under the chord a -> p.
      if ((b.accuracy - a.accuracy) * (p.cost - a.cost) <= (p.accuracy - a.accuracy) * (b.cost - a.cost)) hull.pop();
      else break;
    }
    hull.push(i);
  }
  return hull;
}

function pt(points: readonly CostPoint[], i: number): CostPoint {
  return points[i] as CostPoint;
}

/**
 * RouterBench's non-decreasing convex hull, ported line for line from withmartian/routerbench
 * `evaluation/AIQ.py::get_non_descreasing_convex_hull_of` (its quirks kept): every point strictly inside the cost range
 * is lifted to the highest chord over it, the cheapest point is kept, the dearest kept if not below the last lifted
 * point, then each point lower than its predecessor (one pass, against the unpruned list) is dropped. Ties in cost keep
 * their input order (numpy's argsort leaves it open; cross-checked against the Python on tie-free inputs). Where the Python raises (no point strictly
 * inside the range: one or two distinct costs) this returns the cheapest point, plus the dearest when not lower.
 */
export function routerbenchHull(points: readonly CostPoint[]): CostPoint[] {
  if (points.length === 0) return [];
  const s = [...points].sort((a, b) => a.cost - b.cost);
  const first = s[0] as CostPoint;
  const last = s[s.length - 1] as CostPoint;
  // Lifted interior points, in insertion order (which is cost order), one per distinct cost.
  const lifted = new Map<number, number>();
  for (let i = 0; i < s.length; i++)
    for (let j = i; j < s.length; j++) {
      const a = s[i] as CostPoint;
      const b = s[j] as CostPoint;
      for (const k of s) {
        if (!(a.cost < k.cost && k.cost < b.cost)) continue;
        const chord = a.accuracy + ((k.cost - a.cost) * (b.accuracy - a.accuracy)) / (b.cost - a.cost);
        const y = Math.max(k.accuracy, chord);
        const had = lifted.get(k.cost);
        if (had === undefined || had < y) lifted.set(k.cost, y);
      }
    }
  const hull: CostPoint[] = [...lifted].map(([cost, accuracy]) => ({ cost, accuracy }));
  const lastLifted = hull[hull.length - 1];
  if (lastLifted === undefined) {
    if (last.cost !== first.cost && last.accuracy >= first.accuracy) hull.push(last);
  } else if (last.accuracy >= lastLifted.accuracy) hull.push(last);
  hull.unshift(first);
  hull.sort((a, b) => a.cost - b.cost);
  return hull.filter((p, i) => i === 0 || p.accuracy >= (hull[i - 1] as CostPoint).accuracy);
}

/**
 * RouterBench's AIQ (`evaluation/AIQ.py::calc_AIQ`) for curves compared together: each curve's non-decreasing hull is
 * extended flat to the largest cost any of the hulls reaches (X), the trapezoid area under it is taken from the hull's own
 * cheapest point to X, and divided by X. So cost is normalised by X (scale-free: dollars per prompt or totals give the
 * same AIQ), nothing is counted below a curve's cheapest point, and an AIQ depends on the set it is computed in.
 */
export function aiq(curves: readonly (readonly CostPoint[])[]): number[] {
  const hulls = curves.map(routerbenchHull);
  const maxX = Math.max(...hulls.flatMap((h) => h.map((p) => p.cost)));
  return hulls.map((h) => {
    if (h.length === 0 || !(maxX > 0)) return Number.NaN;
    const ext = [...h, { cost: maxX, accuracy: (h[h.length - 1] as CostPoint).accuracy }];
    let area = 0;
    for (let i = 1; i < ext.length; i++) {
      const a = ext[i - 1] as CostPoint;
      const b = ext[i] as CostPoint;
      area += ((b.cost - a.cost) * (a.accuracy + b.accuracy)) / 2;
    }
    return area / maxX;
  });
}

/** A policy chosen on train: one curve point, or a coin flip per prompt between two (weight `p` on `hi`). */
export interface ChosenPolicy {
  readonly label: string;
  /** Expected scores of the policy on each split (the mix's weighted means). */
  readonly train: SplitScore;
  readonly test: SplitScore;
}

function mix(a: CurvePoint, b: CurvePoint, p: number): ChosenPolicy {
  const at = (x: SplitScore, y: SplitScore): SplitScore => ({
    accuracy: (1 - p) * x.accuracy + p * y.accuracy,
    costUsd: (1 - p) * x.costUsd + p * y.costUsd,
  });
  const label = p <= 0 ? a.label : p >= 1 ? b.label : `${((1 - p) * 100).toFixed(0)}% ${a.label} + ${(p * 100).toFixed(0)}% ${b.label}`;
  return { label, train: at(a.train, b.train), test: at(a.test, b.test) };
}

/** The train frontier of a method's points, cheapest first. */
export function trainFrontier(points: readonly CurvePoint[]): CurvePoint[] {
  return frontier(points.map((p) => ({ cost: p.train.costUsd, accuracy: p.train.accuracy }))).map((i) => points[i] as CurvePoint);
}

/**
 * The most accurate policy whose TRAIN cost is within `budgetUsd`: a frontier point, or the mix of the two adjacent
 * frontier points that spends the budget exactly. Null when even the cheapest point costs more.
 */
export function chooseAtBudget(front: readonly CurvePoint[], budgetUsd: number): ChosenPolicy | null {
  // A policy costing the budget to rounding error (a mean summed in another order) is within it.
  const within = (cost: number): boolean => cost <= budgetUsd * (1 + 1e-9);
  const first = front[0];
  if (first === undefined || !within(first.train.costUsd)) return null;
  for (let i = 1; i < front.length; i++) {
    const b = front[i] as CurvePoint;
    if (within(b.train.costUsd)) continue;
    const a = front[i - 1] as CurvePoint;
    return mix(a, b, Math.max(0, (budgetUsd - a.train.costUsd) / (b.train.costUsd - a.train.costUsd)));
  }
  return mix(front[front.length - 1] as CurvePoint, front[front.length - 1] as CurvePoint, 0);
}

/**
 * The rule for "cost share to reach the best single model": walk the train frontier from cheap to dear (points and the
 * mixes between neighbours, i.e. every train-chosen policy in order of train budget) and take the first whose TEST
 * accuracy reaches `targetAccuracy`; return its test cost. Null when no train-chosen policy reaches it.
 */
export function costToReach(front: readonly CurvePoint[], targetAccuracy: number): number | null {
  const eps = 1e-12;
  const first = front[0];
  if (first === undefined) return null;
  if (first.test.accuracy >= targetAccuracy - eps) return first.test.costUsd;
  for (let i = 1; i < front.length; i++) {
    const a = front[i - 1] as CurvePoint;
    const b = front[i] as CurvePoint;
    if (b.test.accuracy < targetAccuracy - eps) continue;
    if (a.test.accuracy >= b.test.accuracy) continue;
    const p = Math.max(0, Math.min(1, (targetAccuracy - a.test.accuracy) / (b.test.accuracy - a.test.accuracy)));
    return (1 - p) * a.test.costUsd + p * b.test.costUsd;
  }
  return null;
}

// Two-sided 95 % Student t quantiles for 1..30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Mean and 95 % t-interval over seeds; the interval is null for fewer than two values (no ± from one seed). */
export function meanCi(values: readonly number[]): { mean: number; ci: [number, number] | null } {
  const n = values.length;
  // Equal values (a deterministic method) give exactly that value, not a rounding-error interval around it.
  const mean = values.every((v) => v === values[0]) ? (values[0] ?? Number.NaN) : values.reduce((s, v) => s + v, 0) / Math.max(1, n);
  if (n < 2) return { mean, ci: null };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (T975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { mean, ci: [mean - half, mean + half] };
}

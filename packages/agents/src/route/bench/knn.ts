import type { RecordedTask } from '../task.ts';
import type { CurvePoint, RouteMethod, SplitScore } from './method.ts';
import { taskTable, type TaskTable } from './table.ts';

/** Options of the kNN prompt router. */
export interface KnnRouterOptions {
  /** Neighbours averaged per prediction (default 25). */
  readonly k?: number;
  /** Trade-offs swept: pick argmax of predicted score - lambda x predicted cost / the dearest model's mean train cost. */
  readonly lambdas?: readonly number[];
}

/** 0, 41 log-spaced values from 0.001 to 100, and infinity (the cheapest predicted model). */
export const KNN_LAMBDAS: readonly number[] = [0, ...Array.from({ length: 41 }, (_, i) => 10 ** (-3 + i / 8)), Infinity];

type SparseVector = { readonly terms: Int32Array; readonly weights: Float64Array };

const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/**
 * TF-IDF over prompt words fitted on train: sublinear term frequency, idf = log(N / df), terms in more than half the
 * train prompts dropped (shared few-shot text and instructions carry no signal), rows L2-normalised.
 */
function tfidf(train: readonly string[], test: readonly string[]): { train: SparseVector[]; test: SparseVector[] } {
  const vocab = new Map<string, number>();
  const df: number[] = [];
  const counts = (text: string, grow: boolean): Map<number, number> => {
    const c = new Map<number, number>();
    for (const w of words(text)) {
      let id = vocab.get(w);
      if (id === undefined) {
        if (!grow) continue;
        id = vocab.size;
        vocab.set(w, id);
        df.push(0);
      }
      c.set(id, (c.get(id) ?? 0) + 1);
    }
    return c;
  };
  const trainCounts = train.map((t) => counts(t, true));
  for (const c of trainCounts) for (const id of c.keys()) df[id] = (df[id] ?? 0) + 1;
  const n = train.length;
  const vector = (c: Map<number, number>): SparseVector => {
    const kept = [...c].filter(([id]) => (df[id] ?? 0) > 0 && (df[id] ?? 0) <= n / 2);
    const weights = kept.map(([id, tf]) => (1 + Math.log(tf)) * Math.log(n / (df[id] ?? 1)));
    const norm = Math.sqrt(weights.reduce((s, w) => s + w * w, 0)) || 1;
    return { terms: Int32Array.from(kept.map(([id]) => id)), weights: Float64Array.from(weights.map((w) => w / norm)) };
  };
  return { train: trainCounts.map(vector), test: test.map((t) => vector(counts(t, false))) };
}

/**
 * Per prompt and model, the mean score and mean cost of the k most similar train prompts (cosine over TF-IDF). Train
 * prompts leave themselves out, so train predictions are honest for choosing lambda on train.
 */
function neighbourMeans(
  trainVecs: readonly SparseVector[],
  queries: readonly SparseVector[],
  a: TaskTable,
  k: number,
  queryIds: readonly string[] | null,
): { score: Float64Array; cost: Float64Array } {
  const leaveOneOut = queryIds === null;
  const sameId = new Map<string, number[]>();
  a.task.prompts.forEach((p, d) => sameId.set(p.id, [...(sameId.get(p.id) ?? []), d]));
  const postings = new Map<number, { docs: number[]; weights: number[] }>();
  trainVecs.forEach((v, doc) =>
    v.terms.forEach((term, x) => {
      let p = postings.get(term);
      if (!p) postings.set(term, (p = { docs: [], weights: [] }));
      p.docs.push(doc);
      p.weights.push(v.weights[x] as number);
    }),
  );
  const m = a.m;
  const score = new Float64Array(queries.length * m);
  const cost = new Float64Array(queries.length * m);
  const sims = new Float64Array(trainVecs.length);
  const kk = Math.max(1, Math.min(k, trainVecs.length - (leaveOneOut ? 1 : 0)));
  queries.forEach((q, qi) => {
    sims.fill(0);
    q.terms.forEach((term, x) => {
      const p = postings.get(term);
      if (!p) return;
      const w = q.weights[x] as number;
      for (let j = 0; j < p.docs.length; j++) {
        const d = p.docs[j] as number;
        sims[d] = (sims[d] as number) + w * (p.weights[j] as number);
      }
    });
    // A prompt never votes for itself: its own row when querying train, any train row with its id otherwise.
    if (leaveOneOut) sims[qi] = -Infinity;
    else for (const d of sameId.get(queryIds[qi] as string) ?? []) sims[d] = -Infinity;
    const order = topK(sims, kk);
    for (let j = 0; j < m; j++) {
      let s = 0;
      let c = 0;
      for (const d of order) {
        s += a.score[d * m + j] as number;
        c += a.cost[d * m + j] as number;
      }
      score[qi * m + j] = s / order.length;
      cost[qi * m + j] = c / order.length;
    }
  });
  return { score, cost };
}

/** Indices of the k largest values, ties by index (so predictions are deterministic); -Infinity rows never chosen. */
function topK(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let d = 0; d < values.length; d++) {
    const v = values[d] as number;
    if (v === -Infinity) continue;
    if (top.length === k && v <= (values[top[k - 1] as number] as number)) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && (values[top[at - 1] as number] as number) < v) {
      top[at] = top[at - 1] as number;
      at--;
    }
    top[at] = d;
    if (top.length > k) top.length = k;
  }
  return top;
}

function routed(t: TaskTable, pred: { score: Float64Array; cost: Float64Array }, lambda: number, scale: number): SplitScore {
  let s = 0;
  let c = 0;
  for (let i = 0; i < t.n; i++) {
    let best = 0;
    let bestU = -Infinity;
    for (let j = 0; j < t.m; j++) {
      const predCost = pred.cost[i * t.m + j] as number;
      const u = lambda === Infinity ? -predCost : (pred.score[i * t.m + j] as number) - (lambda * predCost) / scale;
      if (u > bestU) [best, bestU] = [j, u];
    }
    s += t.score[i * t.m + best] as number;
    c += t.cost[i * t.m + best] as number;
  }
  return { accuracy: s / Math.max(1, t.n), costUsd: c / Math.max(1, t.n) };
}

/** `knn-router`: a one-step prompt router (picks one model from the prompt alone; no draft is read). */
export function knnRouter(options: KnnRouterOptions = {}): RouteMethod {
  const k = options.k ?? 25;
  const lambdas = options.lambdas ?? KNN_LAMBDAS;
  return {
    name: 'knn-router',
    description: `one-step prompt router: ${k}-NN over prompt-word TF-IDF predicts each model's score and cost; argmax score - lambda x cost`,
    deterministic: true,
    points(train: RecordedTask, test: RecordedTask): CurvePoint[] {
      const a = taskTable(train);
      const b = taskTable(test);
      if (b.models.some((m, j) => a.models[j] !== m))
        throw new Error('knn-router: train and test must list the same models in the same order');
      const vecs = tfidf(
        train.prompts.map((p) => p.prompt),
        test.prompts.map((p) => p.prompt),
      );
      const onTrain = neighbourMeans(vecs.train, vecs.train, a, k, null);
      const onTest = neighbourMeans(
        vecs.train,
        vecs.test,
        a,
        k,
        test.prompts.map((p) => p.id),
      );
      const scale = Math.max(...a.meanCost) || 1;
      return lambdas.map((lambda) => ({
        label: `lambda=${lambda === Infinity ? 'inf' : Number(lambda.toPrecision(3))}`,
        train: routed(a, onTrain, lambda, scale),
        test: routed(b, onTest, lambda, scale),
      }));
    },
  };
}

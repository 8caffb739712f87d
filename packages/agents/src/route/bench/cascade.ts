import type { RecordedTask } from '../task.ts';
import { trainFrontier } from './metrics.ts';
import type { CurvePoint, RouteMethod, SplitScore } from './method.ts';
import { taskTable, type TaskTable } from './table.ts';

/**
 * A fixed agree-else-escalate cascade. Drafters are called in order:
 * - none: the expert alone (a single model, so the family contains every fixed single-model policy);
 * - one: submit its draft if well formed, else call the expert;
 * - two: submit the first draft if the two agree, else call the expert;
 * - three: call the first two; if they agree submit the first; else call the third and submit the earliest draft it
 *   agrees with; else call the expert and submit its draft.
 * Every call made is paid. The expert is never one of the drafters.
 */
export interface Cascade {
  readonly drafters: readonly string[];
  readonly expert: string;
}

/** `mixtral+yi>gpt-4`, `mixtral?>gpt-4` (one drafter: well-formed check), `gpt-4` (expert alone); vendor prefixes dropped. */
export function cascadeLabel(c: Cascade): string {
  const short = (m: string): string => m.slice(m.lastIndexOf('/') + 1);
  if (c.drafters.length === 0) return short(c.expert);
  if (c.drafters.length === 1) return `${short(c.drafters[0] as string)}?>${short(c.expert)}`;
  return `${c.drafters.map(short).join('+')}>${short(c.expert)}`;
}

interface Sums {
  score: number;
  cost: number;
}

/**
 * Scores every cascade over `t` at once: for each drafter sequence the prompts it settles (and their score and cost) are
 * computed once, then every expert is scored on the escalated prompts only. Returns split scores keyed by label.
 */
function scoreAll(t: TaskTable, maxDrafters: number): Map<string, { cascade: Cascade; score: SplitScore }> {
  const { n, m, answer, score, cost, wellFormed, models } = t;
  const out = new Map<string, { cascade: Cascade; score: SplitScore }>();
  const agree = (i: number, a: number, b: number): boolean => {
    const x = answer[i * m + a] as number;
    return x >= 0 && x === answer[i * m + b];
  };
  const escalated = new Uint8Array(n);
  const emit = (drafters: number[], base: Sums): void => {
    for (let e = 0; e < m; e++) {
      if (drafters.includes(e)) continue;
      let s = base.score;
      let c = base.cost;
      for (let i = 0; i < n; i++)
        if (escalated[i]) {
          s += score[i * m + e] as number;
          c += cost[i * m + e] as number;
        }
      const cascade: Cascade = { drafters: drafters.map((d) => models[d] as string), expert: models[e] as string };
      out.set(cascadeLabel(cascade), { cascade, score: { accuracy: s / Math.max(1, n), costUsd: c / Math.max(1, n) } });
    }
  };
  // Settles prompt i for a drafter sequence: the draft index submitted, or -1 to escalate; adds the drafters' calls to base.
  const settle = (ds: number[], i: number, base: Sums): number => {
    const k = i * m;
    const [a, b, c] = ds as [number, number?, number?];
    base.cost += cost[k + a] as number;
    if (b === undefined) return wellFormed[k + a] ? a : -1;
    base.cost += cost[k + b] as number;
    if (agree(i, a, b)) return a;
    if (c === undefined) return -1;
    base.cost += cost[k + c] as number;
    if (agree(i, a, c)) return a;
    if (agree(i, b, c)) return b;
    return -1;
  };
  escalated.fill(1);
  emit([], { score: 0, cost: 0 });
  const sequences: number[][] = [];
  const extend = (ds: number[]): void => {
    if (ds.length > 0) sequences.push(ds);
    if (ds.length === maxDrafters) return;
    for (let d = 0; d < m; d++) if (!ds.includes(d)) extend([...ds, d]);
  };
  extend([]);
  for (const ds of sequences) {
    const base: Sums = { score: 0, cost: 0 };
    for (let i = 0; i < n; i++) {
      const submitted = settle(ds, i, base);
      escalated[i] = submitted < 0 ? 1 : 0;
      if (submitted >= 0) base.score += score[i * m + submitted] as number;
    }
    emit(ds, base);
  }
  return out;
}

/** Every cascade of up to `maxDrafters` drafters (default 3) scored on both splits. */
export function allCascades(train: RecordedTask, test: RecordedTask, maxDrafters = 3): (CurvePoint & { cascade: Cascade })[] {
  const a = scoreAll(taskTable(train), maxDrafters);
  const b = scoreAll(taskTable(test), maxDrafters);
  return [...a].map(([label, { cascade, score }]) => {
    const onTest = b.get(label);
    if (onTest === undefined) throw new Error(`cascade ${label} missing on the test split (the splits' models differ)`);
    return { label, cascade, train: score, test: onTest.score };
  });
}

/**
 * `best-fixed-cascade`: every agree-else-escalate cascade over ordered drafter pairs and triples (plus one-drafter
 * "well formed else expert" cascades and single models) with any other model as expert, reduced to the train frontier:
 * the fixed rules worth choosing on train, each reported on test.
 */
export function bestFixedCascade(maxDrafters = 3): RouteMethod {
  return {
    name: 'best-fixed-cascade',
    description: `train frontier of all fixed agree-else-escalate cascades (up to ${maxDrafters} drafters, any expert)`,
    deterministic: true,
    points: (train, test) =>
      trainFrontier(allCascades(train, test, maxDrafters)).map(({ label, train: tr, test: te }) => ({ label, train: tr, test: te })),
  };
}

import { bestModel, type RecordedTask } from '../task.ts';
import type { CurvePoint, RouteMethod, SplitScore } from './method.ts';
import { taskTable, type TaskTable } from './table.ts';

/**
 * A policy over agreement states. A state is the set of models drafted so far and the pattern of their answers (which
 * of them agree; who gave no answer; whose draft is not well formed), nothing else: the whole information a recorded
 * multiple-choice draft carries. Keys are `models|pattern`, e.g. `3,9|0,0` (models 3 and 9 agree), `3,9,10|0,1,-1`
 * or `4,7|0!,1` (model 4's code does not parse).
 */
export type AgreementPolicy = ReadonlyMap<string, AgreementAction>;

/** Call model `j` (a column index), or submit model `j`'s draft. */
export type AgreementAction = { readonly call: number } | { readonly submit: number };

export interface AgreementOptions {
  /** Most drafts per prompt (default 3, as the route workflow's). */
  readonly maxDrafts?: number;
  /**
   * Pseudo-counts pulling a state's accuracy estimate of each draft toward that model's mean accuracy (default 2 when
   * solved on train, so a state seen twice does not settle on its two outcomes; 0 for the hindsight ceiling).
   */
  readonly prior?: number;
}

/**
 * The state key of prompt i of `t` after the models `set` (ascending columns of the table the policy was solved on;
 * `col` maps them to `t`'s, identity by default): answer ids in order of first appearance, -1 for no answer, and `!`
 * after a draft that is not well formed (code that does not parse), so the states hold the drafts' form as well.
 */
function stateKey(t: TaskTable, i: number, set: readonly number[], col?: readonly number[]): string {
  const ids: number[] = [];
  const out: string[] = [];
  for (const j of set) {
    const cell = i * t.m + (col ? (col[j] as number) : j);
    const a = t.answer[cell] as number;
    const k = ids.indexOf(a);
    const id = a < 0 ? -1 : k >= 0 ? k : ids.push(a) - 1;
    out.push(t.wellFormed[cell] || a < 0 ? String(id) : `${id}!`);
  }
  return `${set.join(',')}|${out.join(',')}`;
}

/** One agreement state of a table: its prompts' summed scores per drafted model and, per possible call, its outcomes. */
interface StateNode {
  readonly key: string;
  readonly set: readonly number[];
  readonly prompts: number;
  /** Summed score of each drafted model's draft over the state's prompts, in `set` order. */
  readonly scores: readonly number[];
  /** Per model not yet drafted (while calls are left): the summed dollars of calling it and the states it leads to. */
  readonly calls: readonly { readonly model: number; readonly costUsd: number; readonly next: readonly StateNode[] }[];
}

const trees = new WeakMap<TaskTable, Map<number, StateNode>>();

/**
 * Every agreement state reachable on `t` with up to `maxDrafts` calls, built once per table and limit (the tree does
 * not depend on lambda, so a sweep only re-solves it). States are shared across call orders: {a, b} is one state.
 */
function stateTree(t: TaskTable, maxDrafts: number): StateNode {
  const cached = trees.get(t)?.get(maxDrafts);
  if (cached) return cached;
  const nodes = new Map<string, StateNode>();
  const build = (set: readonly number[], key: string, prompts: readonly number[]): StateNode => {
    const known = nodes.get(key);
    if (known) return known;
    const scores = set.map((j) => prompts.reduce((s, i) => s + (t.score[i * t.m + j] as number), 0));
    const calls: StateNode['calls'][number][] = [];
    if (set.length < maxDrafts)
      for (let k = 0; k < t.m; k++) {
        if (set.includes(k)) continue;
        const next = [...set, k].sort((a, b) => a - b);
        const groups = new Map<string, number[]>();
        let costUsd = 0;
        for (const i of prompts) {
          costUsd += t.cost[i * t.m + k] as number;
          const g = stateKey(t, i, next);
          const list = groups.get(g);
          if (list) list.push(i);
          else groups.set(g, [i]);
        }
        calls.push({ model: k, costUsd, next: [...groups].map(([g, list]) => build(next, g, list)) });
      }
    const node: StateNode = { key, set, prompts: prompts.length, scores, calls };
    nodes.set(key, node);
    return node;
  };
  const root = build([], stateKey(t, 0, []), [...Array(t.n).keys()]);
  const byLimit = trees.get(t) ?? new Map<number, StateNode>();
  byLimit.set(maxDrafts, root);
  trees.set(t, byLimit);
  return root;
}

/**
 * The policy maximising (sum over prompts of the submitted draft's score) - lambda x dollars / costScale on table `t`,
 * by dynamic programming over agreement states: each state's value is the best of submitting one of its drafts or
 * calling one more model, whose outcome splits the state's prompts by the new pattern. A central planner: it sees
 * every draft of the state, which no route agent does.
 */
export function solveAgreementPolicy(t: TaskTable, lambda: number, costScale: number, options: AgreementOptions = {}): AgreementPolicy {
  const prior = options.prior ?? 2;
  const policy = new Map<string, AgreementAction>();
  const value = new Map<string, number>();
  const solve = (node: StateNode): number => {
    const known = value.get(node.key);
    if (known !== undefined) return known;
    let best = -Infinity;
    let action: AgreementAction = { call: 0 };
    node.set.forEach((j, x) => {
      const v = (((node.scores[x] as number) + prior * (t.meanScore[j] as number)) / (node.prompts + prior)) * node.prompts;
      if (v > best) [best, action] = [v, { submit: j }];
    });
    for (const call of node.calls) {
      let v = -(lambda * call.costUsd) / costScale;
      for (const next of call.next) v += solve(next);
      if (v > best) [best, action] = [v, { call: call.model }];
    }
    policy.set(node.key, action);
    value.set(node.key, best);
    return best;
  };
  solve(stateTree(t, options.maxDrafts ?? 3));
  return policy;
}

/**
 * Runs `policy` (solved on `from`'s columns) on table `t`. A state the policy never saw calls `fallback` (the best
 * single model) if it has not drafted and a draft is left, else submits the draft of the drafted model that is most
 * accurate on `from`.
 */
export function runAgreementPolicy(t: TaskTable, from: TaskTable, policy: AgreementPolicy, fallback: number, maxDrafts = 3): SplitScore {
  const col = from.models.map((m) => t.models.indexOf(m));
  let score = 0;
  let cost = 0;
  for (let i = 0; i < t.n; i++) {
    const set: number[] = [];
    for (;;) {
      const ti = (j: number): number => i * t.m + (col[j] as number);
      let action = policy.get(stateKey(t, i, set, col));
      if (action === undefined)
        action =
          !set.includes(fallback) && set.length < maxDrafts
            ? { call: fallback }
            : { submit: set.reduce((a, b) => ((from.meanScore[b] as number) > (from.meanScore[a] as number) ? b : a)) };
      if ('submit' in action) {
        score += t.score[ti(action.submit)] as number;
        break;
      }
      cost += t.cost[ti(action.call)] as number;
      set.push(action.call);
      set.sort((a, b) => a - b);
    }
  }
  return { accuracy: score / Math.max(1, t.n), costUsd: cost / Math.max(1, t.n) };
}

/**
 * Lambdas the agreement methods sweep: 0 and 61 log-spaced values from 0.001 to 10 (15 a decade: each hull vertex of
 * the cost-accuracy curve is optimal on an interval of lambdas, and a dense grid keeps the ceiling from missing one).
 */
export const AGREEMENT_LAMBDAS: readonly number[] = [0, ...Array.from({ length: 61 }, (_, i) => 10 ** (-3 + i / 15))];

/** The column of the task's best single model (`bestModel`: most accurate, ties to the cheaper). */
function bestColumn(t: TaskTable): number {
  return t.models.indexOf(bestModel(t.task));
}

function sweep(solveOn: TaskTable, train: TaskTable, test: TaskTable, options: AgreementOptions): CurvePoint[] {
  const fallback = bestColumn(train);
  const scale = Math.max(train.meanCost[fallback] as number, 1e-12);
  const maxDrafts = options.maxDrafts ?? 3;
  return AGREEMENT_LAMBDAS.map((lambda) => {
    const policy = solveAgreementPolicy(solveOn, lambda, scale, options);
    return {
      label: `lambda=${lambda.toPrecision(2)}`,
      train: runAgreementPolicy(train, solveOn, policy, fallback, maxDrafts),
      test: runAgreementPolicy(test, solveOn, policy, fallback, maxDrafts),
    };
  });
}

/**
 * `agreement-planner`: the best policy over agreement states solved on TRAIN by dynamic programming, one per lambda.
 * A centralized baseline that sees every draft and the joint trajectory; the learned heads see only their projection.
 */
export function agreementPlanner(options: AgreementOptions = {}): RouteMethod {
  return {
    name: 'agreement-planner',
    description: 'central planner: the train-optimal policy over agreement states (which models agree), by dynamic programming',
    deterministic: true,
    points: (train: RecordedTask, test: RecordedTask) => sweep(taskTable(train), taskTable(train), taskTable(test), options),
  };
}

/** Draft limit of the hindsight ceiling: the fixed cascades' most calls (three drafters, then the expert). */
export const HINDSIGHT_MAX_DRAFTS = 4;

/**
 * `hindsight-agreement` (ceiling): the same planner solved on the TEST split itself, so its curve bounds what any
 * policy that decides from which models agreed (learned or fixed, up to `maxDrafts` calls, default 4 so that every
 * cascade and route policy of the run is inside it) can reach on this test split. Its budgets are chosen on test too.
 */
export function hindsightAgreement(options: AgreementOptions = {}): RouteMethod {
  const maxDrafts = options.maxDrafts ?? HINDSIGHT_MAX_DRAFTS;
  return {
    name: 'hindsight-agreement',
    description: `ceiling: the same planner solved on the test split itself, up to ${maxDrafts} calls (no agreement-based policy does better there)`,
    deterministic: true,
    points(train: RecordedTask, test: RecordedTask) {
      const [a, b] = [taskTable(train), taskTable(test)];
      const best = bestColumn(a);
      const scale = (b.meanCost[best] as number) / Math.max(a.meanCost[best] as number, 1e-12);
      // Budgets are shares of the best model's TRAIN cost: rescale test cost so the choice is made on test figures.
      return sweep(b, b, b, { prior: 0, ...options, maxDrafts }).map((p) => ({
        label: p.label,
        train: { accuracy: p.test.accuracy, costUsd: p.test.costUsd / scale },
        test: p.test,
      }));
    },
  };
}

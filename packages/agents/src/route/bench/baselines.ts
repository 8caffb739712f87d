import type { RecordedTask } from '../task.ts';
import type { RouteMethod, SplitScore } from './method.ts';
import { byMeanCost, taskTable, type TaskTable } from './table.ts';

/** Scores of one model on a split. */
function modelScore(t: TaskTable, j: number): SplitScore {
  return { accuracy: t.meanScore[j] ?? 0, costUsd: t.meanCost[j] ?? 0 };
}

/** `single:<model>`: always call that one model. */
export function singleModel(model: string): RouteMethod {
  return {
    name: `single:${model}`,
    description: `always ${model}`,
    deterministic: true,
    points(train, test) {
      const [a, b] = [taskTable(train), taskTable(test)];
      return [{ label: model, train: modelScore(a, a.models.indexOf(model)), test: modelScore(b, b.models.indexOf(model)) }];
    },
  };
}

/** One `single:<model>` method per model of the task. */
export function singleModels(task: RecordedTask): RouteMethod[] {
  return task.models.map(singleModel);
}

/**
 * `random`: the single models as one family. Its policies at a budget are what the metrics make of any family: the
 * most accurate single model within it, or a coin flipped per prompt between the two neighbouring models on the
 * single models' train frontier (a random mix at equal cost), not a uniform draw over all models.
 */
export const randomMix: RouteMethod = {
  name: 'random',
  description: 'random mix of two single models per prompt (biased coin), at every cost between them',
  deterministic: true,
  points(train, test) {
    const [a, b] = [taskTable(train), taskTable(test)];
    return a.models.map((model, j) => ({ label: model, train: modelScore(a, j), test: modelScore(b, b.models.indexOf(model)) }));
  },
};

/** Accuracy and mean cost of a per-prompt policy that returns (score, dollars) for prompt i. */
export function scorePolicy(t: TaskTable, policy: (i: number) => readonly [number, number]): SplitScore {
  let score = 0;
  let cost = 0;
  for (let i = 0; i < t.n; i++) {
    const [s, c] = policy(i);
    score += s;
    cost += c;
  }
  return { accuracy: score / Math.max(1, t.n), costUsd: cost / Math.max(1, t.n) };
}

/** Cheapest-first order by TRAIN mean cost, as column indices of `t` (which may be either split). */
function trainOrder(train: TaskTable, t: TaskTable): number[] {
  return byMeanCost(train).map((j) => t.models.indexOf(train.models[j] as string));
}

/**
 * `perfect-checker` (ceiling): call models cheapest-first (train mean cost) and stop at the first correct draft, as if
 * a free checker knew; every call made is paid. A prompt no model solves pays every model.
 */
export const perfectChecker: RouteMethod = {
  name: 'perfect-checker',
  description: 'ceiling: models cheapest-first until one is correct (a free perfect checker), paying every call',
  deterministic: true,
  points(train, test) {
    const a = taskTable(train);
    const split = (t: TaskTable): SplitScore => {
      const order = trainOrder(a, t);
      return scorePolicy(t, (i) => {
        let cost = 0;
        for (const j of order) {
          cost += t.cost[i * t.m + j] ?? 0;
          if ((t.score[i * t.m + j] ?? 0) >= 1) return [1, cost];
        }
        return [0, cost];
      });
    };
    return [{ label: 'perfect checker', train: split(a), test: split(taskTable(test)) }];
  },
};

/** `oracle` (ceiling): per prompt the cheapest correct model, paying only it; when none is correct, the cheapest model. */
export const oracle: RouteMethod = {
  name: 'oracle',
  description: 'ceiling: the cheapest correct model per prompt, paying only it (none correct: the cheapest call)',
  deterministic: true,
  points(train, test) {
    const split = (t: TaskTable): SplitScore =>
      scorePolicy(t, (i) => {
        let best: readonly [number, number] = [0, Infinity];
        for (let j = 0; j < t.m; j++) {
          const s = t.score[i * t.m + j] ?? 0;
          const c = t.cost[i * t.m + j] ?? 0;
          if (s > best[0] || (s === best[0] && c < best[1])) best = [s, c];
        }
        return best;
      });
    return [{ label: 'oracle', train: split(taskTable(train)), test: split(taskTable(test)) }];
  },
};

import { InProcessRuntime, Rng, type HandoffHead } from '@baton/core';
import { routeInput } from './artifact.ts';
import { routeHeads, type RouteLearner, type RouteLearning } from './heads.ts';
import { costScaleOf, recordedRouteWorkflow } from './recorded.ts';
import { paretoModels, selectModels, type RecordedTask } from './task.ts';

export interface RouteTrainOptions {
  /** Reward = correctness - lambda x dollars / (the best single model's mean dollars on the train split). */
  readonly lambda: number;
  readonly seed: number;
  /** Passes over the train prompts, each in a fresh seeded order (default `defaultEpochs`). */
  readonly epochs?: number;
  readonly learner?: RouteLearner;
  readonly maxDrafts?: number;
  readonly learning?: RouteLearning;
  /**
   * The models the workflow routes between: `pareto` (default) keeps the train split's non-dominated single models,
   * `all` every model, or a list.
   */
  readonly pool?: 'pareto' | 'all' | readonly string[];
  /** Called after each episode with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TrainedRoute {
  readonly heads: Record<string, HandoffHead>;
  /** The cost unit the heads were trained with (features and rewards): reuse it when evaluating or running. */
  readonly costScale: number;
  readonly lambda: number;
  readonly maxDrafts: number;
  readonly learner: RouteLearner;
  /** The models routed between, in workflow order. */
  readonly models: readonly string[];
  readonly episodes: number;
  readonly seconds: number;
}

/** Trains route heads on a recorded task's prompts through the in-process runtime (the same kernel `baton run route` uses). */
export async function trainRoute(all: RecordedTask, options: RouteTrainOptions): Promise<TrainedRoute> {
  const start = performance.now();
  const costScale = costScaleOf(all);
  const pool = options.pool ?? 'pareto';
  const models = pool === 'pareto' ? paretoModels(all) : pool === 'all' ? all.models : pool;
  const task = selectModels(all, models);
  const maxDrafts = options.maxDrafts ?? 3;
  const learner = options.learner ?? 'icq';
  const workflow = recordedRouteWorkflow(task, { lambda: options.lambda, costScale, maxDrafts });
  const heads = routeHeads(workflow, learner, options.learning);
  const runtime = new InProcessRuntime({ workflow, heads });
  const epochs = options.epochs ?? defaultEpochs(task.prompts.length);
  const rng = new Rng(options.seed);
  const order = task.prompts.map((_, i) => i);
  const total = epochs * order.length;
  let done = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const i of order) {
      const p = task.prompts[i];
      if (p === undefined) continue;
      await runtime.runEpisode({ seed: rng.int(2 ** 31), input: routeInput(p.prompt, p.id), learn: true });
      options.onProgress?.(++done, total);
    }
  }
  await runtime.close();
  return {
    heads,
    costScale,
    lambda: options.lambda,
    maxDrafts,
    learner,
    models,
    episodes: done,
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * Passes over the train prompts: enough for 30,000 episodes, at least 10 (ARC's 1,019 prompts get 30, MBPP's 299
 * get 101). Chosen by 3-fold cross-validation inside the arc_challenge and mbpp train splits: 3x the episodes of the
 * earlier 10,000 raised IC-Q's AIQ on both (ARC -0.0049 -> -0.0036, MBPP -0.0020 -> +0.0098 against the fixed
 * cascade; MBPP at 44,000 fell back to -0.0015).
 */
export function defaultEpochs(prompts: number): number {
  return Math.max(10, Math.ceil(30_000 / Math.max(1, prompts)));
}

export interface RouteScore {
  readonly accuracy: number;
  /** Mean dollars per prompt. */
  readonly costUsd: number;
  readonly meanDrafts: number;
  /** How often each path (models in order) was taken. */
  readonly paths: Readonly<Record<string, number>>;
}

/** Scores trained heads greedily (no learning, no exploration) on every prompt of a recorded task. */
export async function evaluateRoute(all: RecordedTask, trained: TrainedRoute): Promise<RouteScore> {
  const task = selectModels(all, trained.models);
  const workflow = recordedRouteWorkflow(task, { lambda: trained.lambda, costScale: trained.costScale, maxDrafts: trained.maxDrafts });
  const runtime = new InProcessRuntime({ workflow, heads: trained.heads });
  let correct = 0;
  let cost = 0;
  let drafts = 0;
  const paths: Record<string, number> = {};
  for (const [i, p] of task.prompts.entries()) {
    const r = await runtime.runEpisode({ seed: i, input: routeInput(p.prompt, p.id), learn: false, explore: false });
    correct += r.terminalReward;
    cost += r.costUsd;
    drafts += r.artifact.value.drafts.length;
    const path = r.artifact.value.drafts.map((d) => d.model).join('>');
    paths[path] = (paths[path] ?? 0) + 1;
  }
  await runtime.close();
  const n = Math.max(1, task.prompts.length);
  return { accuracy: correct / n, costUsd: cost / n, meanDrafts: drafts / n, paths };
}

import type { CurvePoint, RouteMethod } from './bench/method.ts';
import type { RouteLearner, RouteLearning } from './heads.ts';
import type { RecordedTask } from './task.ts';
import { evaluateRoute, trainRoute, type RouteTrainOptions } from './train.ts';

/**
 * The default lambda sweep (accuracy points paid per best-single-model cost), from "cost barely matters" to "only the
 * cheapest model": wide, so the learned frontier spans the cheap end too (AIQ integrates from a method's cheapest point).
 */
export const DEFAULT_LAMBDAS: readonly number[] = [0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 1, 5, 100];

export interface LearnedMethodOptions {
  readonly lambdas?: readonly number[];
  readonly epochs?: number;
  readonly maxDrafts?: number;
  readonly learning?: RouteLearning;
  /** The models routed between (default `pareto`: see `RouteTrainOptions.pool`). */
  readonly pool?: RouteTrainOptions['pool'];
}

const DESCRIPTIONS: Readonly<Record<RouteLearner, string>> = {
  icq: 'IC-Q: one linear head per agent and position, trained on the receivers\u2019 returned scalars; one point per lambda',
  'independent-mc': 'no-scalar Monte Carlo: the same heads and features, trained on returns-to-go, no scalar crosses a handoff',
  ucb1: 'UCB1 bandit per agreement signature, rewarded with returns-to-go (AgensFlow\u2019s rule)',
};

/** A learned route method: per lambda, heads trained on the train split with this seed, scored greedily on both splits. */
export function learnedMethod(learner: RouteLearner, options: LearnedMethodOptions = {}): RouteMethod {
  const lambdas = options.lambdas ?? DEFAULT_LAMBDAS;
  return {
    name: learner,
    description: DESCRIPTIONS[learner],
    async points(train: RecordedTask, test: RecordedTask, seed: number): Promise<CurvePoint[]> {
      const points: CurvePoint[] = [];
      for (const [i, lambda] of lambdas.entries()) {
        const trained = await trainRoute(train, {
          lambda,
          seed: seed * 1000 + i,
          learner,
          ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
          ...(options.maxDrafts === undefined ? {} : { maxDrafts: options.maxDrafts }),
          ...(options.learning === undefined ? {} : { learning: options.learning }),
          ...(options.pool === undefined ? {} : { pool: options.pool }),
        });
        const onTrain = await evaluateRoute(train, trained);
        const onTest = await evaluateRoute(test, trained);
        points.push({
          label: `lambda=${lambda}`,
          train: { accuracy: onTrain.accuracy, costUsd: onTrain.costUsd },
          test: { accuracy: onTest.accuracy, costUsd: onTest.costUsd },
        });
      }
      return points;
    },
  };
}

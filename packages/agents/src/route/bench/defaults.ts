import { learnedMethod, type LearnedMethodOptions } from '../methods.ts';
import type { RecordedTask } from '../task.ts';
import { agreementPlanner, hindsightAgreement } from './agreement.ts';
import { oracle, perfectChecker, randomMix, singleModels } from './baselines.ts';
import { bestFixedCascade } from './cascade.ts';
import { knnRouter } from './knn.ts';
import type { RouteMethod } from './method.ts';
import { supervisedVerifier } from './verifier.ts';

/** IC-Q, no-scalar Monte Carlo and UCB1 (the learned methods of `@baton/agents/route`), all with the same options. */
export function learnedMethods(options: LearnedMethodOptions = {}): RouteMethod[] {
  return (['icq', 'independent-mc', 'ucb1'] as const).map((learner) => learnedMethod(learner, options));
}

/** The learned methods at their defaults. */
export const DEFAULT_LEARNED: readonly RouteMethod[] = learnedMethods();

/**
 * The bench's default methods for a task: every single model, the random mix, the best fixed cascade, the kNN prompt
 * router, the supervised verifier, the central agreement planner, the learned methods (default: the route package's IC-Q, no-scalar Monte Carlo and
 *  UCB1 at their default lambda sweep), and the three ceilings last (hindsight agreement, perfect checker, oracle).
 */
export function defaultRouteMethods(task: RecordedTask, learned: readonly RouteMethod[] = DEFAULT_LEARNED): RouteMethod[] {
  return [
    ...singleModels(task),
    randomMix,
    bestFixedCascade(),
    knnRouter(),
    supervisedVerifier(),
    agreementPlanner(),
    ...learned,
    hindsightAgreement(),
    perfectChecker,
    oracle,
  ];
}

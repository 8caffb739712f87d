import type { RecordedTask } from '../task.ts';
import { oracle, perfectChecker, randomMix, singleModels } from './baselines.ts';
import { bestFixedCascade } from './cascade.ts';
import { knnRouter } from './knn.ts';
import type { RouteMethod } from './method.ts';
import { supervisedVerifier } from './verifier.ts';

/**
 * The bench's default methods for a task: every single model, the random mix, the best fixed cascade, the kNN prompt
 * router, the supervised verifier, then `learned` (the route package's IC-Q, no-scalar MC and UCB1 methods), and the two
 * ceilings last.
 */
export function defaultRouteMethods(task: RecordedTask, learned: readonly RouteMethod[] = []): RouteMethod[] {
  return [...singleModels(task), randomMix, bestFixedCascade(), knnRouter(), supervisedVerifier(), ...learned, perfectChecker, oracle];
}

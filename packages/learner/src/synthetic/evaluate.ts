import type { HandoffHead } from '@baton/core';
import { exactReturn, greedyPolicy, uniformPolicy, type EpochModel, type SyntheticView } from '../exact.ts';
import type { SyntheticConfig } from './dynamics.ts';
import { syntheticModel as buildModel } from './model.ts';

/** Models by config: compiling one costs more than evaluating a policy on it, and curves evaluate often. */
const models = new Map<string, EpochModel>();

/** The (cached) exact model of the synthetic IC-SMDP at `config`. */
export function syntheticModel(config: SyntheticConfig): EpochModel {
  const key = JSON.stringify([config.interfaceGap, config.mixing, config.discount]);
  let model = models.get(key);
  if (!model) models.set(key, (model = buildModel(config)));
  return model;
}

/**
 * The exact expected return of the heads' greedy policies on the synthetic IC-SMDP, as the runtime would run them
 * (budget, forced submits and the interface gap's blur included), by backward induction on the joint state: no
 * sampling noise, so differences between seeds are training variability only.
 */
export function exactGreedyValue(
  config: SyntheticConfig,
  heads: Readonly<Record<string, HandoffHead>>,
  view: SyntheticView = 'interface',
): number {
  const model = syntheticModel(config);
  return exactReturn(model, greedyPolicy(model, heads, view));
}

/** The best return any policy can get under the runtime's budget: the ceiling of every normalized score. */
export function syntheticOptimum(config: SyntheticConfig): number {
  return exactReturn(syntheticModel(config), 'optimal');
}

/** The exact return of uniformly random legal actions: the floor (0) of every normalized score. */
export function syntheticRandomReturn(config: SyntheticConfig): number {
  return exactReturn(syntheticModel(config), uniformPolicy);
}

import { SUBMIT, type Action, type Rng, type Workflow } from '@baton/core';
import type { FeatureSpec } from '../encoder.ts';
import type { EpochModel, SyntheticView } from '../exact.ts';
import { AGENTS, checkSyntheticConfig, DEFAULT_SYNTHETIC, type SyntheticConfig } from './dynamics.ts';
import { syntheticModel } from './evaluate.ts';
import { agentActions, agentFeatures, candidatePipelines, DEFAULT_PIPELINE, type Pipeline } from './agents.ts';
import {
  DEFAULT_RELAY,
  checkRelayConfig,
  relayAgent,
  relayAgents,
  relayInput,
  relayRoutes,
  relayWorkflow,
  type RelayConfig,
} from './relay.ts';
import { relayModel } from './relay-model.ts';
import { syntheticInput, syntheticWorkflow } from './workflow.ts';

/** Which synthetic environment an experiment runs, as plain data (it crosses to worker threads). */
export type EnvironmentSpec =
  { readonly kind: 'synthetic'; readonly config: SyntheticConfig } | { readonly kind: 'relay'; readonly config: RelayConfig };

export const DEFAULT_ENVIRONMENT: EnvironmentSpec = { kind: 'synthetic', config: DEFAULT_SYNTHETIC };

/** Everything the experiment needs from an environment: its workflow, its exact model and its heads' shapes. */
export interface Environment {
  readonly spec: EnvironmentSpec;
  readonly agents: readonly string[];
  readonly entry: string;
  /** The exact model at the decision epochs (optimum, random and every greedy policy are scored on it). */
  readonly model: EpochModel;
  /** A fresh workflow; `seed` feeds whatever randomness is the workflow's own (the relay's noisy grader). */
  workflow(view: SyntheticView, seed: number): Workflow<unknown>;
  readonly input: (rng: Rng) => unknown;
  /** The option set and feature encoding of one agent's neural head. */
  neural(agent: string): { readonly actions: readonly Action[]; readonly features: readonly FeatureSpec[] };
  /** The fixed pipelines the baseline search considers, and the one to use without a search. */
  pipelines(): Pipeline[];
  readonly defaultPipeline: Pipeline;
}

/** The relay's fixed route through worker `w` at every stage. */
function relayRoute(config: RelayConfig, w: number): Pipeline {
  return Array.from({ length: config.stages }, (_, j) => [relayAgent(j, w), 1] as const);
}

export function environmentOf(spec: EnvironmentSpec): Environment {
  if (spec.kind === 'synthetic') {
    const config = checkSyntheticConfig(spec.config);
    return {
      spec,
      agents: AGENTS,
      entry: 'drafter',
      model: syntheticModel(config),
      workflow: (view) => syntheticWorkflow(config, view) as Workflow<unknown>,
      input: syntheticInput,
      neural: (agent) => ({ actions: agentActions(agent), features: agentFeatures(agent) }),
      pipelines: candidatePipelines,
      defaultPipeline: DEFAULT_PIPELINE,
    };
  }
  const config = checkRelayConfig({ ...DEFAULT_RELAY, ...spec.config });
  const agents = relayAgents(config);
  const stageOf = (agent: string) => Math.ceil(agents.indexOf(agent) / 2);
  return {
    spec,
    agents,
    entry: agents[0] as string,
    model: relayModel(config),
    workflow: (view, seed) => relayWorkflow(config, view, seed) as Workflow<unknown>,
    input: (rng) => relayInput(config, rng),
    neural: (agent) => ({
      actions: [...relayRoutes(config, stageOf(agent)), SUBMIT],
      features: [
        { key: 'type', from: 'projection' },
        { key: 'intact', from: 'projection' },
      ],
    }),
    // A fixed route: always the `a` agents, or always the `b` agents (the best of the two, whatever the type).
    pipelines: () => [0, 1].map((w) => relayRoute(config, w)),
    defaultPipeline: relayRoute(config, 0),
  };
}

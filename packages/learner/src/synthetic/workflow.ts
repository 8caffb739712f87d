import { z } from 'zod';
import { defineWorkflow, type AgentInterface, type AgentOption, type Rng, type Workflow } from '@baton/core';
import {
  AGENTS,
  canSubmit,
  checkSyntheticConfig,
  DEFAULT_SYNTHETIC,
  durationDistribution,
  KINDS,
  MAX_FATIGUE,
  projectionDistribution,
  SUCCESSORS,
  terminalReward,
  TRANSFER_TIME,
  workCost,
  workOutcomes,
  type SyntheticAgent,
  type SyntheticConfig,
  type SyntheticState,
} from './dynamics.ts';
import type { SyntheticView } from '../exact.ts';

export const syntheticArtifact = z.object({
  kind: z
    .number()
    .int()
    .min(0)
    .max(KINDS - 1),
  progress: z.number().int().min(0),
  flaw: z.union([z.literal(0), z.literal(1)]),
});
export type SyntheticArtifact = z.infer<typeof syntheticArtifact>;

const fatigueOf = (consecutiveWork: number): number => Math.min(consecutiveWork, MAX_FATIGUE);

function projection(agent: SyntheticAgent, view: SyntheticView, config: SyntheticConfig): AgentInterface<SyntheticArtifact> {
  const privateState = (local: { consecutiveWork: number }) => ({ fatigue: fatigueOf(local.consecutiveWork) });
  if (view === 'joint') {
    const holder = AGENTS.indexOf(agent);
    return {
      projectionKeys: ['holder', 'kind', 'progress', 'flaw'],
      privateKeys: ['fatigue'],
      project: (a) => ({ holder, kind: a.value.kind, progress: a.value.progress, flaw: a.value.flaw }),
      privateState,
    };
  }
  return {
    projectionKeys: agent === 'checker' ? ['progress', 'flaw'] : ['kind', 'progress'],
    privateKeys: ['fatigue'],
    project: (a, rand) => {
      const options = projectionDistribution(config, agent, a.value);
      if (options.length === 1) return (options[0] as { projection: Record<string, number> }).projection;
      let u = rand();
      for (const o of options) if ((u -= o.p) < 0) return o.projection;
      return (options[options.length - 1] as { projection: Record<string, number> }).projection;
    },
    privateState,
  };
}

function sample<T extends { p: number }>(items: readonly T[], rng: Rng): T {
  return items[rng.weighted(items.map((i) => i.p))] as T;
}

function option(agent: SyntheticAgent, view: SyntheticView, config: SyntheticConfig): AgentOption<SyntheticArtifact> {
  const durations = durationDistribution(config, agent);
  return {
    id: agent,
    interface: projection(agent, view, config),
    canSubmit: canSubmit(agent),
    work(artifact, ctx) {
      const s: SyntheticState = artifact.value;
      const outcome = sample(workOutcomes(config, agent, s, ctx.local.consecutiveWork), ctx.rng);
      const { tau } = sample(durations, ctx.rng);
      const changed = outcome.progress !== s.progress || outcome.flaw !== s.flaw;
      return {
        ...(changed ? { value: { kind: s.kind, progress: outcome.progress, flaw: outcome.flaw } } : {}),
        reward: workCost(agent),
        duration: tau,
      };
    },
  };
}

/** The synthetic workflow: same dynamics for every view; only what the heads see differs. */
export function syntheticWorkflow(
  config: SyntheticConfig = DEFAULT_SYNTHETIC,
  view: SyntheticView = 'interface',
): Workflow<SyntheticArtifact> {
  checkSyntheticConfig(config);
  return defineWorkflow<SyntheticArtifact>({
    name: view === 'joint' ? 'synthetic-joint' : 'synthetic',
    artifact: syntheticArtifact,
    agents: AGENTS.map((a) => option(a, view, config)),
    entry: 'drafter',
    successors: SUCCESSORS,
    grader: (a) => terminalReward(a.value),
    budget: { maxSteps: 40, maxHandoffs: 16 },
    discount: config.discount,
    transferTime: TRANSFER_TIME,
  });
}

/** The first artifact of an episode: a uniformly random kind, nothing done yet. */
export function syntheticInput(rng: Rng): SyntheticArtifact {
  return { kind: rng.int(KINDS), progress: 0, flaw: 0 };
}

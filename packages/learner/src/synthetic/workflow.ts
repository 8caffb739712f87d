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
  // The distribution of what this agent sees depends on (kind, progress, flaw) only: built once per state, shared.
  const seen = memoByState((s: SyntheticState) => frozenProjections(projectionDistribution(config, agent, s)));
  return {
    projectionKeys: agent === 'checker' ? ['progress', 'flaw'] : ['kind', 'progress'],
    privateKeys: ['fatigue'],
    project: (a, rand) => {
      const options = seen(stateIndex(a.value, 0), a.value);
      if (options.length === 1) return (options[0] as { projection: Record<string, number> }).projection;
      let u = rand();
      for (const o of options) if ((u -= o.p) < 0) return o.projection;
      return (options[options.length - 1] as { projection: Record<string, number> }).projection;
    },
    privateState,
  };
}

function frozenProjections<T extends { projection: Record<string, number> }>(options: T[]): T[] {
  for (const o of options) Object.freeze(o.projection);
  return options;
}

/** A distribution as the simulator samples it: its items and their weights (for Rng.weighted). */
interface Sampler<T> {
  readonly items: readonly T[];
  readonly weights: readonly number[];
}

function samplerOf<T extends { p: number }>(items: readonly T[]): Sampler<T> {
  return { items, weights: items.map((i) => i.p) };
}

function sample<T>(sampler: Sampler<T>, rng: Rng): T {
  return sampler.items[rng.weighted(sampler.weights)] as T;
}

/**
 * A distinct small integer per (kind, progress, flaw, fatigue): the synthetic state space is tiny, so the simulator
 * builds each state's distributions once instead of at every unit of work (the same numbers, the same draws).
 */
function stateIndex(s: SyntheticState, fatigue: number): number {
  return s.progress * (2 * KINDS * (MAX_FATIGUE + 1)) + (fatigue * 2 + s.flaw) * KINDS + s.kind;
}

const MEMO_LIMIT = 4096;

function memoByState<V>(build: (s: SyntheticState, fatigue: number) => V): (index: number, s: SyntheticState, fatigue?: number) => V {
  const built = new Map<number, V>();
  return (index, s, fatigue = 0) => {
    let value = built.get(index);
    if (value === undefined) {
      value = build(s, fatigue);
      if (built.size < MEMO_LIMIT) built.set(index, value);
    }
    return value;
  };
}

function option(agent: SyntheticAgent, view: SyntheticView, config: SyntheticConfig): AgentOption<SyntheticArtifact> {
  const durations = samplerOf(durationDistribution(config, agent));
  const outcomes = memoByState((s, fatigue) => samplerOf(workOutcomes(config, agent, s, fatigue)));
  const reward = workCost(agent);
  return {
    id: agent,
    interface: projection(agent, view, config),
    canSubmit: canSubmit(agent),
    work(artifact, ctx) {
      const s: SyntheticState = artifact.value;
      const fatigue = Math.min(ctx.local.consecutiveWork, MAX_FATIGUE);
      const outcome = sample(outcomes(stateIndex(s, fatigue), s, fatigue), ctx.rng);
      const { tau } = sample(durations, ctx.rng);
      const changed = outcome.progress !== s.progress || outcome.flaw !== s.flaw;
      return changed
        ? { value: { kind: s.kind, progress: outcome.progress, flaw: outcome.flaw }, reward, duration: tau }
        : { reward, duration: tau };
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

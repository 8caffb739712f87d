import { z } from 'zod';
import { defineWorkflow, handoff, Rng, UserError, type Action, type AgentOption, type Workflow } from '@baton/core';
import type { SyntheticView } from '../exact.ts';

/**
 * The relay: an artifact of `stages` parts passes down a chain, one part per stage. Stage 1 has one agent; every
 * later stage has two (`a`, `b`), each good at one artifact type (it completes its part with probability
 * `skilled`) and poor at the other (`unskilled`). Every agent works once, then routes the artifact to one of the
 * next stage's two agents; the last stage submits. The grader pays 1 only if every part is done - and reports it
 * with noise (R plus or minus `noise`, a fair coin, so its mean is R). No reward arrives before the end, so what
 * a route was worth reaches the router only through the handoffs after it: the chain knob lengthens that path.
 *
 * Each agent sees the artifact's `type` and whether it is still `intact` (every part so far done), not which part
 * failed nor any other agent's state; the centralized learner sees every part and who holds the artifact.
 */
export interface RelayConfig {
  /** Parts, and stages, in the chain: 2..MAX_STAGES (the chain knob). */
  readonly stages: number;
  /** Half-spread of the grader's noise: it reports R + noise or R - noise with equal chance. */
  readonly noise: number;
  /** P(an agent completes its part) on the type it is good at (stage 1 always works at this rate). */
  readonly skilled: number;
  /** ... and on the other type. */
  readonly unskilled: number;
  /** Price of one unit of work. */
  readonly cost: number;
  /** gamma per unit of duration (work and handoffs take 1 each). */
  readonly discount: number;
}

export const DEFAULT_RELAY: RelayConfig = { stages: 4, noise: 0.5, skilled: 0.9, unskilled: 0.6, cost: 0.01, discount: 0.99 };
/** The exact model has 2^(stages + 3) - 12 joint states; past this the tables stop being small. */
export const MAX_STAGES = 10;

export function checkRelayConfig(config: RelayConfig): RelayConfig {
  if (!(Number.isInteger(config.stages) && config.stages >= 2 && config.stages <= MAX_STAGES))
    throw new UserError(`must be an integer in [2, ${MAX_STAGES}], got ${config.stages}`, { field: 'stages' });
  if (!(config.noise >= 0)) throw new UserError(`must be >= 0, got ${config.noise}`, { field: 'noise' });
  for (const key of ['skilled', 'unskilled'] as const)
    if (!(config[key] >= 0 && config[key] <= 1)) throw new UserError(`must be in [0, 1], got ${config[key]}`, { field: key });
  if (!(config.cost >= 0)) throw new UserError(`must be >= 0, got ${config.cost}`, { field: 'cost' });
  if (!(config.discount > 0 && config.discount < 1))
    throw new UserError(`must be in (0, 1), got ${config.discount}`, { field: 'discount' });
  return config;
}

/** Agent ids: `stage1`, then `stage2a`, `stage2b`, ... (stage index from 0, worker 0 = a, 1 = b). */
export const relayAgent = (stage: number, worker: number): string => (stage === 0 ? 'stage1' : `stage${stage + 1}${worker ? 'b' : 'a'}`);

export function relayAgents(config: RelayConfig): string[] {
  const out = [relayAgent(0, 0)];
  for (let j = 1; j < config.stages; j++) out.push(relayAgent(j, 0), relayAgent(j, 1));
  return out;
}

/** P(the agent completes its part) on an artifact of `type`. */
export function relaySuccess(config: RelayConfig, stage: number, worker: number, type: number): number {
  return stage === 0 || worker === type ? config.skilled : config.unskilled;
}

/** Exactly one unit of work per stage; the spare unit keeps the budget from ever forcing the submit. */
export function relayBudget(config: RelayConfig): { maxSteps: number; maxHandoffs: number } {
  return { maxSteps: config.stages + 1, maxHandoffs: config.stages };
}

/** `done` holds one bit per part (bit k set: part k + 1 is done), which keeps hashing each version cheap. */
export const relayArtifact = z.object({
  type: z.union([z.literal(0), z.literal(1)]),
  done: z.number().int().min(0),
});
export type RelayArtifact = z.infer<typeof relayArtifact>;

/** What the holder at `stage` sees of the artifact (its interface), or all of it (the joint view). */
export function relayProjection(
  view: SyntheticView,
  holder: number,
  stage: number,
  parts: number,
  a: RelayArtifact,
): Record<string, number> {
  if (view === 'joint') {
    const projection: Record<string, number> = { holder, type: a.type };
    for (let k = 0; k < parts; k++) projection[`part${k + 1}`] = (a.done >> k) & 1;
    return projection;
  }
  const upTo = 2 ** (stage + 1) - 1;
  return { type: a.type, intact: (a.done & upTo) === upTo ? 1 : 0 };
}

function agent(config: RelayConfig, view: SyntheticView, stage: number, worker: number, holder: number): AgentOption<RelayArtifact> {
  const last = stage === config.stages - 1;
  const keys =
    view === 'joint' ? ['holder', 'type', ...Array.from({ length: config.stages }, (_, k) => `part${k + 1}`)] : ['type', 'intact'];
  return {
    id: relayAgent(stage, worker),
    interface: { projectionKeys: keys, project: (a) => relayProjection(view, holder, stage, config.stages, a.value) },
    canSubmit: last,
    canContinue: false,
    work(artifact, ctx) {
      const { type, done } = artifact.value;
      const completes = ctx.rng.next() < relaySuccess(config, stage, worker, type);
      return {
        ...(completes ? { value: { type, done: done | (1 << stage) } } : {}),
        reward: -config.cost,
        duration: 1,
      };
    },
  };
}

/**
 * The relay as a workflow. The grader's noise comes from its own stream (`graderSeed`), so runs are repeatable and
 * no agent - not even the centralized learner - can see the coin.
 */
export function relayWorkflow(config: RelayConfig, view: SyntheticView = 'interface', graderSeed = 1): Workflow<RelayArtifact> {
  checkRelayConfig(config);
  const ids = relayAgents(config);
  const coin = new Rng(graderSeed);
  const next = (stage: number) => (stage + 1 < config.stages ? [relayAgent(stage + 1, 0), relayAgent(stage + 1, 1)] : []);
  return defineWorkflow<RelayArtifact>({
    name: view === 'joint' ? 'relay-joint' : 'relay',
    artifact: relayArtifact,
    agents: ids.map((_, i) => {
      const stage = Math.ceil(i / 2);
      return agent(config, view, stage, stage === 0 ? 0 : (i - 1) % 2, i);
    }),
    entry: relayAgent(0, 0),
    successors: Object.fromEntries(ids.map((id, i) => [id, next(Math.ceil(i / 2))])),
    grader: (a) => (a.value.done === 2 ** config.stages - 1 ? 1 : 0) + (coin.next() < 0.5 ? config.noise : -config.noise),
    budget: relayBudget(config),
    discount: config.discount,
    transferTime: 1,
  });
}

/** The first artifact of a relay episode: a random type, nothing done. */
export function relayInput(config: RelayConfig, rng: Rng): RelayArtifact {
  return { type: rng.next() < 0.5 ? 0 : 1, done: 0 };
}

/** The successors of the agent at `stage` (for option sets). */
export function relayRoutes(config: RelayConfig, stage: number): Action[] {
  return stage + 1 < config.stages ? [handoff(relayAgent(stage + 1, 0)), handoff(relayAgent(stage + 1, 1))] : [];
}

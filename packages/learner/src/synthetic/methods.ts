import { CONTINUE, SUBMIT, handoff, type Action, type DecisionOutcome, type HandoffHead } from '@baton/core';
import { IndependentMcHead, RandomHead, UcbBanditHead, fixedPipelineHeads } from '../baselines.ts';
import type { FeatureSpec } from '../encoder.ts';
import type { Exploration } from '../exploration.ts';
import { NeuralIcqHead, type NeuralIcqConfig } from '../neural.ts';
import { TabularIcqHead } from '../tabular.ts';
import { AGENTS, KINDS, LEVELS, MAX_FATIGUE, SUCCESSORS, type SyntheticAgent } from './dynamics.ts';
import type { SyntheticView } from './workflow.ts';

export const METHOD_NAMES = [
  'icq-tabular',
  'icq-neural',
  'centralized-oracle',
  'independent-mc',
  'ucb-bandit',
  'fixed-pipeline',
  'random',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** Exploration used by every learning method in the experiment, so they differ only in what they learn from. */
export const EXPERIMENT_EXPLORATION: Exploration = { type: 'epsilon', start: 0.3, end: 0.02, halfLife: 400 };
/**
 * Neural IC-Q settings for the experiment: no replay (a replayed handoff scalar is the receiver's stale estimate;
 * measured 0.90 with replay vs 0.95 without, 2 seeds x 2,500 episodes), one Adam step per 8 fresh transitions.
 */
export const NEURAL_SETTINGS: Partial<NeuralIcqConfig> = { replay: false, trainEvery: 8, learningRate: 0.005 };
/** Optimistic initial values (R_max = 1) for the table-based learners. */
const OPTIMISTIC = 1;

/** O_i. Submit is in every agent's set: an exhausted budget forces it even on agents that may not choose it. */
export function agentActions(agent: SyntheticAgent): Action[] {
  return [CONTINUE, ...SUCCESSORS[agent].map(handoff), SUBMIT];
}

export function agentFeatures(agent: SyntheticAgent): FeatureSpec[] {
  const fatigue: FeatureSpec = { key: 'fatigue', from: 'private', oneHot: MAX_FATIGUE + 1 };
  const progress: FeatureSpec = { key: 'progress', from: 'projection', oneHot: LEVELS + 1 };
  if (agent === 'checker') return [progress, { key: 'flaw', from: 'projection' }, fatigue];
  return [{ key: 'kind', from: 'projection', oneHot: KINDS }, progress, fatigue];
}

/** The best fixed pipeline found by search on the default setting (see `searchFixedPipeline`). */
export const DEFAULT_PIPELINE: readonly (readonly [SyntheticAgent, number])[] = [
  ['drafter', 4],
  ['checker', 1],
];

/**
 * One central learner that sees the joint state: SMDP Q-learning on (holder, whole artifact, fatigue) with one table
 * shared by all agents. Each agent's head is a view on it; the schedule advances once per episode.
 */
function centralizedHeads(): Record<string, HandoffHead> {
  const central = new TabularIcqHead({ exploration: EXPERIMENT_EXPLORATION, initialQ: OPTIMISTIC });
  const heads: Record<string, HandoffHead> = {};
  for (const agent of AGENTS) {
    heads[agent] = {
      kind: 'centralized-oracle',
      decide: (view, legal, ctx) => central.decide(view, legal, ctx),
      value: (view, legal) => central.value(view, legal),
      learn: (t) => central.learn(t),
      // Every agent reports its decisions; the shared schedule counts the episode once (on the checker, who submits).
      endEpisode: (outcomes: readonly DecisionOutcome[]) => (agent === 'checker' ? central.endEpisode(outcomes) : undefined),
      toJSON: () => central.toJSON(),
    };
  }
  return heads;
}

export interface MethodHeads {
  readonly heads: Record<string, HandoffHead>;
  readonly view: SyntheticView;
  readonly learns: boolean;
}

/** Fresh heads for `method`. Neural heads need the tfjs backend: `await ensureTfBackend()` first. */
export function methodHeads(
  method: MethodName,
  seed: number,
  options: { width?: number; pipeline?: readonly (readonly [string, number])[]; neural?: Partial<NeuralIcqConfig> } = {},
): MethodHeads {
  const each = (make: (agent: SyntheticAgent, i: number) => HandoffHead) => Object.fromEntries(AGENTS.map((a, i) => [a, make(a, i)]));
  switch (method) {
    case 'icq-tabular':
      return {
        heads: each(() => new TabularIcqHead({ exploration: EXPERIMENT_EXPLORATION, initialQ: OPTIMISTIC })),
        view: 'interface',
        learns: true,
      };
    case 'icq-neural':
      return {
        heads: each(
          (agent, i) =>
            new NeuralIcqHead({
              actions: agentActions(agent),
              features: agentFeatures(agent),
              hidden: [options.width ?? 32],
              seed: seed * 31 + i,
              exploration: EXPERIMENT_EXPLORATION,
              initialQ: OPTIMISTIC,
              ...NEURAL_SETTINGS,
              ...options.neural,
            }),
        ),
        view: 'interface',
        learns: true,
      };
    case 'centralized-oracle':
      return { heads: centralizedHeads(), view: 'joint', learns: true };
    case 'independent-mc':
      return {
        heads: each(() => new IndependentMcHead({ exploration: EXPERIMENT_EXPLORATION, initialQ: OPTIMISTIC })),
        view: 'interface',
        learns: true,
      };
    case 'ucb-bandit':
      return { heads: each(() => new UcbBanditHead()), view: 'interface', learns: true };
    case 'fixed-pipeline':
      return { heads: fixedPipelineHeads(options.pipeline ?? DEFAULT_PIPELINE, AGENTS), view: 'interface', learns: false };
    case 'random':
      return { heads: each(() => new RandomHead()), view: 'interface', learns: false };
  }
}

/** Every fixed pipeline the search considers: drafter first, checker last, 1..4 units per stage. */
export function candidatePipelines(): (readonly [SyntheticAgent, number])[][] {
  const out: (readonly [SyntheticAgent, number])[][] = [];
  for (let a = 1; a <= 4; a++) {
    for (let c = 1; c <= 2; c++) {
      out.push([
        ['drafter', a],
        ['checker', c],
      ]);
      for (let s = 1; s <= 4; s++)
        out.push([
          ['drafter', a],
          ['solver', s],
          ['checker', c],
        ]);
    }
  }
  return out;
}

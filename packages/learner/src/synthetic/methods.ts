import type { DecisionOutcome, HandoffHead } from '@baton/core';
import { IndependentMcHead, RandomHead, UcbBanditHead, fixedPipelineHeads } from '../baselines.ts';
import type { SyntheticView } from '../exact.ts';
import type { Exploration } from '../exploration.ts';
import { NeuralIcqHead, type NeuralIcqConfig } from '../neural.ts';
import { TabularIcqHead } from '../tabular.ts';
import type { Pipeline } from './agents.ts';
import { DEFAULT_ENVIRONMENT, environmentOf, type Environment } from './environment.ts';

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

/** One line per method, for tables that a newcomer reads. */
export const METHOD_DESCRIPTIONS: Record<MethodName, string> = {
  'icq-tabular': 'IC-Q, one table per agent over its own interface; learns from the one scalar its receiver sends back',
  'icq-neural': 'IC-Q with a small MLP per agent (tfjs), same targets',
  'centralized-oracle':
    'one SMDP Q-learner over the whole artifact and every private state (not decentralized; its larger table can learn slower than IC-Q)',
  'independent-mc': 'no-scalar independent learners: each agent learns from the Monte Carlo return of the episode',
  'ucb-bandit': 'UCB1 bandit per interface signature, rewarded with the return-to-go (AgensFlow-style)',
  'fixed-pipeline': 'the best fixed pipeline (each agent works k units, then passes on), chosen by a search',
  random: 'uniformly random legal actions (the floor: normalized 0)',
};

/** Exploration used by every learning method in the experiment, so they differ only in what they learn from. */
export const EXPERIMENT_EXPLORATION: Exploration = { type: 'epsilon', start: 0.3, end: 0.02, halfLife: 400 };
/**
 * Neural IC-Q settings for the experiment: no replay, one Adam step per 8 fresh transitions. Measured on the default
 * synthetic IC-SMDP (5 seeds x 3,000 episodes, issue 14): 0.940 ± 0.023 without replay; 0.856 ± 0.042 with replay
 * recomputing continue targets from their ingredients; 0.880 ± 0.038 with replay of stored targets. A replayed
 * handoff scalar stays the receiver's old estimate either way (ICQ.md), and here replay costs more than it gives.
 */
export const NEURAL_SETTINGS: Partial<NeuralIcqConfig> = { replay: false, trainEvery: 8, learningRate: 0.005 };
/** Optimistic initial values (R_max = 1) for the table-based learners. */
const OPTIMISTIC = 1;

/**
 * One central learner that sees the joint state: SMDP Q-learning on (holder, whole artifact, private state) with
 * one table shared by all agents. Each agent's head is a view on it; the schedule advances once per episode (on the
 * entry agent, which decides in every episode).
 */
function centralizedHeads(agents: readonly string[], entry: string): Record<string, HandoffHead> {
  const central = new TabularIcqHead({ exploration: EXPERIMENT_EXPLORATION, initialQ: OPTIMISTIC });
  const heads: Record<string, HandoffHead> = {};
  for (const agent of agents) {
    heads[agent] = {
      kind: 'centralized-oracle',
      decide: (view, legal, ctx) => central.decide(view, legal, ctx),
      value: (view, legal) => central.value(view, legal),
      learn: (t) => central.learn(t),
      endEpisode: (outcomes: readonly DecisionOutcome[]) => (agent === entry ? central.endEpisode(outcomes) : undefined),
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

export interface MethodOptions {
  /** Hidden width of the neural heads. */
  readonly width?: number;
  readonly pipeline?: Pipeline;
  readonly neural?: Partial<NeuralIcqConfig>;
}

/** Fresh heads for `method` on `env`. Neural heads need the tfjs backend: `await ensureTfBackend()` first. */
export function environmentHeads(env: Environment, method: MethodName, seed: number, options: MethodOptions = {}): MethodHeads {
  const each = (make: (agent: string, i: number) => HandoffHead) => Object.fromEntries(env.agents.map((a, i) => [a, make(a, i)]));
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
              ...env.neural(agent),
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
      return { heads: centralizedHeads(env.agents, env.entry), view: 'joint', learns: true };
    case 'independent-mc':
      return {
        heads: each(() => new IndependentMcHead({ exploration: EXPERIMENT_EXPLORATION, initialQ: OPTIMISTIC })),
        view: 'interface',
        learns: true,
      };
    case 'ucb-bandit':
      return { heads: each(() => new UcbBanditHead()), view: 'interface', learns: true };
    case 'fixed-pipeline':
      return { heads: fixedPipelineHeads(options.pipeline ?? env.defaultPipeline, env.agents), view: 'interface', learns: false };
    case 'random':
      return { heads: each(() => new RandomHead()), view: 'interface', learns: false };
  }
}

/** Fresh heads for `method` on the default synthetic IC-SMDP (three agents). */
export function methodHeads(method: MethodName, seed: number, options: MethodOptions = {}): MethodHeads {
  return environmentHeads(environmentOf(DEFAULT_ENVIRONMENT), method, seed, options);
}

import { InProcessRuntime, type BatonEvent } from '@baton/core';
import {
  CHAIN_NOISE,
  DEFAULT_RELAY,
  environmentHeads,
  environmentOf,
  exactReturn,
  greedyPolicy,
  KNOBS,
  MAX_STAGES,
  uniformPolicy,
  type MethodName,
} from '@baton/learner';
import type { Learner, PlaygroundWorkflow } from './workflows.ts';

const CHAIN = KNOBS.chain;
/** The widest relay the live graph can draw legibly (2 agents a stage after the first). */
const MAX_SHOWN_STAGES = Math.min(MAX_STAGES, 8);

/** The agents of a relay of `stages`, in order, with whom each may hand to (the next stage's two agents). */
function relayGraph(stages: number): { id: string; successors: string[] }[] {
  const stage = (j: number) => (j === 0 ? ['stage1'] : [`stage${j + 1}a`, `stage${j + 1}b`]);
  return Array.from({ length: stages }, (_, j) => stage(j).map((id) => ({ id, successors: j + 1 < stages ? stage(j + 1) : [] }))).flat();
}

/**
 * The relay of `baton bench synthetic --knob chain` (issue 14): credit for a route must travel back through every
 * later handoff before a noisy all-or-nothing grade arrives. Its methods are the chain knob's: IC-Q (one returned
 * scalar per handoff), no-scalar Monte Carlo, UCB1 per signature, the centralized learner and random. Scored exactly
 * on the relay's model (random = 0, optimum = 1), so the curves show what the scalar buys as the chain grows.
 */
export const relayPlaygroundWorkflow: PlaygroundWorkflow = {
  info: {
    id: 'relay',
    title: 'Relay: credit across a chain of handoffs (chain knob)',
    description:
      'An artifact of N parts passes down N stages; each later stage has two agents, each good at one artifact type. ' +
      'Every agent routes to the next stage; only the end is graded, all or nothing, with noise. ' +
      'IC-Q learns each route from the one scalar the receiver returns; Monte Carlo only from the final grade. Scored exactly.',
    knobs: [
      {
        key: 'stages',
        label: 'stages (chain length)',
        min: 2,
        max: MAX_SHOWN_STAGES,
        step: 1,
        default: DEFAULT_RELAY.stages,
        help: 'handoffs the credit for a route must travel back before the grade arrives',
      },
      {
        key: 'noise',
        label: 'grader noise',
        min: 0,
        max: 2,
        step: 0.25,
        default: CHAIN_NOISE,
        help: 'the grade is reported as R plus or minus this, by a fair coin (its mean is R)',
      },
    ],
    methods: CHAIN.methods,
    defaultMethods: CHAIN.methods,
    agents: relayGraph(DEFAULT_RELAY.stages),
    scoreLabel: 'normalized exact return of the greedy policy',
  },
  async open(knobs) {
    const stages = Math.round(knobs['stages'] ?? DEFAULT_RELAY.stages);
    const env = environmentOf({ kind: 'relay', config: { ...DEFAULT_RELAY, stages, noise: knobs['noise'] ?? CHAIN_NOISE } });
    const optimum = exactReturn(env.model, 'optimal');
    const random = exactReturn(env.model, uniformPolicy);
    const normalize = (r: number) => (r - random) / (optimum - random);
    return {
      agents: relayGraph(stages),
      async createLearner(method, seed): Promise<Learner> {
        if (!(CHAIN.methods as readonly string[]).includes(method)) throw new Error(`unknown method ${method}`);
        const { heads, view, learns } = environmentHeads(env, method as MethodName, seed);
        // Two runtimes over the same heads: events are only built for the episodes someone is watching.
        let tap: ((event: BatonEvent) => void | Promise<void>) | undefined;
        const workflow = env.workflow(view, seed);
        const quiet = new InProcessRuntime({ workflow, heads });
        const watched = new InProcessRuntime({ workflow, heads, sinks: [(e) => tap?.(e)] });
        return {
          learns,
          heads,
          async runEpisode(episodeSeed, rng, t) {
            tap = t;
            try {
              await (t ? watched : quiet).runEpisode({ seed: episodeSeed, input: env.input(rng), learn: learns });
            } finally {
              tap = undefined;
            }
          },
          // Random picks uniformly, which is the 0 of the scale; every other method is scored by its greedy policy.
          score: async () => (method === 'random' ? 0 : normalize(exactReturn(env.model, greedyPolicy(env.model, heads, view)))),
          dispose: () => {
            for (const head of Object.values(heads)) (head as { dispose?: () => void }).dispose?.();
          },
        };
      },
    };
  },
};

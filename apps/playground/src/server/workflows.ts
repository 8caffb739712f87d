import { InProcessRuntime, type BatonEvent, type HandoffHead, type Rng } from '@baton/core';
import { mathPlaygroundWorkflow } from './math-workflow.ts';
import { relayPlaygroundWorkflow } from './relay-workflow.ts';
import {
  DEFAULT_SYNTHETIC,
  ensureTfBackend,
  evaluateEpisodes,
  exactGreedyValue,
  METHOD_NAMES,
  methodHeads,
  syntheticInput,
  syntheticWorkflow,
  valueIteration,
  type MethodName,
  type SyntheticConfig,
} from '@baton/learner';

/** A numeric setting of a workflow, rendered as a slider. */
export interface KnobSpec {
  readonly key: string;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly default: number;
  readonly help: string;
}

/** What the browser is told about a workflow: descriptive data only, never keys or model credentials. */
export interface WorkflowInfo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly knobs: readonly KnobSpec[];
  readonly methods: readonly string[];
  readonly defaultMethods: readonly string[];
  readonly agents: readonly { readonly id: string; readonly successors: readonly string[] }[];
  /** Why the workflow cannot be trained here (e.g. its data is missing); absent when it can. */
  readonly unavailable?: string;
  /** What the curves' y axis shows (default: normalized return). */
  readonly scoreLabel?: string;
}

/** A checkpoint's score, with extra per-method figures (e.g. accuracy, share of prompts reaching the strong model). */
export interface Evaluation {
  readonly score: number;
  readonly extras: Readonly<Record<string, number>>;
}

/** One method on one seed: trains episode by episode and can be scored at any checkpoint. */
export interface Learner {
  readonly learns: boolean;
  /** The heads deciding in this learner's episodes, by agent: the live view explains watched decisions with them. */
  readonly heads?: Readonly<Record<string, HandoffHead>>;
  /** One training episode; `tap` sees its events when given. */
  runEpisode(seed: number, rng: Rng, tap?: (event: BatonEvent) => void | Promise<void>): Promise<void>;
  /** The current policy's normalized return (random = 0, optimum = 1). */
  score(): Promise<number>;
  /** When given, used at checkpoints instead of `score`: the score plus extra figures shown beside the curves. */
  evaluate?(): Promise<Evaluation>;
  dispose(): void;
}

/** A workflow opened with concrete knob values. */
export interface WorkflowSession {
  createLearner(method: string, seed: number): Promise<Learner>;
  /** The agents at these knob values, when they differ from `WorkflowInfo.agents` (a relay's length is a knob). */
  readonly agents?: WorkflowInfo['agents'];
}

/** A workflow the playground can train. Register more in `defaultWorkflows` (e.g. the math workflow on recorded outputs). */
export interface PlaygroundWorkflow {
  readonly info: WorkflowInfo;
  open(knobs: Readonly<Record<string, number>>): Promise<WorkflowSession>;
}

const EVAL_SEED = 7_777;

/** The synthetic IC-SMDP from @baton/learner: exact optimum by value iteration, exact scoring of greedy policies. */
export const syntheticPlaygroundWorkflow: PlaygroundWorkflow = {
  info: {
    id: 'synthetic',
    title: 'Synthetic IC-SMDP (drafter, solver, checker)',
    description:
      'Three agents pass an artifact with hidden parts; random work durations. Scored exactly against the value-iteration optimum.',
    knobs: [
      {
        key: 'interfaceGap',
        label: 'interface gap',
        min: 0,
        max: 1,
        step: 0.05,
        default: DEFAULT_SYNTHETIC.interfaceGap,
        help: 'how much of the artifact the agents cannot see',
      },
      {
        key: 'mixing',
        label: 'mixing',
        min: 0,
        max: 1,
        step: 0.05,
        default: DEFAULT_SYNTHETIC.mixing,
        help: 'heavier duration tails and more stalled work',
      },
    ],
    methods: METHOD_NAMES,
    defaultMethods: ['icq-tabular', 'independent-mc', 'ucb-bandit', 'fixed-pipeline', 'random'],
    agents: [
      { id: 'drafter', successors: ['solver', 'checker'] },
      { id: 'solver', successors: ['checker', 'drafter'] },
      { id: 'checker', successors: ['drafter', 'solver'] },
    ],
  },
  async open(knobs) {
    const config: SyntheticConfig = {
      ...DEFAULT_SYNTHETIC,
      interfaceGap: knobs['interfaceGap'] ?? DEFAULT_SYNTHETIC.interfaceGap,
      mixing: knobs['mixing'] ?? DEFAULT_SYNTHETIC.mixing,
    };
    const optimum = valueIteration(config).startValue;
    const evaluate = async (heads: Record<string, HandoffHead>) => {
      const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(config), heads });
      return (await evaluateEpisodes(runtime, { episodes: 1500, seed: EVAL_SEED, input: syntheticInput })).meanReturn;
    };
    const randomReturn = await evaluate(methodHeads('random', 0).heads);
    const normalize = (r: number) => (r - randomReturn) / (optimum - randomReturn);
    return {
      async createLearner(method, seed) {
        if (!(METHOD_NAMES as readonly string[]).includes(method)) throw new Error(`unknown method ${method}`);
        if (method === 'icq-neural') await ensureTfBackend();
        const { heads, view, learns } = methodHeads(method as MethodName, seed);
        // Two runtimes over the same heads: events are only built for the episodes someone is watching.
        let tap: ((event: BatonEvent) => void | Promise<void>) | undefined;
        const workflow = syntheticWorkflow(config, view);
        const quiet = new InProcessRuntime({ workflow, heads });
        const watched = new InProcessRuntime({ workflow, heads, sinks: [(e) => tap?.(e)] });
        return {
          learns,
          heads,
          async runEpisode(episodeSeed, rng, t) {
            tap = t;
            try {
              await (t ? watched : quiet).runEpisode({ seed: episodeSeed, input: syntheticInput(rng), learn: learns });
            } finally {
              tap = undefined;
            }
          },
          score: async () =>
            normalize(learns ? exactGreedyValue(config, heads, view) : method === 'random' ? randomReturn : await evaluate(heads)),
          dispose: () => {
            for (const head of Object.values(heads)) (head as { dispose?: () => void }).dispose?.();
          },
        };
      },
    };
  },
};

export const defaultWorkflows: readonly PlaygroundWorkflow[] = [
  syntheticPlaygroundWorkflow,
  relayPlaygroundWorkflow,
  mathPlaygroundWorkflow(),
];

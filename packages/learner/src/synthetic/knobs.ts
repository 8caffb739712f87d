import { ci95, differenceCi95, mean } from '../stats.ts';
import { DEFAULT_SYNTHETIC } from './dynamics.ts';
import type { EnvironmentSpec } from './environment.ts';
import { runSyntheticExperiment, type ExperimentOptions, type ExperimentResult, type MethodResult } from './experiment.ts';
import type { MethodName } from './methods.ts';
import { runSyntheticExperimentInWorker, runSyntheticExperimentOnTwoThreads } from './parallel.ts';
import { DEFAULT_RELAY } from './relay.ts';

/**
 * The knobs of `baton bench synthetic`. width, interface and mixing each move one error source of ICQ.md's bound
 * (function approximation, interface gap, mixing-time residual) with the other two held at the default; chain
 * moves the relay's length, the distance the credit for a routing decision must travel.
 */
export type KnobName = 'width' | 'interface' | 'mixing' | 'chain';

export interface Knob {
  readonly values: readonly number[];
  readonly describe: string;
  /** The learners trained at each point: the first is the one whose error the point reports. */
  readonly methods: readonly MethodName[];
  /** The direction ICQ.md predicts for the reported method's error as the knob grows. */
  readonly predicted: 'grows' | 'shrinks';
  readonly episodes: number;
  /** Seeds per point unless told otherwise. */
  readonly seeds: number;
  environment(value: number, noise: number): EnvironmentSpec;
}

const synthetic = (config: Partial<typeof DEFAULT_SYNTHETIC> = {}): EnvironmentSpec => ({
  kind: 'synthetic',
  config: { ...DEFAULT_SYNTHETIC, ...config },
});

export const KNOBS: Record<KnobName, Knob> = {
  width: {
    // Below 4 the optimizer collapses (a dead ReLU, or a self-bootstrapped continue that never submits) to policies
    // worse than random: an optimization failure, not approximation error (measured: docs/decisions/0002).
    values: [4, 8, 16, 32],
    seeds: 5,
    describe: 'hidden width of the neural IC-Q heads (function approximation)',
    methods: ['icq-neural'],
    predicted: 'shrinks',
    episodes: 1500,
    environment: () => synthetic(),
  },
  interface: {
    values: [0, 0.25, 0.5, 1],
    seeds: 10,
    describe: 'probability that drafter/solver see a random artifact kind (interface gap)',
    methods: ['icq-tabular'],
    predicted: 'grows',
    episodes: 2000,
    environment: (value) => synthetic({ interfaceGap: value }),
  },
  mixing: {
    seeds: 5,
    values: [0, 0.3, 0.6, 0.9],
    describe: 'share of heavy-tailed work durations at the same E[gamma^tau] (mixing; the optimum does not move)',
    methods: ['icq-tabular'],
    predicted: 'grows',
    episodes: 2000,
    environment: (value) => synthetic({ mixing: value }),
  },
  chain: {
    seeds: 10,
    values: [2, 4, 6, 8],
    describe: 'stages of the relay: handoffs the credit for a route must travel before the noisy grade arrives',
    methods: ['icq-tabular', 'independent-mc', 'ucb-bandit', 'centralized-oracle', 'random'],
    predicted: 'grows',
    episodes: 3000,
    environment: (value, noise) => ({ kind: 'relay', config: { ...DEFAULT_RELAY, stages: value, noise } }),
  },
};

/** The relay's grader noise for the chain knob unless told otherwise. */
export const CHAIN_NOISE = 1;

export interface KnobOptions {
  readonly seeds?: number;
  readonly episodes?: number;
  /** The relay's grader noise (chain knob only). */
  readonly noise?: number;
  /** Use two threads (results are identical). */
  readonly threads?: 1 | 2;
  /** The knob's values to visit instead of its defaults. */
  readonly values?: readonly number[];
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface KnobPoint {
  readonly value: number;
  readonly optimumReturn: number;
  readonly randomReturn: number;
  /** Error of the first method: optimum return - its final return, mean over seeds, and the 95% CI. */
  readonly error: number;
  readonly ci95: number;
  /** Whether every seed's error lies in [0, optimum - random] (a real policy between the floor and the ceiling). */
  readonly withinSpan: boolean;
  /** The first method's error along training (the samples axis): checkpoint episode, mean error, 95% CI. */
  readonly samples: readonly { readonly episode: number; readonly error: number; readonly ci95: number }[];
  readonly methods: readonly MethodResult[];
}

export interface KnobComparison {
  readonly value: number;
  /** Difference of two methods' means (a - b) with a Welch 95% CI half-width, for final return and curve mean. */
  readonly final: { readonly difference: number; readonly ci95: number; readonly separated: boolean };
  readonly curve: { readonly difference: number; readonly ci95: number; readonly separated: boolean };
}

export interface KnobResult {
  readonly knob: KnobName;
  readonly describe: string;
  readonly seeds: number;
  readonly episodes: number;
  readonly noise: number | null;
  readonly points: readonly KnobPoint[];
  /** Whether the first method's error moved in the predicted direction from the first point to the last, beyond the CIs. */
  readonly predicted: { readonly direction: 'grows' | 'shrinks'; readonly held: boolean; readonly beyondCi: boolean };
  /** Chain knob: IC-Q minus no-scalar Monte Carlo at every point. */
  readonly comparisons: readonly KnobComparison[];
}

function compare(value: number, a: MethodResult, b: MethodResult): KnobComparison {
  const d = (x: readonly number[], y: readonly number[]) => {
    const difference = mean(x) - mean(y);
    const ci = differenceCi95(x, y);
    return { difference, ci95: ci, separated: Math.abs(difference) > ci };
  };
  return { value, final: d(a.perSeed, b.perSeed), curve: d(a.perSeedCurveMean, b.perSeedCurveMean) };
}

/**
 * Moves one knob across its values, trains its methods at each point and reports errors with 95% CIs. With two
 * threads, a knob with several methods splits each point's methods over them; a one-method knob runs two points
 * at a time. Results are identical either way (every seed and episode stream is fixed).
 */
export async function runKnob(name: KnobName, options: KnobOptions = {}): Promise<KnobResult> {
  const knob = KNOBS[name];
  const seeds = options.seeds ?? knob.seeds;
  const episodes = options.episodes ?? knob.episodes;
  const noise = options.noise ?? CHAIN_NOISE;
  const values = options.values ?? knob.values;
  const progress = values.map(() => ({ done: 0, total: 1 }));
  const experiment = (i: number): ExperimentOptions => ({
    environment: knob.environment(values[i] as number, noise),
    seeds,
    episodes,
    neuralEpisodes: episodes,
    methods: knob.methods,
    measureThroughput: false,
    ...(name === 'width' ? { width: values[i] as number } : {}),
    onProgress: (done, total, label) => {
      progress[i] = { done, total };
      const sum = progress.reduce((a, p) => ({ done: a.done + p.done, total: a.total + p.total }), { done: 0, total: 0 });
      options.onProgress?.(sum.done, sum.total, `${name}=${String(values[i])} ${label}`);
    },
  });
  const results = new Array<ExperimentResult>(values.length);
  if (options.threads === 2 && knob.methods.length === 1 && values.length > 1) {
    let next = 0;
    const lane = async (run: (o: ExperimentOptions) => Promise<ExperimentResult>) => {
      for (let i = next++; i < values.length; i = next++) results[i] = await run(experiment(i));
    };
    await Promise.all([lane(runSyntheticExperiment), lane(runSyntheticExperimentInWorker)]);
  } else {
    const run = options.threads === 2 ? runSyntheticExperimentOnTwoThreads : runSyntheticExperiment;
    for (let i = 0; i < values.length; i++) results[i] = await run(experiment(i));
  }
  const points: KnobPoint[] = [];
  const comparisons: KnobComparison[] = [];
  for (const [i, result] of results.entries()) {
    const value = values[i] as number;
    const first = result.methods[0] as MethodResult;
    const span = result.optimumReturn - result.randomReturn;
    const errors = first.perSeed.map((n) => (1 - n) * span);
    points.push({
      value,
      optimumReturn: result.optimumReturn,
      randomReturn: result.randomReturn,
      error: mean(errors),
      ci95: ci95(errors),
      withinSpan: errors.every((e) => e >= -1e-9 && e <= span + 1e-9),
      samples: first.curve.map((c) => ({ episode: c.episode, error: (1 - c.normalizedReturn) * span, ci95: c.ci95 * span })),
      methods: result.methods,
    });
    const mc = result.methods.find((m) => m.name === 'independent-mc');
    if (name === 'chain' && mc) comparisons.push(compare(value, first, mc));
  }
  const a = points[0] as KnobPoint;
  const b = points[points.length - 1] as KnobPoint;
  return {
    knob: name,
    describe: knob.describe,
    seeds,
    episodes,
    noise: name === 'chain' ? noise : null,
    points,
    predicted: {
      direction: knob.predicted,
      held: knob.predicted === 'grows' ? b.error > a.error : b.error < a.error,
      beyondCi: Math.abs(b.error - a.error) > a.ci95 + b.ci95,
    },
    comparisons,
  };
}

import { InProcessRuntime, type EventSink } from '@baton/core';
import { exactReturn, greedyPolicy, uniformPolicy } from '../exact.ts';
import type { NeuralIcqConfig } from '../neural.ts';
import { ci95, mean, median } from '../stats.ts';
import { ensureTfBackend } from '../tf.ts';
import { evaluateEpisodes, trainEpisodes } from '../train.ts';
import type { Pipeline } from './agents.ts';
import { DEFAULT_SYNTHETIC, type SyntheticConfig } from './dynamics.ts';
import { DEFAULT_ENVIRONMENT, environmentOf, type Environment, type EnvironmentSpec } from './environment.ts';
import { environmentHeads, METHOD_NAMES, type MethodName } from './methods.ts';

export interface ExperimentOptions {
  /** Which environment (default: the three-agent synthetic IC-SMDP at its default setting). */
  readonly environment?: EnvironmentSpec;
  readonly methods?: readonly MethodName[];
  readonly seeds?: number;
  /** Training episodes per seed for the table learners (the neural head gets `neuralEpisodes`). */
  readonly episodes?: number;
  readonly neuralEpisodes?: number;
  /** Runtime episodes that score the fixed pipeline (a stateful policy the exact model cannot express). */
  readonly evalEpisodes?: number;
  /** Learning-curve checkpoint spacing, in episodes (exact evaluation, no sampling noise). */
  readonly checkpointEvery?: number;
  /** Hidden width of the neural heads (the function-approximation knob). */
  readonly width?: number;
  /** Measure in-process throughput after training (default true). */
  readonly measureThroughput?: boolean;
  /** When set, the last chunk of IC-Q tabular training on the first seed is written to this sink (the audit log). */
  readonly auditSink?: EventSink;
  /** Overrides for the neural heads' settings (learning rate, replay, ...). */
  readonly neural?: Partial<NeuralIcqConfig>;
  /** Called as work completes: `done` of `total` units, with a label. */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** Normalized return the "episodes to" figures count as reaching the optimum. */
export const REACHED = 0.95;

export interface MethodResult {
  readonly name: MethodName;
  /** (R - R_random) / (R_optimum - R_random), mean over seeds; R is the exact expected return of the final policy. */
  readonly normalizedReturn: number;
  /** Half-width of the 95% CI; what it is over is `ciOver`. */
  readonly ci95: number;
  /**
   * `seeds`: training seeds (learned methods, scored exactly); `episodes`: runtime episodes of one evaluation (the
   * fixed pipeline, which no training seed changes); `exact`: no uncertainty at all (random, scored exactly).
   */
  readonly ciOver: 'seeds' | 'episodes' | 'exact';
  readonly meanReturn: number;
  /**
   * Sample efficiency: the mean over seeds of the learning curve's average (normalized return averaged over the
   * checkpoints, i.e. the area under the curve divided by its length), with its 95% CI over seeds.
   */
  readonly curveMean: number | null;
  readonly curveMeanCi95: number | null;
  /** Median over the seeds that got there of the first checkpoint with normalized return >= REACHED. */
  readonly episodesTo95: number | null;
  /** How many seeds reached REACHED within the training budget (of `seeds`). */
  readonly reached: number;
  readonly seeds: number;
  /** Learning curve: checkpoint episodes and mean exact normalized return over seeds. */
  readonly curve: readonly { readonly episode: number; readonly normalizedReturn: number; readonly ci95: number }[];
  /** Final normalized return of each seed (one entry for methods that do not train). */
  readonly perSeed: readonly number[];
  /** Each seed's curve mean (empty for methods that do not train). */
  readonly perSeedCurveMean: readonly number[];
}

export interface ExperimentResult {
  readonly environment: EnvironmentSpec;
  /** The synthetic IC-SMDP's setting (the default one when the environment is another). */
  readonly config: SyntheticConfig;
  /** The best expected return under the runtime's budget (backward induction on the exact model). */
  readonly optimumReturn: number;
  /** The exact expected return of uniformly random legal actions. */
  readonly randomReturn: number;
  readonly methods: readonly MethodResult[];
  /** In-process decisions per second of IC-Q tabular training (runtime + heads), measured on its own after training. */
  readonly decisionsPerSecond: number;
  readonly seconds: number;
  readonly pipeline: Pipeline;
  readonly episodes: number;
  readonly neuralEpisodes: number;
}

const EVAL_SEED = 7_777;

/** Trains `method` on one seed, checkpointing the exact normalized return of its greedy policy. */
async function trainSeed(
  env: Environment,
  method: MethodName,
  seed: number,
  n: number,
  every: number,
  normalize: (r: number) => number,
  options: ExperimentOptions,
  tick: (n: number, label: string) => void,
): Promise<number[]> {
  const { heads, view } = environmentHeads(env, method, seed, {
    ...(options.width ? { width: options.width } : {}),
    ...(options.neural ? { neural: options.neural } : {}),
  });
  const runtime = new InProcessRuntime({ workflow: env.workflow(view, seed), heads });
  const curve: number[] = [];
  try {
    for (let e = 0; e < n; e += every) {
      const chunk = Math.min(every, n - e);
      const audited = options.auditSink !== undefined && method === 'icq-tabular' && seed === 1 && e + chunk >= n;
      const chunkRuntime = audited ? new InProcessRuntime({ workflow: runtime.workflow, heads, sinks: [options.auditSink] }) : runtime;
      await trainEpisodes(chunkRuntime, { episodes: chunk, seed: seed * 100_003 + e, input: env.input });
      curve.push(normalize(exactReturn(env.model, greedyPolicy(env.model, heads, view))));
      tick(chunk, `${method} seed ${seed}`);
    }
  } finally {
    for (const head of Object.values(heads)) (head as { dispose?: () => void }).dispose?.();
  }
  return curve;
}

/** Mean and 95% CI over seeds of each checkpoint, plus the sample-efficiency summaries. */
function summarize(name: MethodName, curves: number[][], n: number, every: number, seeds: number) {
  const perSeed = curves.map((c) => c[c.length - 1] as number);
  const averages = curves.map((c) => mean(c));
  const firsts = curves.map((c) => c.findIndex((v) => v >= REACHED)).filter((k) => k >= 0);
  return {
    name,
    normalizedReturn: mean(perSeed),
    ci95: ci95(perSeed),
    ciOver: 'seeds' as const,
    curveMean: mean(averages),
    curveMeanCi95: ci95(averages),
    episodesTo95: firsts.length ? median(firsts.map((k) => Math.min((k + 1) * every, n))) : null,
    reached: firsts.length,
    seeds,
    curve: Array.from({ length: curves[0]?.length ?? 0 }, (_, k) => {
      const at = curves.map((c) => c[k] as number);
      return { episode: Math.min((k + 1) * every, n), normalizedReturn: mean(at), ci95: ci95(at) };
    }),
    perSeed,
    perSeedCurveMean: averages,
  };
}

/**
 * Trains every method over several seeds and scores each final greedy policy exactly, against the optimum and the
 * random floor of the same exact model. Returns are normalized so that random = 0 and optimum = 1.
 */
export async function runSyntheticExperiment(options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const start = performance.now();
  const spec = options.environment ?? DEFAULT_ENVIRONMENT;
  const env = environmentOf(spec);
  const methods = options.methods ?? METHOD_NAMES;
  const seeds = options.seeds ?? 5;
  const episodes = options.episodes ?? 3000;
  const neuralEpisodes = options.neuralEpisodes ?? 2000;
  const evalEpisodes = options.evalEpisodes ?? 4000;
  const every = options.checkpointEvery ?? 250;
  if (methods.includes('icq-neural')) await ensureTfBackend();

  const optimum = exactReturn(env.model, 'optimal');
  const randomReturn = exactReturn(env.model, uniformPolicy);
  const normalize = (r: number) => (r - randomReturn) / (optimum - randomReturn);
  const trainingOf = (m: MethodName) => (m === 'icq-neural' ? neuralEpisodes : environmentHeads(env, m, 0).learns ? episodes : 0);
  const searching = methods.includes('fixed-pipeline');
  const total = (searching ? evalEpisodes + 2 : 0) + methods.reduce((n, m) => n + seeds * trainingOf(m), 0);
  let done = 0;
  const tick = (n: number, label: string) => options.onProgress?.((done += n), total, label);

  // The strongest fixed pipeline, chosen by a short search on separate episodes.
  let pipeline = env.defaultPipeline;
  if (searching) {
    let best = -Infinity;
    for (const candidate of env.pipelines()) {
      const runtime = new InProcessRuntime({
        workflow: env.workflow('interface', 1),
        heads: environmentHeads(env, 'fixed-pipeline', 0, { pipeline: candidate }).heads,
      });
      const r = (await evaluateEpisodes(runtime, { episodes: 300, seed: 4242, input: env.input })).meanReturn;
      if (r > best) [best, pipeline] = [r, candidate];
    }
    tick(2, 'fixed-pipeline search');
  }

  const results: MethodResult[] = [];
  for (const method of methods) {
    if (method === 'random') {
      results.push(fixedResult(method, 0, 0, 'exact', randomReturn, seeds));
      continue;
    }
    if (method === 'fixed-pipeline') {
      const { heads } = environmentHeads(env, method, 0, { pipeline });
      const returns: number[] = [];
      const runtime = new InProcessRuntime({ workflow: env.workflow('interface', EVAL_SEED), heads });
      await evaluateEpisodes(runtime, {
        episodes: evalEpisodes,
        seed: EVAL_SEED,
        input: env.input,
        onEpisode: (i, r) => {
          returns.push(normalize(r));
          if (i % 100 === 99) tick(100, method);
        },
      });
      tick(evalEpisodes % 100, method);
      results.push(
        fixedResult(method, mean(returns), ci95(returns), 'episodes', randomReturn + mean(returns) * (optimum - randomReturn), seeds),
      );
      continue;
    }
    const n = method === 'icq-neural' ? neuralEpisodes : episodes;
    const curves: number[][] = [];
    for (let seed = 1; seed <= seeds; seed++) curves.push(await trainSeed(env, method, seed, n, every, normalize, options, tick));
    const summary = summarize(method, curves, n, every, seeds);
    results.push({ ...summary, meanReturn: randomReturn + summary.normalizedReturn * (optimum - randomReturn) });
  }
  return {
    environment: spec,
    config: spec.kind === 'synthetic' ? spec.config : DEFAULT_SYNTHETIC,
    optimumReturn: optimum,
    randomReturn,
    methods: results,
    decisionsPerSecond: options.measureThroughput === false ? 0 : await measureThroughput(spec),
    seconds: (performance.now() - start) / 1000,
    pipeline,
    episodes,
    neuralEpisodes,
  };
}

function fixedResult(
  name: MethodName,
  normalizedReturn: number,
  ci: number,
  ciOver: 'episodes' | 'exact',
  meanReturn: number,
  seeds: number,
): MethodResult {
  return {
    name,
    normalizedReturn,
    ci95: ci,
    ciOver,
    meanReturn,
    curveMean: null,
    curveMeanCi95: null,
    episodesTo95: null,
    reached: 0,
    seeds,
    curve: [],
    perSeed: [normalizedReturn],
    perSeedCurveMean: [],
  };
}

/**
 * Decisions per second of the in-process runtime with IC-Q tabular heads while learning (the runtime, the heads'
 * decide/value/learn, artifact versions and hashes): the median of `rounds` timed runs after a warm-up.
 */
export async function measureThroughput(spec: EnvironmentSpec = DEFAULT_ENVIRONMENT, episodes = 2000, rounds = 5): Promise<number> {
  const env = environmentOf(spec);
  const { heads } = environmentHeads(env, 'icq-tabular', 1);
  const runtime = new InProcessRuntime({ workflow: env.workflow('interface', 1), heads });
  await trainEpisodes(runtime, { episodes, seed: 1, input: env.input });
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const summary = await trainEpisodes(runtime, { episodes, seed: 2 + r, input: env.input });
    rates.push(summary.decisions / summary.seconds);
  }
  return median(rates);
}

import { InProcessRuntime, type EventSink, type HandoffHead } from '@baton/core';
import { ci95, mean, median } from '../stats.ts';
import type { NeuralIcqConfig } from '../neural.ts';
import { ensureTfBackend } from '../tf.ts';
import { evaluateEpisodes, trainEpisodes } from '../train.ts';
import { checkSyntheticConfig, DEFAULT_SYNTHETIC, type SyntheticConfig } from './dynamics.ts';
import { exactGreedyValue } from './evaluate.ts';
import { candidatePipelines, METHOD_NAMES, methodHeads, type MethodName } from './methods.ts';
import { valueIteration } from './model.ts';
import { syntheticInput, syntheticWorkflow } from './workflow.ts';

export interface ExperimentOptions {
  readonly config?: SyntheticConfig;
  readonly methods?: readonly MethodName[];
  readonly seeds?: number;
  /** Training episodes per seed for the table learners (the neural head gets `neuralEpisodes`). */
  readonly episodes?: number;
  readonly neuralEpisodes?: number;
  /**
   * Runtime episodes used to score the policies that are not greedy in their interface (random, fixed pipeline: the
   * same episode seeds for both). Learned heads are scored exactly, by policy evaluation of their greedy policy.
   */
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

export interface MethodResult {
  readonly name: MethodName;
  /** (R - R_random) / (R_optimum - R_random), mean over seeds; R is the expected return of the final policy. */
  readonly normalizedReturn: number;
  readonly ci95: number;
  readonly meanReturn: number;
  /** Median over seeds of the first checkpoint whose exact normalized return reached 0.95; null if none did. */
  readonly episodesTo95: number | null;
  /** Learning curve: checkpoint episodes and mean exact normalized return over seeds. */
  readonly curve: readonly { readonly episode: number; readonly normalizedReturn: number; readonly ci95: number }[];
  readonly perSeed: readonly number[];
}

export interface ExperimentResult {
  readonly config: SyntheticConfig;
  readonly optimumReturn: number;
  readonly randomReturn: number;
  readonly methods: readonly MethodResult[];
  /** In-process decisions per second of IC-Q tabular training (runtime + heads), measured on its own after training. */
  readonly decisionsPerSecond: number;
  readonly seconds: number;
  readonly pipeline: readonly (readonly [string, number])[];
}

const EVAL_SEED = 7_777;

/**
 * Trains every method on the synthetic IC-SMDP over several seeds and scores it against the exact optimum.
 * Returns are normalized so that random = 0 and optimum = 1.
 */
export async function runSyntheticExperiment(options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const start = performance.now();
  const config = checkSyntheticConfig(options.config ?? DEFAULT_SYNTHETIC);
  const methods = options.methods ?? METHOD_NAMES;
  const seeds = options.seeds ?? 5;
  const episodes = options.episodes ?? 3000;
  const neuralEpisodes = options.neuralEpisodes ?? 2000;
  const evalEpisodes = options.evalEpisodes ?? 4000;
  const every = options.checkpointEvery ?? 250;
  if (methods.includes('icq-neural')) await ensureTfBackend();

  const optimum = valueIteration(config).startValue;
  const trainingOf = (m: MethodName) => (m === 'icq-neural' ? neuralEpisodes : methodHeads(m, 0).learns ? episodes : 0);
  const total = 2 * evalEpisodes + 2 + methods.reduce((n, m) => n + seeds * trainingOf(m), 0);
  let done = 0;
  const tick = (n: number, label: string) => options.onProgress?.((done += n), total, label);

  const evaluate = async (heads: Record<string, HandoffHead>, view: 'interface' | 'joint', label: string) => {
    const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(config, view), heads });
    const summary = await evaluateEpisodes(runtime, {
      episodes: evalEpisodes,
      seed: EVAL_SEED,
      input: syntheticInput,
      onEpisode: (i) => (i % 100 === 99 ? tick(100, label) : undefined),
    });
    tick(evalEpisodes % 100, label);
    return summary.meanReturn;
  };

  // The floor: random handoffs, evaluated on the same episodes as the fixed pipeline.
  const randomReturn = await evaluate(methodHeads('random', 0).heads, 'interface', 'random');
  const normalize = (r: number) => (r - randomReturn) / (optimum - randomReturn);

  // The strongest fixed pipeline, chosen by a short search on separate episodes.
  let pipeline = candidatePipelines()[0] as readonly (readonly [string, number])[];
  let bestPipeline = -Infinity;
  for (const candidate of methods.includes('fixed-pipeline') ? candidatePipelines() : []) {
    const runtime = new InProcessRuntime({
      workflow: syntheticWorkflow(config),
      heads: methodHeads('fixed-pipeline', 0, { pipeline: candidate }).heads,
    });
    const r = (await evaluateEpisodes(runtime, { episodes: 300, seed: 4242, input: syntheticInput })).meanReturn;
    if (r > bestPipeline) {
      bestPipeline = r;
      pipeline = candidate;
    }
  }
  tick(2, 'fixed-pipeline search');

  const results: MethodResult[] = [];
  for (const method of methods) {
    const perSeed: number[] = [];
    const reached: number[] = [];
    const curves: number[][] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const { heads, view, learns } = methodHeads(method, seed, {
        ...(options.width ? { width: options.width } : {}),
        ...(options.neural ? { neural: options.neural } : {}),
        pipeline,
      });
      const curve: number[] = [];
      if (learns) {
        const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(config, view), heads });
        const n = method === 'icq-neural' ? neuralEpisodes : episodes;
        let first: number | null = null;
        for (let e = 0; e < n; e += every) {
          const chunk = Math.min(every, n - e);
          const audited = options.auditSink !== undefined && method === 'icq-tabular' && seed === 1 && e + chunk >= n;
          const chunkRuntime = audited
            ? new InProcessRuntime({ workflow: runtime.workflow, heads, sinks: [options.auditSink as EventSink] })
            : runtime;
          await trainEpisodes(chunkRuntime, { episodes: chunk, seed: seed * 100_003 + e, input: syntheticInput });
          const exact = normalize(exactGreedyValue(config, heads, view));
          curve.push(exact);
          if (first === null && exact >= 0.95) first = e + chunk;
          tick(chunk, `${method} seed ${seed}`);
        }
        if (first !== null) reached.push(first);
        curves.push(curve);
      }
      // Learned policies: exact expected return. Random and fixed pipelines: the runtime, on the shared episodes.
      if (learns) perSeed.push(curve[curve.length - 1] as number);
      else perSeed.push(normalize(method === 'random' ? randomReturn : await evaluate(heads, view, method)));
      if (!learns && seed === 1) {
        // Their score does not depend on a training seed.
        perSeed.push(...new Array<number>(seeds - 1).fill(perSeed[0] as number));
        break;
      }
      for (const head of Object.values(heads)) (head as { dispose?: () => void }).dispose?.();
    }
    const checkpoints = curves[0]?.length ?? 0;
    results.push({
      name: method,
      normalizedReturn: mean(perSeed),
      ci95: ci95(perSeed),
      meanReturn: randomReturn + mean(perSeed) * (optimum - randomReturn),
      episodesTo95: reached.length === seeds ? median(reached) : null,
      curve: Array.from({ length: checkpoints }, (_, k) => {
        const at = curves.map((c) => c[k] as number);
        return {
          episode: Math.min((k + 1) * every, method === 'icq-neural' ? neuralEpisodes : episodes),
          normalizedReturn: mean(at),
          ci95: ci95(at),
        };
      }),
      perSeed,
    });
  }
  return {
    config,
    optimumReturn: optimum,
    randomReturn,
    methods: results,
    decisionsPerSecond: options.measureThroughput === false ? 0 : await measureThroughput(config),
    seconds: (performance.now() - start) / 1000,
    pipeline,
  };
}

/**
 * Decisions per second of the in-process runtime with IC-Q tabular heads while learning (the runtime, the heads'
 * decide/value/learn, artifact versions and hashes): the median of `rounds` timed runs after a warm-up.
 */
export async function measureThroughput(config: SyntheticConfig = DEFAULT_SYNTHETIC, episodes = 2000, rounds = 5): Promise<number> {
  const { heads } = methodHeads('icq-tabular', 1);
  const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(config), heads });
  await trainEpisodes(runtime, { episodes, seed: 1, input: syntheticInput });
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const summary = await trainEpisodes(runtime, { episodes, seed: 2 + r, input: syntheticInput });
    rates.push(summary.decisions / summary.seconds);
  }
  return median(rates);
}

import { startModuleWorker } from '@baton/core/internal';
import {
  measureThroughput,
  runSyntheticExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  type MethodResult,
} from './experiment.ts';
import { METHOD_NAMES, type MethodName } from './methods.ts';

/** Rough cost of one method relative to a table learner, for splitting the work across threads. */
const COST: Record<MethodName, number> = {
  'icq-tabular': 1,
  'icq-neural': 2.5,
  'centralized-oracle': 1.2,
  'independent-mc': 1,
  'ucb-bandit': 1,
  'fixed-pipeline': 0.6,
  random: 0.1,
};

/** Splits methods into two groups of similar cost; the first group always holds icq-tabular (it may be audited). */
export function splitMethods(methods: readonly MethodName[]): [MethodName[], MethodName[]] {
  const groups: [MethodName[], MethodName[]] = [[], []];
  const load = [0, 0];
  const sorted = [...methods].sort((a, b) => (a === 'icq-tabular' ? -1 : b === 'icq-tabular' ? 1 : COST[b] - COST[a]));
  for (const m of sorted) {
    const g = m === 'icq-tabular' || (load[0] as number) <= (load[1] as number) ? 0 : 1;
    groups[g].push(m);
    load[g] = (load[g] as number) + COST[m];
  }
  return groups;
}

type WorkerMessage =
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'result'; result: ExperimentResult }
  | { type: 'error'; message: string };

/**
 * Runs the experiment on a worker thread (its progress reported through `options.onProgress`). The audit sink
 * cannot cross threads and is left behind.
 */
export function runSyntheticExperimentInWorker(options: ExperimentOptions): Promise<ExperimentResult> {
  const { onProgress, auditSink: _auditSink, ...plain } = options;
  const worker = startModuleWorker(import.meta.url, 'parallel-worker', { workerData: plain });
  const result = new Promise<ExperimentResult>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.done, message.total, message.label);
      else if (message.type === 'result') resolve(message.result);
      else reject(new Error(`experiment worker failed: ${message.message}`));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`experiment worker exited with code ${code}`))));
  });
  return result.finally(() => worker.terminate());
}

/**
 * Runs the experiment on two threads: this one and a worker thread, each with half the methods (by cost). The
 * results are identical to a single-threaded run: every method's seeds and episode streams are fixed.
 */
export async function runSyntheticExperimentOnTwoThreads(options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const [here, there] = splitMethods(options.methods ?? METHOD_NAMES);
  if (there.length === 0) return runSyntheticExperiment(options);
  const progress = { here: { done: 0, total: 1 }, there: { done: 0, total: 1 } };
  const track = (side: 'here' | 'there', methods: MethodName[]): ExperimentOptions => ({
    ...options,
    methods,
    measureThroughput: false,
    onProgress: (done, total, label) => {
      progress[side] = { done, total };
      options.onProgress?.(progress.here.done + progress.there.done, progress.here.total + progress.there.total, label);
    },
  });
  const remote = runSyntheticExperimentInWorker(track('there', there));
  const local = runSyntheticExperiment(track('here', here));
  const [a, b] = await Promise.all([local, remote]);
  const order = options.methods ?? METHOD_NAMES;
  const methods: MethodResult[] = [...a.methods, ...b.methods].sort((x, y) => order.indexOf(x.name) - order.indexOf(y.name));
  return {
    ...a,
    methods,
    // Measured once both threads are idle, so the figure is the engine's, not half a busy machine's.
    decisionsPerSecond: options.measureThroughput === false ? 0 : await measureThroughput(options.environment),
    pipeline: there.includes('fixed-pipeline') ? b.pipeline : a.pipeline,
    seconds: (performance.now() - started) / 1000,
  };
}

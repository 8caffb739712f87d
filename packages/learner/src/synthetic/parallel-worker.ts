import { parentPort, workerData } from 'node:worker_threads';
import { runSyntheticExperiment, type ExperimentOptions } from './experiment.ts';

// Worker-thread side of runSyntheticExperimentOnTwoThreads: runs its share of the methods and posts progress.
const port = parentPort;
if (!port) throw new Error('parallel-worker must run in a worker thread');
try {
  const result = await runSyntheticExperiment({
    ...(workerData as ExperimentOptions),
    onProgress: (done, total, label) => port.postMessage({ type: 'progress', done, total, label }),
  });
  port.postMessage({ type: 'result', result });
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}

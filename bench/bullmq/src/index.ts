export { runQueueBench, type QueueBenchOptions, type QueueBenchPoint, type QueueBenchResult } from './queue-bench.ts';
export { runFaultsBench, type FaultsBenchOptions, type FaultsBenchResult } from './faults-bench.ts';

import { describe, expect, it } from 'vitest';
import { runQueueBench } from './queue-bench.ts';

describe('bench queue', () => {
  it('pads the raw chain to the size of the jobs Baton sends and reports every side', async () => {
    const r = await runQueueBench({ hops: 2, episodes: 12, rounds: 1, inFlight: 4, concurrency: 4, processes: [1] });
    // A Baton job carries the episode's context and the artifact inline (chainInput(256)): well over 256 bytes.
    expect(r.payloadBytes).toBeGreaterThan(300);
    expect(r.learning).toBe(true);
    const [point] = r.scaling;
    expect(point?.processes).toBe(1);
    for (const rate of [point?.batonLearningHandoffsPerSecond, point?.batonHandoffsPerSecond, point?.rawJobsPerSecond])
      expect(rate).toBeGreaterThan(0);
    expect(r.ratio).toBe(point?.learningRatio);
  }, 120_000);
});

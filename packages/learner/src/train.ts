import { Rng, type Runtime } from '@baton/core';

export interface RunOptions<T> {
  readonly episodes: number;
  /** Seeds the stream of episode seeds and inputs. */
  readonly seed: number;
  /** Builds each episode's first artifact. */
  readonly input: (rng: Rng) => T;
  /** Called after each episode (progress bars, learning curves). */
  readonly onEpisode?: (index: number, episodeReturn: number) => void;
}

export interface RunSummary {
  readonly episodes: number;
  readonly meanReturn: number;
  readonly decisions: number;
  readonly seconds: number;
}

async function run<T>(runtime: Runtime<T>, options: RunOptions<T>, learn: boolean): Promise<RunSummary> {
  const rng = new Rng(options.seed);
  let total = 0;
  let decisions = 0;
  const start = performance.now();
  for (let i = 0; i < options.episodes; i++) {
    const seed = rng.int(2 ** 31);
    const result = await runtime.runEpisode({ seed, input: options.input(rng), learn });
    total += result.return;
    decisions += result.decisions;
    options.onEpisode?.(i, result.return);
  }
  return {
    episodes: options.episodes,
    meanReturn: total / Math.max(options.episodes, 1),
    decisions,
    seconds: (performance.now() - start) / 1000,
  };
}

/** Runs learning episodes (heads learn and explore). */
export function trainEpisodes<T>(runtime: Runtime<T>, options: RunOptions<T>): Promise<RunSummary> {
  return run(runtime, options, true);
}

/** Runs greedy evaluation episodes (no learning, no exploration). Use the same seed across methods for common random numbers. */
export function evaluateEpisodes<T>(runtime: Runtime<T>, options: RunOptions<T>): Promise<RunSummary> {
  return run(runtime, options, false);
}

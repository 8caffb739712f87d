import type { RecordedPrompt, RecordedSplits, RecordedTask } from '@baton/agents/route';
import type { RouteBenchReport } from '@baton/agents/route-bench';

/** The synthetic task's models and their dollars per call: the expert costs 10x a cheap model. */
export const SYNTHETIC_MODELS: Readonly<Record<string, { readonly costUsd: number; readonly accuracy: number }>> = {
  'cheap-a': { costUsd: 0.0001, accuracy: 0.8 },
  'cheap-b': { costUsd: 0.0001, accuracy: 0.8 },
  expert: { costUsd: 0.001, accuracy: 1 },
};

const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** Prompts per split: enough for smooth curves, few enough that the bench takes seconds. */
export const SYNTHETIC_PROMPTS = 100;

/** The learned methods' lambdas: both sides of the cheap/expert switch (~0.2 here), not the bench's ten. */
export const SYNTHETIC_LAMBDAS: readonly number[] = [0.05, 0.15, 0.25, 0.5];

/** mulberry32: a small seeded generator, so the synthetic task is the same on every machine and every start. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A recorded multiple-choice split built in code (no recorded data set is shipped): each cheap model is right 80 % of
 * the time independently of the other, with a uniformly drawn wrong letter otherwise; the expert is always right.
 * Two cheap drafts that agree are then right ~99 % of the time, so "ask both, escalate on disagreement" is the
 * cheap way to the expert's accuracy: the trade-off a router should learn.
 */
export function syntheticRouteTask(split: 'train' | 'test', size = SYNTHETIC_PROMPTS): RecordedTask {
  const next = random(split === 'train' ? 1 : 2);
  const prompts: RecordedPrompt[] = [];
  for (let i = 0; i < size; i++) {
    const truth = Math.floor(next() * 4);
    const drafts: Record<string, { text: string; score: number; costUsd: number }> = {};
    for (const [model, { costUsd, accuracy }] of Object.entries(SYNTHETIC_MODELS)) {
      const right = next() < accuracy;
      const letter = right ? truth : (truth + 1 + Math.floor(next() * 3)) % 4;
      drafts[model] = { text: `The answer is ${LETTERS[letter] as string}`, score: right ? 1 : 0, costUsd };
    }
    prompts.push({ id: `synthetic-${split}-${i}`, prompt: `Synthetic question ${i}?\nA) one\nB) two\nC) three\nD) four\nAnswer:`, drafts });
  }
  return {
    name: 'synthetic',
    kind: 'choice',
    models: Object.keys(SYNTHETIC_MODELS),
    prompts,
    source: `synthetic ${split} split (built in code)`,
  };
}

/** Both splits of the synthetic task. */
export function syntheticRouteSplits(size = SYNTHETIC_PROMPTS): RecordedSplits {
  return { train: syntheticRouteTask('train', size), test: syntheticRouteTask('test', size), skipped: [] };
}

/**
 * The route bench on the synthetic task: every default method, the learned ones at 20 epochs over four lambdas, 2
 * seeds, a few seconds. The learned ones route between all three models: the two cheap models tie as single models,
 * so the default Pareto pool would keep only one of them and lose the second opinion the task is about.
 * What the route view shows when `baton serve` is given no `--route-report`.
 */
export async function syntheticRouteReport(): Promise<RouteBenchReport> {
  const bench = await import('@baton/agents/route-bench');
  const splits = syntheticRouteSplits();
  const learned = bench.learnedMethods({ epochs: 20, lambdas: SYNTHETIC_LAMBDAS, pool: 'all' });
  return bench.runRouteBench(splits, bench.defaultRouteMethods(splits.train, learned), { seeds: [1, 2] });
}

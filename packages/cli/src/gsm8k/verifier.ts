import type { MathDraft } from '@baton/agents';
import { InProcessRuntime, type BatonEvent, type Workflow } from '@baton/core';
import { fixedPipelineHeads } from '@baton/learner';
import { newMathDraft } from '@baton/agents';

/**
 * The checker's interface on each prompt (the weak draft's projection plus the arithmetic verdict): exactly the
 * features the cascade's richest head sees, read by walking every prompt weak -> checker through the runtime.
 */
export async function checkerFeatures(workflow: Workflow<MathDraft>, prompts: readonly string[]): Promise<number[][]> {
  const keys = workflow.agentById.get('checker')?.interface.projectionKeys ?? [];
  // The checker's last decision in each episode, by episode.
  const decided: (number[] | undefined)[] = [];
  const sink = (e: BatonEvent): void => {
    if (e.type === 'decision' && e.agent === 'checker') decided[rows.length] = keys.map((k) => e.view.projection[k] ?? 0);
  };
  const heads = fixedPipelineHeads(
    [
      ['weak', 1],
      ['checker', 1],
    ],
    ['strong'],
  );
  const runtime = new InProcessRuntime({ workflow, heads, sinks: [sink] });
  const rows: number[][] = [];
  for (const prompt of prompts) {
    await runtime.runEpisode({ seed: 1, input: newMathDraft(prompt), learn: false });
    const row = decided[rows.length];
    if (!row) throw new Error(`the checker never decided on "${prompt.slice(0, 60)}"`);
    rows.push(row);
  }
  return rows;
}

/** Ridge regression with an unpenalized intercept: w = (X'X + lambda I)^-1 X'y, by Gauss-Jordan elimination. */
export function ridge(xs: readonly (readonly number[])[], ys: readonly number[], lambda = 1): (x: readonly number[]) => number {
  const d = (xs[0]?.length ?? 0) + 1;
  // The augmented normal equations [X'X + lambda I | X'y], one row per weight (weight 0 is the intercept).
  const a: number[][] = Array.from({ length: d }, () => new Array<number>(d + 1).fill(0));
  xs.forEach((x, n) => {
    const row = [1, ...x];
    row.forEach((ri, i) => {
      const ai = a[i] as number[];
      row.forEach((rj, j) => (ai[j] = (ai[j] as number) + ri * rj));
      ai[d] = (ai[d] as number) + ri * (ys[n] as number);
    });
  });
  for (let i = 1; i < d; i++) (a[i] as number[])[i] = ((a[i] as number[])[i] as number) + lambda;
  const at = (r: number, c: number) => (a[r] as number[])[c] as number;
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(at(r, c)) > Math.abs(at(pivot, c))) pivot = r;
    [a[c], a[pivot]] = [a[pivot] as number[], a[c] as number[]];
    const p = at(c, c);
    if (Math.abs(p) < 1e-12) continue; // a column with no information: its weight stays 0
    for (let r = 0; r < d; r++) {
      const f = r === c ? 0 : at(r, c) / p;
      if (f !== 0) for (let j = c; j <= d; j++) (a[r] as number[])[j] = at(r, j) - f * at(c, j);
    }
  }
  const w = a.map((row, i) => (Math.abs(row[i] as number) < 1e-12 ? 0 : (row[d] as number) / (row[i] as number)));
  return (x) => x.reduce((s, v, i) => s + v * (w[i + 1] as number), w[0] as number);
}

/**
 * The supervised verifier on the cascade's features: per fold, a ridge regression of the escalation gain
 * (strong correct - weak correct) on the checker's interface, fit on the other folds' labels directly; held-out
 * prompts are scored by its prediction. The cascade learns the same quantity only through the runtime's targets.
 */
export function verifierScores(
  features: readonly (readonly number[])[],
  gain: readonly number[],
  fold: readonly number[],
  folds: number,
): number[] {
  const scores = new Array<number>(features.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const train = features.map((_, i) => i).filter((i) => fold[i] !== f);
    // Standardized on the training fold, so the ridge penalty treats counts and lengths alike.
    const d = features[0]?.length ?? 0;
    const mu = Array.from({ length: d }, (_, j) => train.reduce((s, i) => s + ((features[i] as number[])[j] as number), 0) / train.length);
    const sd = Array.from(
      { length: d },
      (_, j) =>
        Math.sqrt(train.reduce((s, i) => s + (((features[i] as number[])[j] as number) - (mu[j] as number)) ** 2, 0) / train.length) || 1,
    );
    const z = (x: readonly number[]) => x.map((v, j) => (v - (mu[j] as number)) / (sd[j] as number));
    const predict = ridge(
      train.map((i) => z(features[i] as number[])),
      train.map((i) => gain[i] as number),
    );
    features.forEach((x, i) => {
      if (fold[i] === f) scores[i] = predict(z(x));
    });
  }
  return scores;
}

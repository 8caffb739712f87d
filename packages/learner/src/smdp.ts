/** A finite SMDP: per state, per action, a list of outcomes (probability, expected reward, discount factor, next state or terminal). */
export interface SmdpOutcome {
  readonly p: number;
  readonly reward: number;
  /** E[gamma^tau] of the option's duration; ignored for terminal outcomes. */
  readonly discount: number;
  /** Next state index, or null when the episode ends. */
  readonly next: number | null;
}
export type Smdp = readonly (readonly (readonly SmdpOutcome[])[])[];

/** Value iteration on a finite SMDP: V(s) = max_a sum p (r + discount * V(s')). Returns V and the greedy actions. */
export function solveSmdp(
  smdp: Smdp,
  tolerance = 1e-12,
  maxIterations = 100_000,
): { values: Float64Array; policy: Int32Array; iterations: number } {
  let V = new Float64Array(smdp.length);
  const policy = new Int32Array(smdp.length);
  let iterations = 0;
  for (; iterations < maxIterations;) {
    iterations += 1;
    const next = new Float64Array(smdp.length);
    let delta = 0;
    smdp.forEach((actions, s) => {
      let best = -Infinity;
      actions.forEach((outcomes, a) => {
        let q = 0;
        for (const o of outcomes) q += o.p * (o.reward + (o.next === null ? 0 : o.discount * (V[o.next] as number)));
        if (q > best) {
          best = q;
          policy[s] = a;
        }
      });
      next[s] = best;
      delta = Math.max(delta, Math.abs(best - (V[s] as number)));
    });
    V = next;
    if (delta < tolerance) break;
  }
  return { values: V, policy, iterations };
}

import type { RecordedTask } from '../task.ts';

/** Accuracy and mean dollars per prompt of one policy on one split. */
export interface SplitScore {
  readonly accuracy: number;
  readonly costUsd: number;
}

/**
 * One policy of a method's family (one lambda, one cascade, one threshold), scored on both splits. Budgets are met by
 * choosing points on `train` only; `test` is what gets reported.
 */
export interface CurvePoint {
  /** What this point is, e.g. `lambda=0.1` or `mixtral+yi>gpt-4`. */
  readonly label: string;
  readonly train: SplitScore;
  readonly test: SplitScore;
}

/** A route method: given the train split (to learn or choose on) and the test split, its family of policies. */
export interface RouteMethod {
  /** Stable name in the bench JSON, e.g. `icq`, `best-fixed-cascade`, `supervised-verifier`. */
  readonly name: string;
  /** One line on what it is, printed under the table. */
  readonly description: string;
  /** Deterministic methods return the same points for every seed. */
  readonly deterministic?: boolean;
  points(train: RecordedTask, test: RecordedTask, seed: number): CurvePoint[] | Promise<CurvePoint[]>;
}

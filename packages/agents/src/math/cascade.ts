import { UserError, type Action, type Grader, type ModelAdapter } from '@baton/core';
import { LinearIcqHead, type LinearIcqHeadConfig } from '@baton/learner';
import type { MathDraft } from './draft.ts';
import type { MathFeature } from './projection.ts';
import { CHECKER_FEATURES, SOLVER_FEATURES, createMathCascade } from './workflows.ts';

// The GSM8K math cascade (weak solver, arithmetic checker, strong solver), as `baton bench gsm8k`, `baton train math`
// and the playground run it on recorded outputs (@baton/adapters replays them and supplies the labels).

const STRONG: Action = 'handoff:strong';

/**
 * Whether `model`'s answer to `problem` is right (1) or wrong (0), or undefined when nothing says: a recorded data
 * set's own label, or a live checker. The cascade is graded by it, so it never needs the data set itself.
 */
export type AnswerLabel = (problem: string, model: string) => number | undefined;

/** R = the label of the latest attempt's model on the problem; a missing label is an error, never a silent 0. */
export function labelGrader(label: AnswerLabel): Grader<MathDraft> {
  return (artifact) => {
    const attempt = artifact.value.attempts[artifact.value.attempts.length - 1];
    if (!attempt) return 0;
    const score = label(artifact.value.problem, attempt.model);
    if (score === undefined) throw new UserError(`no recorded label for model "${attempt.model}"`, { field: 'problem' });
    return score;
  };
}

/**
 * Learning settings of the bench heads: constant 0.5 exploration; Q fitted by recursive least squares on the
 * runtime's targets (forgetting 0.9999 tracks the bootstrapped scalars as the receivers learn).
 */
export const CASCADE_LEARNING = {
  epsilon: { start: 0.5, decay: 1, min: 0.5 },
  stepSize: { c: 1, n0: 10, omega: 0.6 },
  optimizer: 'rls' as const,
  rls: { forgetting: 0.9999, ridge: 1 },
};

export interface CascadeHeads {
  readonly weak: LinearIcqHead;
  readonly checker: LinearIcqHead;
  readonly strong: LinearIcqHead;
}

/** The weak solver's own view of its draft: everything the checker sees except the checker's verdict. */
export const WEAK_FEATURES: readonly MathFeature[] = CHECKER_FEATURES.filter((f) => f !== 'verdictFlagged');

/** The cascade with the bench's feature sets (minus `drop`, for ablations), graded by `label`. */
export function cascadeWorkflow(
  label: AnswerLabel,
  models: { weak: ModelAdapter; strong: ModelAdapter },
  costWeight: number,
  drop: readonly MathFeature[] = [],
) {
  const keep = (keys: readonly MathFeature[]): MathFeature[] => keys.filter((k) => !drop.includes(k));
  return createMathCascade({
    weak: models.weak,
    strong: models.strong,
    grader: labelGrader(label),
    costWeight,
    discount: 1,
    weakFeatures: keep(WEAK_FEATURES),
    checkerFeatures: keep(CHECKER_FEATURES),
    strongFeatures: keep(SOLVER_FEATURES),
  });
}

/** The learning settings a caller may change on the cascade's heads (the actions and features are the cascade's). */
export type CascadeLearning = Partial<Omit<LinearIcqHeadConfig, 'actions' | 'projectionKeys' | 'privateKeys'>>;

/**
 * Fresh linear IC-Q heads for the cascade's three agents, with `CASCADE_LEARNING` and then `learning` on top (e.g. the
 * playground's online training syncs the receivers' target copies at every update: see its math workflow).
 */
export function newCascadeHeads(wf: ReturnType<typeof cascadeWorkflow>, learning: CascadeLearning = {}): CascadeHeads {
  const keys = (id: string): readonly string[] => wf.agentById.get(id)?.interface.projectionKeys ?? [];
  const settings = { ...CASCADE_LEARNING, ...learning };
  return {
    weak: new LinearIcqHead({ actions: ['submit', 'handoff:checker', STRONG], projectionKeys: keys('weak'), ...settings }),
    checker: new LinearIcqHead({ actions: ['submit', STRONG], projectionKeys: keys('checker'), ...settings }),
    strong: new LinearIcqHead({ actions: ['submit'], projectionKeys: keys('strong'), ...settings }),
  };
}

import { CHECKER_FEATURES, SOLVER_FEATURES, createMathCascade, type MathDraft, type MathFeature } from '@baton/agents';
import { UserError, type Action, type Grader, type ModelAdapter } from '@baton/core';
import { LinearIcqHead } from '@baton/learner';
import type { ReplayDataset } from './records.ts';
import { createReplayModel } from './replay-model.ts';

// The GSM8K math cascade on recorded outputs, as `baton bench gsm8k`, `baton train math` and the playground run it.

const STRONG: Action = 'handoff:strong';

/** The recorded-label grader: R = the data set's own True/False for the model that wrote the latest attempt. */
export function recordedLabelGrader(dataset: ReplayDataset): Grader<MathDraft> {
  const byPrompt = new Map(dataset.records.map((r) => [r.prompt, r.outputs]));
  return (artifact) => {
    const attempt = artifact.value.attempts[artifact.value.attempts.length - 1];
    const score = attempt ? byPrompt.get(artifact.value.problem)?.[attempt.model]?.score : undefined;
    if (attempt && score === undefined) throw new UserError(`no recorded label for model "${attempt.model}"`, { field: 'problem' });
    return score ?? 0;
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

/** The models of a two-model data set: the weaker (lower mean score) first. */
export function modelPair(dataset: ReplayDataset): { weak: string; strong: string } {
  const mean = (m: string): number => dataset.records.reduce((s, r) => s + (r.outputs[m]?.score ?? 0), 0) / dataset.records.length;
  const [a, b] = dataset.models;
  if (!a || !b) throw new UserError('needs recorded outputs of at least two models', { field: 'data' });
  return mean(a) <= mean(b) ? { weak: a, strong: b } : { weak: b, strong: a };
}

/** The weak solver's own view of its draft: everything the checker sees except the checker's verdict. */
export const WEAK_FEATURES: readonly MathFeature[] = CHECKER_FEATURES.filter((f) => f !== 'verdictFlagged');

export function cascadeWorkflow(
  dataset: ReplayDataset,
  models: { weak: ModelAdapter; strong: ModelAdapter },
  costWeight: number,
  drop: readonly MathFeature[] = [],
) {
  const keep = (keys: readonly MathFeature[]): MathFeature[] => keys.filter((k) => !drop.includes(k));
  return createMathCascade({
    weak: models.weak,
    strong: models.strong,
    grader: recordedLabelGrader(dataset),
    costWeight,
    discount: 1,
    weakFeatures: keep(WEAK_FEATURES),
    checkerFeatures: keep(CHECKER_FEATURES),
    strongFeatures: keep(SOLVER_FEATURES),
  });
}

export function newCascadeHeads(wf: ReturnType<typeof cascadeWorkflow>): CascadeHeads {
  const keys = (id: string): readonly string[] => wf.agentById.get(id)?.interface.projectionKeys ?? [];
  return {
    weak: new LinearIcqHead({ actions: ['submit', 'handoff:checker', STRONG], projectionKeys: keys('weak'), ...CASCADE_LEARNING }),
    checker: new LinearIcqHead({ actions: ['submit', STRONG], projectionKeys: keys('checker'), ...CASCADE_LEARNING }),
    strong: new LinearIcqHead({ actions: ['submit'], projectionKeys: keys('strong'), ...CASCADE_LEARNING }),
  };
}

export function replayPair(dataset: ReplayDataset): { weak: ModelAdapter; strong: ModelAdapter; names: { weak: string; strong: string } } {
  const names = modelPair(dataset);
  return {
    weak: createReplayModel({ model: names.weak, records: dataset }),
    strong: createReplayModel({ model: names.strong, records: dataset }),
    names,
  };
}

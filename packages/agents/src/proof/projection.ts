import type { AgentInterface, Artifact, BudgetLeft, Features, LocalState } from '@baton/core';
import type { ProofDraft } from './draft.ts';

/** What every proof agent's head sees: length, critiques open/closed, steps flagged and the critic's signals. */
export const PROOF_FEATURES = [
  'hasDraft',
  'lengthBucket',
  'steps',
  'critiquesOpen',
  'critiquesClosed',
  'majorOpen',
  'stepsFlagged',
  'criticRounds',
  'assessment',
] as const;
export const PROOF_PRIVATE = ['stepsLeft', 'handoffsLeft', 'workUnits'] as const;

const ASSESSMENT = { none: 0, sound: 1, gaps: 2, wrong: 3 } as const;

/** Numbered or non-empty lines of a draft: a rough step count. */
export function stepCount(draft: string): number {
  return draft.split('\n').filter((line) => line.trim().length > 0).length;
}

export function proofFeatures(value: ProofDraft): Features {
  const open = value.critiques.filter((c) => c.status === 'open');
  return {
    hasDraft: value.draft.trim() ? 1 : 0,
    // Buckets of 50 words, capped, so tabular heads see a small domain.
    lengthBucket: Math.min(6, Math.ceil(value.draft.split(/\s+/).filter(Boolean).length / 50)),
    steps: Math.min(20, stepCount(value.draft)),
    critiquesOpen: open.length,
    critiquesClosed: value.critiques.length - open.length,
    majorOpen: open.filter((c) => c.severity !== 'minor').length,
    stepsFlagged: value.flaggedSteps.length,
    criticRounds: value.criticRounds,
    assessment: ASSESSMENT[value.assessment ?? 'none'],
  };
}

/** The proof agents' interface: the projection above plus the budget left. */
export const proofInterface: AgentInterface<ProofDraft> = {
  projectionKeys: PROOF_FEATURES,
  privateKeys: PROOF_PRIVATE,
  project: (artifact: Artifact<ProofDraft>) => proofFeatures(artifact.value),
  privateState: (local: LocalState, budget: BudgetLeft) => ({
    stepsLeft: budget.steps,
    handoffsLeft: budget.handoffs,
    workUnits: local.workUnits,
  }),
};

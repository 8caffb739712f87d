export {
  critiqueSchema,
  newProofDraft,
  proofDraftSchema,
  storedVerdictSchema,
  type Critique,
  type ProofDraft,
  type StoredVerdict,
} from './draft.ts';
export { PROOF_FEATURES, PROOF_PRIVATE, proofFeatures, proofInterface, stepCount } from './projection.ts';
export { criticMessages, criticOutput, proverMessages, proverOutput, reviserMessages, reviserOutput, type CriticOutput } from './roles.ts';
export {
  createCriticOption,
  createJudgeOption,
  createProverOption,
  createReviserOption,
  judged,
  proofSubject,
  verdictNotes,
  type ProofAgentConfig,
} from './options.ts';
export { createProofWorkflow, proofGrader, proofPolicyHeads, proofRubric, ProofPolicyHead, type ProofWorkflowConfig } from './workflow.ts';
export { PROOF_RECORDINGS, RECORDED_MODELS, RECORDED_STATEMENT, type ProofRecording } from './recorded.ts';

// Code-patch workflow: a unified diff handed between author, test runner, reviewer and reviser (issue 7).
export {
  currentReview,
  currentTestRun,
  patchArtifact,
  patchInput,
  patchReview,
  patchTestRun,
  reviewOutput,
  reviewVerdict,
  type PatchArtifact,
  type PatchReview,
  type PatchTestRun,
  type ReviewOutput,
} from './patch/artifact.ts';
export { applyUnifiedDiff, summarizeDiff, unsafePathReason, type ApplyResult, type DiffSummary } from './patch/apply.ts';
export { DEFAULT_PATCH_FIXTURE, loadPatchFixture, PATCH_FIXTURES, type PatchFixture, type PatchRecording } from './patch/fixtures.ts';
export { patchInterface, VERDICT_CODE } from './patch/interface.ts';
export { createPatchAuthor, createPatchReviewer, createPatchReviser, extractDiff, type ModelAgentConfig } from './patch/model-agents.ts';
export { PatchRulePolicy, ruleAction, type PatchPolicyRole } from './patch/policy.ts';
export { patchMessages, type PatchRole } from './patch/prompts.ts';
export { ISOLATION_SUMMARY, type IsolationMechanism } from './patch/isolation.ts';
export { availableIsolation, runTestsInSandbox, type SandboxOptions, type SandboxResult } from './patch/sandbox.ts';
export { loadSnapshot, materialize, snapshotOf, type RepoSnapshot } from './patch/snapshot.ts';
export { createTestRunner, testPatch, type TestRunnerConfig } from './patch/test-runner.ts';
export { createPatchWorkflow, passShare, patchRuleHeads, type PatchWorkflowConfig } from './patch/workflow.ts';
// Judges and the proof-draft workflow (issue 9).
export {
  createJudge,
  createJudgePanel,
  defineRubric,
  rubricPrompt,
  rubricScore,
  spread,
  verdictSchema,
  type AxisScore,
  type Disagreement,
  type DisagreementMeasure,
  type Judge,
  type JudgeConfig,
  type JudgeCost,
  type JudgePanel,
  type JudgeSubject,
  type JudgeVerdict,
  type PairSubject,
  type PairwiseCall,
  type PairwiseVerdict,
  type PanelConfig,
  type PanelPairwiseVerdict,
  type PanelVerdict,
  type Rubric,
  type RubricAxis,
  type RubricConfig,
} from './judge/index.ts';
export {
  PROOF_FEATURES,
  PROOF_RECORDINGS,
  RECORDED_MODELS,
  RECORDED_STATEMENT,
  ProofPolicyHead,
  createCriticOption,
  createJudgeOption,
  createProofWorkflow,
  createProverOption,
  createReviserOption,
  newProofDraft,
  proofDraftSchema,
  proofFeatures,
  proofGrader,
  proofInterface,
  proofPolicyHeads,
  proofRubric,
  verdictNotes,
  type Critique,
  type ProofAgentConfig,
  type ProofDraft,
  type ProofRecording,
  type ProofWorkflowConfig,
  type StoredVerdict,
} from './proof/index.ts';
export { checkArithmetic, type ArithmeticStep } from './math/arithmetic.ts';
export {
  mathAttemptSchema,
  mathDraftSchema,
  mathVerdictSchema,
  newMathDraft,
  type MathAttempt,
  type MathDraft,
  type MathVerdict,
} from './math/draft.ts';
export { answerOf, goldAnswer, gradeAnswer, lastNumber, numbersIn, parseNumber, sameNumber, statedAnswer } from './math/numbers.ts';
export {
  DRAFT_FEATURES,
  QUESTION_FEATURES,
  draftFeatures,
  mathFeatures,
  mathInterface,
  questionFeatures,
  type DraftFeature,
  type MathFeature,
  type QuestionFeature,
} from './math/projection.ts';
export {
  createArithmeticCheckerOption,
  createDispatcherOption,
  createSolverOption,
  createVerifierOption,
  type CostModel,
  type SolverOptionConfig,
} from './math/options.ts';
export { criticRole, refinerRole, solverOutput, solverRole, verdictOutput, verifierRole, type MathRole } from './math/roles.ts';
export {
  CASCADE_LEARNING,
  WEAK_FEATURES,
  cascadeWorkflow,
  labelGrader,
  newCascadeHeads,
  type AnswerLabel,
  type CascadeHeads,
  type CascadeLearning,
} from './math/cascade.ts';
export {
  CHECKER_FEATURES,
  QUESTION_ONLY_FEATURES,
  SOLVER_FEATURES,
  createMathCascade,
  createMathRouting,
  goldGrader,
  type MathCascadeConfig,
  type MathRoutingConfig,
} from './math/workflows.ts';

export { argmax, DEFAULT_EXPLORATION, explore, scheduleValue, type Exploration } from './exploration.ts';
export { QTable, tabularKey, type QEntry, type SerializedTable } from './qtable.ts';
export { TabularIcqHead, type SerializedTabularHead, type StepSize, type TabularIcqConfig } from './tabular.ts';
export { FixedPipelineHead, fixedPipelineHeads, IndependentMcHead, RandomHead, UcbBanditHead } from './baselines.ts';
export { encodedSize, encodeView, type FeatureSpec } from './encoder.ts';
export { NeuralIcqHead, type NeuralIcqConfig, type SerializedNeuralHead } from './neural.ts';
export { ci95, mean, median } from './stats.ts';
export { ensureTfBackend, type TfBackend } from './tf.ts';
export { evaluateEpisodes, trainEpisodes, type RunOptions, type RunSummary } from './train.ts';
export { AGENTS as SYNTHETIC_AGENTS, DEFAULT_SYNTHETIC, type SyntheticConfig } from './synthetic/dynamics.ts';
export { exactGreedyValue } from './synthetic/evaluate.ts';
export { runSyntheticExperiment, type ExperimentOptions, type ExperimentResult, type MethodResult } from './synthetic/experiment.ts';
export {
  agentActions as syntheticActions,
  agentFeatures as syntheticFeatures,
  METHOD_NAMES,
  methodHeads,
  type MethodName,
} from './synthetic/methods.ts';
export { valueIteration, type Optimum } from './synthetic/model.ts';
export { syntheticArtifact, syntheticInput, syntheticWorkflow, type SyntheticArtifact, type SyntheticView } from './synthetic/workflow.ts';
export { solveSmdp, type Smdp, type SmdpOutcome } from './smdp.ts';
export { runSyntheticExperimentOnTwoThreads, splitMethods } from './synthetic/parallel.ts';
export {
  LinearIcqHead,
  withActionOffsets,
  type LinearIcqHeadConfig,
  type LinearIcqHeadState,
  type StepSize as LinearStepSize,
} from './linear.ts';

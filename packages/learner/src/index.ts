export { argmax, DEFAULT_EXPLORATION, explore, scheduleValue, type Exploration } from './exploration.ts';
export { QTable, tabularKey, type QEntry, type SerializedTable } from './qtable.ts';
export { TabularIcqHead, type SerializedTabularHead, type StepSize, type TabularIcqConfig } from './tabular.ts';
export { FixedPipelineHead, fixedPipelineHeads, IndependentMcHead, RandomHead, UcbBanditHead } from './baselines.ts';
export { encodedSize, encodeView, type FeatureSpec } from './encoder.ts';
export { NeuralIcqHead, type NeuralIcqConfig, type SerializedNeuralHead } from './neural.ts';
export { ci95, differenceCi95, mean, median, t95 } from './stats.ts';
export { ensureTfBackend, type TfBackend } from './tf.ts';
export { evaluateEpisodes, trainEpisodes, type RunOptions, type RunSummary } from './train.ts';
export { AGENTS as SYNTHETIC_AGENTS, DEFAULT_SYNTHETIC, type SyntheticConfig } from './synthetic/dynamics.ts';
export {
  exactReturn,
  greedyPolicy,
  uniformPolicy,
  type EpochModel,
  type EpochPolicy,
  type EpochStep,
  type SyntheticView,
} from './exact.ts';
export { exactGreedyValue, syntheticModel, syntheticOptimum, syntheticRandomReturn } from './synthetic/evaluate.ts';
export {
  REACHED,
  runSyntheticExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  type MethodResult,
} from './synthetic/experiment.ts';
export { agentActions as syntheticActions, agentFeatures as syntheticFeatures, type Pipeline } from './synthetic/agents.ts';
export { DEFAULT_ENVIRONMENT, environmentOf, type Environment, type EnvironmentSpec } from './synthetic/environment.ts';
export {
  environmentHeads,
  METHOD_DESCRIPTIONS,
  METHOD_NAMES,
  methodHeads,
  type MethodHeads,
  type MethodName,
  type MethodOptions,
} from './synthetic/methods.ts';
export { valueIteration, type Optimum } from './synthetic/model.ts';
export { DEFAULT_RELAY, MAX_STAGES, relayInput, relayWorkflow, type RelayArtifact, type RelayConfig } from './synthetic/relay.ts';
export { relayModel } from './synthetic/relay-model.ts';
export { syntheticArtifact, syntheticInput, syntheticWorkflow, type SyntheticArtifact } from './synthetic/workflow.ts';
export { solveSmdp, type Smdp, type SmdpOutcome } from './smdp.ts';
export { runSyntheticExperimentOnTwoThreads, splitMethods } from './synthetic/parallel.ts';
export {
  CHAIN_NOISE,
  KNOBS,
  runKnob,
  type Knob,
  type KnobComparison,
  type KnobName,
  type KnobOptions,
  type KnobPoint,
  type KnobResult,
} from './synthetic/knobs.ts';
export {
  LinearIcqHead,
  withActionOffsets,
  type LinearIcqHeadConfig,
  type LinearIcqHeadState,
  type RlsConfig,
  type StepSize as LinearStepSize,
} from './linear.ts';
export { GatedHead } from './gated.ts';
export { LinearMonteCarloHead } from './linear-mc.ts';

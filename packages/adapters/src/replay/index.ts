export { createReplayModel, ReplayUnknownPromptError, type ReplayModelConfig } from './replay-model.ts';
export { countTokens, priceOf, replayDefaultPrices, type TokenPrice } from './prices.ts';
export { promptKey, type RecordedOutput, type ReplayDataset, type ReplayRecord } from './records.ts';
export { loadRouteLLM, routeLLMFiles, type RouteLLMDataset, type RouteLLMFiles } from './routellm.ts';
export { loadRouterBench } from './routerbench.ts';
export { loadRecordedOutputs } from './load.ts';
export { modelPair, recordedLabel, replayPair } from './pair.ts';

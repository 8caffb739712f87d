// Routing one prompt across N vendor models on recorded or live drafts (issue 13).
export {
  ANSWER_EXTRACTORS,
  answerKindOf,
  kindNamedBy,
  choiceAnswer,
  codeAnswer,
  codeOf,
  isRefusal,
  numberAnswer,
  promptOptions,
  pythonParses,
  sameAnswer,
  textAnswer,
  type AnswerExtractor,
  type AnswerKind,
  type DraftAnswer,
} from './answers.ts';
export {
  bestModel,
  modelMeans,
  paretoModels,
  selectModels,
  type RecordedDraft,
  type RecordedPrompt,
  type RecordedSplits,
  type RecordedTask,
  type SkippedRow,
} from './task.ts';
export type { CurvePoint, RouteMethod, SplitScore } from './bench/method.ts';
export { routeArtifactSchema, routeDraftSchema, routeInput, submittedDraft, type RouteArtifact, type RouteDraft } from './artifact.ts';
export {
  dispatcherInterface,
  DRAFT_FEATURES,
  PROMPT_FEATURES,
  promptFeatures,
  routeFeatureKeys,
  routeFeatures,
  routeInterface,
} from './interface.ts';
export {
  DISPATCHER,
  routeActions,
  routeWorkflow,
  withDraft,
  type ModelReply,
  type RouteModel,
  type RouteWorkflowConfig,
} from './workflow.ts';
export { costScaleOf, recordedAnswers, recordedModels, recordedRouteWorkflow, type RecordedRouteOptions } from './recorded.ts';
export { onDiscreteView, ROUTE_LEARNING, routeHead, routeHeads, type RouteLearner, type RouteLearning } from './heads.ts';
export { defaultEpochs, evaluateRoute, trainRoute, type RouteScore, type RouteTrainOptions, type TrainedRoute } from './train.ts';
export {
  loadRouteHeads,
  ROUTE_HEADS_FORMAT,
  ROUTE_HEADS_VERSION,
  saveRouteHeads,
  type LoadedRouteHeads,
  type RouteHeadsFile,
  type RouteHeadsMeta,
} from './heads-file.ts';
export { DEFAULT_LAMBDAS, learnedMethod, type LearnedMethodOptions } from './methods.ts';

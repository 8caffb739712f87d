// The route bench (issue 13): baselines, metrics and the report of `baton bench route`, on recorded drafts.
export {
  AGREEMENT_LAMBDAS,
  agreementPlanner,
  HINDSIGHT_MAX_DRAFTS,
  hindsightAgreement,
  runAgreementPolicy,
  solveAgreementPolicy,
  type AgreementAction,
  type AgreementOptions,
  type AgreementPolicy,
} from './agreement.ts';
export { oracle, perfectChecker, randomMix, scorePolicy, singleModel, singleModels } from './baselines.ts';
export { allCascades, bestFixedCascade, cascadeLabel, type Cascade } from './cascade.ts';
export { DEFAULT_LEARNED, defaultRouteMethods, learnedMethods } from './defaults.ts';
export { KNN_LAMBDAS, knnRouter, type KnnRouterOptions } from './knn.ts';
export type { CurvePoint, RouteMethod, SplitScore } from './method.ts';
export {
  aiq,
  chooseAtBudget,
  costToReach,
  frontier,
  meanCi,
  routerbenchHull,
  trainFrontier,
  type ChosenPolicy,
  type CostPoint,
} from './metrics.ts';
export { routePlotSvg } from './plot.ts';
export {
  DEFAULT_BUDGETS,
  RULES,
  runRouteBench,
  type MethodReport,
  type ReportPoint,
  type RouteBenchOptions,
  type RouteBenchReport,
} from './run.ts';
export { byMeanCost, taskTable, type TaskTable } from './table.ts';
export { VERDICT_BASELINES, verdict } from './verdict.ts';
export { draftFeatures, fitRidge, supervisedVerifier, type SupervisedVerifierOptions } from './verifier.ts';

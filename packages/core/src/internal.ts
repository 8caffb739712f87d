/**
 * Runtime internals (`@baton/core/internal`): the episode kernel that runtimes are built from (the in-process runtime
 * here, the BullMQ worker in @baton/adapters). Not a stable API: these names may change in any release.
 */
export {
  budgetExhausted,
  checkedGrade,
  checkedWork,
  epochTarget,
  finite,
  gradeFields,
  legalActionsFor,
  returnToGo,
} from './kernel/checks.ts';
export {
  budgetLeft,
  checkAborted,
  decisionEpoch,
  episodeOutcomes,
  newBook,
  newLedger,
  settleSubmit,
  workContext,
  type AgentLedger,
  type DecisionRecord,
  type EpisodeBook,
  type EpisodeRun,
  type EpochOutcome,
  type Holder,
  type PendingTarget,
} from './kernel/epoch.ts';
export { moduleProcessArgs, SOURCE_CONDITION, startModuleWorker } from './module-worker.ts';

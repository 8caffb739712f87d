/**
 * Runtime internals (`@baton/core/internal`) for other runtimes that drive the same episode loop, such as the BullMQ
 * worker in @baton/adapters. Not a stable API: these names may change in any release.
 */
export {
  budgetExhausted,
  checkedGrade,
  checkedWork,
  epochTarget,
  finite,
  gradeFields,
  legalActionsFor,
  returnsToGo,
  type TimedReward,
} from './runtime.ts';

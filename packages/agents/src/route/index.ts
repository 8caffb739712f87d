// Routing one prompt across N vendor models on recorded or live drafts (issue 13).
export {
  ANSWER_EXTRACTORS,
  answerKindOf,
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
  selectModels,
  type RecordedDraft,
  type RecordedPrompt,
  type RecordedSplits,
  type RecordedTask,
  type SkippedRow,
} from './task.ts';
export type { CurvePoint, RouteMethod, SplitScore } from './bench/method.ts';

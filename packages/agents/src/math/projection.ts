import type { AgentInterface, Artifact, Features } from '@baton/core';
import { checkArithmetic } from './arithmetic.ts';
import type { MathDraft } from './draft.ts';
import { lastNumber, numbersIn, sameNumber, statedAnswer } from './numbers.ts';

/**
 * Every feature a math projection can expose, all scaled to roughly [0, 1] so that linear heads need no
 * normalisation. Features of the draft describe the latest attempt; `q*` features describe the problem alone.
 */
export const DRAFT_FEATURES = {
  hasAnswer: 'the latest attempt states a final answer (#### x, \\boxed{x}, "the answer is x")',
  truncated: 'the attempt stops mid-way: no stated answer and no closing punctuation, or it ends inside a number',
  lastIsAnswer: 'the last number in the attempt is its stated answer',
  answerNonInteger: 'the answer read from the attempt is not a whole number (GSM8K answers are)',
  answerNegative: 'the answer read from the attempt is negative',
  answerMagnitude: 'log10(1 + |answer|) / 6',
  arithmeticChecked: 'equations re-computed with mathjs, log1p(count) / 3',
  arithmeticFailed: 'equations whose stated result mathjs contradicts, min(count, 3) / 3',
  unusedQuestionNumbers: 'share of the numbers in the problem that the attempt never uses',
  length: 'characters in the attempt / 2000 (capped at 1.5)',
  steps: 'lines in the attempt / 20 (capped at 1.5)',
  hedging: 'phrases such as "however", "assume", "approximately", "cannot" (capped at 3) / 3',
  answerDerived: 'the answer is the result of an equation the attempt shows',
  answerFromQuestion: 'the answer is a number copied from the problem',
  extraQuestion: 'the attempt goes on after its answer (a new "Question:" or a second ####)',
  agreement: 'the two latest attempts give the same answer (0 with fewer than two)',
  attempts: 'attempts so far / 4',
  verdictFlagged: 'the latest verdict found a problem',
  verdictOk: 'the latest verdict found the attempt sound',
} as const;

export const QUESTION_FEATURES = {
  qLength: 'characters in the problem / 500',
  qNumbers: 'numbers in the problem / 10',
  qPercent: 'the problem mentions a percentage',
  qFraction: 'the problem has a fraction, "half", "third", "quarter" or a decimal',
  qMoney: 'the problem mentions dollars or cents',
  qTime: 'the problem mentions hours, minutes, days, weeks or years',
  qRate: 'the problem uses "per", "each", "every" or "rate"',
  qMultiply: 'the problem uses "twice", "times", "double", "triple"',
  qCompare: 'the problem uses "more than", "less than", "fewer"',
  qSentences: 'sentences in the problem / 10',
  qLargest: 'log10(1 + the largest number in the problem) / 6',
} as const;

export type DraftFeature = keyof typeof DRAFT_FEATURES;
export type QuestionFeature = keyof typeof QUESTION_FEATURES;
export type MathFeature = DraftFeature | QuestionFeature;

const HEDGES = /\b(however|assum\w*|approximately|roughly|cannot|can't|not possible|round(?:ed|ing)?|estimate)\b/gi;

/** The features of the problem alone (what a router that decides before any draft exists may see). */
export function questionFeatures(problem: string): Record<QuestionFeature, number> {
  const nums = numbersIn(problem);
  const largest = nums.reduce((m, n) => Math.max(m, Math.abs(n.value)), 0);
  return {
    qLength: Math.min(problem.length / 500, 2),
    qNumbers: Math.min(nums.length / 10, 2),
    qPercent: /%|percent/i.test(problem) ? 1 : 0,
    qFraction: /\d\/\d|\bhalf\b|\bthird\b|\bquarter\b|\d\.\d/i.test(problem) ? 1 : 0,
    qMoney: /\$|dollar|cent/i.test(problem) ? 1 : 0,
    qTime: /\b(hour|minute|day|week|month|year)s?\b/i.test(problem) ? 1 : 0,
    qRate: /\b(per|each|every|rate)\b/i.test(problem) ? 1 : 0,
    qMultiply: /\b(twice|times|double|triple)\b/i.test(problem) ? 1 : 0,
    qCompare: /\b(more than|less than|fewer)\b/i.test(problem) ? 1 : 0,
    qSentences: Math.min(problem.split(/[.?!](?:\s|$)/).filter((s) => s.trim()).length / 10, 2),
    qLargest: Math.log10(1 + largest) / 6,
  };
}

/** The features of the latest attempt of a draft (zeros, with `attempts` 0, before any attempt exists). */
export function draftFeatures(draft: MathDraft): Record<DraftFeature, number> {
  const attempt = draft.attempts[draft.attempts.length - 1];
  const verdict = draft.verdicts[draft.verdicts.length - 1];
  const previous = draft.attempts[draft.attempts.length - 2];
  const text = attempt?.text ?? '';
  const stated = statedAnswer(text);
  const last = lastNumber(text);
  const answer = stated ?? last;
  const trimmed = text.trimEnd();
  const endsInsideNumber = /\d,\d{0,2}$|\d\.$/.test(trimmed) && stated === undefined;
  const closes = /[.!?)\]}*$]$|\d$/.test(trimmed);
  const steps = checkArithmetic(text);
  const failed = steps.filter((s) => !s.ok).length;
  const questionNums = [...new Set(numbersIn(draft.problem).map((n) => n.value))];
  const draftNums = numbersIn(text).map((n) => n.value);
  const unused = questionNums.filter((q) => !draftNums.some((d) => sameNumber(d, q))).length;
  const hedges = text.match(HEDGES)?.length ?? 0;
  return {
    hasAnswer: stated === undefined ? 0 : 1,
    truncated: attempt && (endsInsideNumber || (stated === undefined && !closes)) ? 1 : 0,
    lastIsAnswer: stated !== undefined && last !== undefined && sameNumber(stated, last) ? 1 : 0,
    answerNonInteger: answer !== undefined && !Number.isInteger(Math.round(answer * 1e6) / 1e6) ? 1 : 0,
    answerNegative: answer !== undefined && answer < 0 ? 1 : 0,
    answerMagnitude: answer === undefined ? 0 : Math.min(Math.log10(1 + Math.abs(answer)) / 6, 2),
    arithmeticChecked: Math.log1p(steps.length) / 3,
    arithmeticFailed: Math.min(failed, 3) / 3,
    unusedQuestionNumbers: questionNums.length ? unused / questionNums.length : 0,
    length: Math.min(text.length / 2000, 1.5),
    steps: Math.min(text.split('\n').filter((l) => l.trim()).length / 20, 1.5),
    hedging: Math.min(hedges, 3) / 3,
    answerDerived: answer !== undefined && steps.some((s) => sameNumber(s.stated, answer)) ? 1 : 0,
    answerFromQuestion: answer !== undefined && questionNums.some((q) => sameNumber(q, answer)) ? 1 : 0,
    extraQuestion: /question:/i.test(text) || (text.match(/####/g)?.length ?? 0) > 1 ? 1 : 0,
    agreement: attempt?.answer != null && previous?.answer != null && sameNumber(attempt.answer, previous.answer) ? 1 : 0,
    attempts: draft.attempts.length / 4,
    verdictFlagged: verdict && !verdict.ok ? 1 : 0,
    verdictOk: verdict?.ok ? 1 : 0,
  };
}

/** All features of a draft: the latest attempt's and the problem's. */
export function mathFeatures(draft: MathDraft): Record<MathFeature, number> {
  return { ...draftFeatures(draft), ...questionFeatures(draft.problem) };
}

/**
 * An agent's window on a math draft: exactly the named features. Projections are memoised by artifact hash, since
 * re-checking arithmetic with mathjs is the costly part and the same version is projected by several heads.
 * @example
 * const checkerView = mathInterface(['hasAnswer', 'arithmeticFailed', 'verdictFlagged']);
 */
export function mathInterface(keys: readonly MathFeature[], options: { privateState?: boolean } = {}): AgentInterface<MathDraft> {
  const cache = new Map<string, Features>();
  const privateKeys = options.privateState ? ['receipts', 'handoffsLeft'] : [];
  return {
    projectionKeys: keys,
    privateKeys,
    project(artifact: Artifact<MathDraft>): Features {
      const hit = cache.get(artifact.hash);
      if (hit) return hit;
      const all = mathFeatures(artifact.value);
      const picked: Record<string, number> = {};
      for (const key of keys) picked[key] = all[key];
      if (cache.size > 50_000) cache.clear();
      cache.set(artifact.hash, picked);
      return picked;
    },
    ...(options.privateState
      ? { privateState: (local, budget) => ({ receipts: Math.min(local.receipts, 4) / 4, handoffsLeft: Math.min(budget.handoffs, 4) / 4 }) }
      : {}),
  };
}

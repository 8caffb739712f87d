import { z } from 'zod';
import type { MathDraft } from './draft.ts';

/** A role: what the model is told, and the shape its answer must have. */
export interface MathRole<O> {
  readonly name: 'solver' | 'verifier' | 'refiner' | 'critic';
  readonly system: string;
  /** The user message for the current draft. */
  prompt(draft: MathDraft): string;
  readonly output: z.ZodType<O>;
}

const latest = (draft: MathDraft): string => draft.attempts[draft.attempts.length - 1]?.text ?? '(no attempt yet)';

export const solverOutput = z.object({ reasoning: z.string(), answer: z.number() });
export const verdictOutput = z.object({ ok: z.boolean(), issues: z.array(z.string()).default([]) });

/** Solves the problem step by step and gives one number. */
export const solverRole: MathRole<z.infer<typeof solverOutput>> = {
  name: 'solver',
  system: 'You solve grade-school math word problems. Reason step by step, then give the final answer as a single number.',
  prompt: (draft) => `${draft.problem}\n\nAnswer with a JSON object {"reasoning": string, "answer": number}.`,
  output: solverOutput,
};

/** Checks the latest attempt and says whether it is sound. */
export const verifierRole: MathRole<z.infer<typeof verdictOutput>> = {
  name: 'verifier',
  system: 'You check solutions to math word problems. Recompute every step; do not trust the solution.',
  prompt: (draft) =>
    `Problem:\n${draft.problem}\n\nProposed solution:\n${latest(draft)}\n\nAnswer with a JSON object {"ok": boolean, "issues": string[]}.`,
  output: verdictOutput,
};

/** Points out what is wrong with the latest attempt (no verdict on the whole). */
export const criticRole: MathRole<z.infer<typeof verdictOutput>> = {
  name: 'critic',
  system: 'You criticise solutions to math word problems: list concrete mistakes, misread quantities and unused facts.',
  prompt: (draft) =>
    `Problem:\n${draft.problem}\n\nSolution:\n${latest(draft)}\n\nAnswer with a JSON object {"ok": boolean, "issues": string[]}.`,
  output: verdictOutput,
};

/** Rewrites the latest attempt, fixing the issues raised by the verdicts. */
export const refinerRole: MathRole<z.infer<typeof solverOutput>> = {
  name: 'refiner',
  system: 'You repair solutions to math word problems, fixing every issue raised, and give the corrected final number.',
  prompt: (draft) =>
    `Problem:\n${draft.problem}\n\nSolution:\n${latest(draft)}\n\nIssues raised:\n${draft.verdicts.map((v) => `- ${v.note || (v.ok ? 'ok' : 'flagged')}`).join('\n') || '- none'}\n\n` +
    'Answer with a JSON object {"reasoning": string, "answer": number}.',
  output: solverOutput,
};

import { readFileSync } from 'node:fs';
import { goldAnswer } from '@baton/agents';
import { UserError } from '@baton/core';
import { z } from 'zod';

/** One problem to train or evaluate on: the question, and the gold number when it is known. */
export interface Problem {
  readonly question: string;
  readonly gold?: number;
}

const lineSchema = z.object({
  question: z.string().min(1),
  answer: z.union([z.string(), z.number()]),
});

/**
 * Problems from a GSM8K-style JSONL file: one `{"question": "...", "answer": "... #### 42"}` per line (`answer` may
 * also be the bare number). Errors name the file and line.
 */
export function loadProblems(path: string, field = 'problems'): Problem[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`, { field, cause: error });
  }
  const problems: Problem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new UserError(`${where}: not a JSON object`, { field });
    }
    const parsed = lineSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`${where}: ${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`, { field });
    }
    const { question, answer } = parsed.data;
    const gold = typeof answer === 'number' ? answer : goldAnswer(answer);
    if (gold === undefined) throw new UserError(`${where}: answer: no "#### <number>" gold answer`, { field });
    problems.push({ question, gold });
  });
  if (problems.length === 0) throw new UserError(`${path} has no problems`, { field });
  return problems;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkArithmetic, draftFeatures, gradeAnswer, parseNumber, sameNumber, statedAnswer } from '@baton/agents';
import { gsm8kRecordings } from '../../../../test/shared-data.ts';

describe('grader', () => {
  it('reads numbers the way people write them', () => {
    expect(parseNumber('$1,000.00')).toBe(1000);
    expect(parseNumber('1,000')).toBe(1000);
    expect(parseNumber('12.50')).toBe(12.5);
    expect(parseNumber('-$5')).toBe(-5);
    expect(parseNumber('25%')).toBe(25);
    expect(parseNumber('3/4')).toBe(0.75);
    expect(parseNumber('ten')).toBeUndefined();
    expect(sameNumber(12.5, 12.50000001)).toBe(true);
  });

  it('grades the stated answer, not the last number, and never guesses', () => {
    expect(gradeAnswer('so 9 * $2 = $18.\n#### $1,000.00', 1000)).toBe(1);
    expect(gradeAnswer('The answer is 12.50 dollars, from 3 items', 12.5)).toBe(1);
    expect(gradeAnswer('#### 17', 18)).toBe(0);
    expect(gradeAnswer('', 18)).toBe(0);
    expect(statedAnswer('no final answer here')).toBeUndefined();
  });
});

describe('arithmetic checker', () => {
  it('re-computes calculator annotations and written equations', () => {
    const steps = checkArithmetic('She has 16 - 3 = 13 eggs. Then <<13-4=9>>9. So $80,000 + $50,000 = $140,000');
    expect(steps.map((s) => s.ok)).toEqual([true, true, false]);
  });
});

// Real drafts from the recorded data (RouteLLM GSM8K): the first rows of the CSV, quoted here verbatim.
const gsm8k = gsm8kRecordings();
let csv: string | undefined;
const draftOf = (problemStart: string, responseStart: string): { problem: string; text: string } => {
  csv ??= readFileSync(join(gsm8k.dir, 'gsm8k_responses.csv'), 'utf8');
  const i = csv.indexOf(problemStart);
  const j = csv.indexOf(responseStart, i);
  const end = csv.indexOf('","', j);
  const problemEnd = csv.indexOf('?', i) + 1;
  return { problem: csv.slice(i, problemEnd), text: csv.slice(j, end) };
};

describe.skipIf(gsm8k.missing)('projection on real drafts', () => {
  it('a clean Mixtral draft: answer stated, last number is the answer, arithmetic holds', () => {
    const { problem, text } = draftOf('Janet’s ducks', ' Janet starts');
    const f = draftFeatures({ problem, attempts: [{ author: 'weak', model: 'mixtral', text, answer: 18 }], verdicts: [] });
    expect(f.hasAnswer).toBe(1);
    expect(f.lastIsAnswer).toBe(1);
    expect(f.truncated).toBe(0);
    expect(f.arithmeticFailed).toBe(0);
    expect(f.arithmeticChecked).toBeGreaterThan(0);
    expect(f.answerDerived).toBe(1);
  });

  it('a cut-off Mixtral draft: no answer, truncated, question numbers unused', () => {
    const { problem, text } = draftOf('Josh decides to try flipping', ' The house');
    const f = draftFeatures({ problem, attempts: [{ author: 'weak', model: 'mixtral', text, answer: null }], verdicts: [] });
    expect(f.hasAnswer).toBe(0);
    expect(f.truncated).toBe(1);
    expect(f.unusedQuestionNumbers).toBeGreaterThan(0);
  });
});

import { ModelBehaviorError, UserError } from '@baton/core';
import { ScriptedModel } from '@baton/core/test';
import { describe, expect, it } from 'vitest';
import { createJudge, createJudgePanel, defineRubric, spread } from './index.ts';

const rubric = defineRubric({
  id: 'test',
  version: 'v1',
  axes: [
    { id: 'correctness', description: 'every step follows', weight: 3 },
    { id: 'clarity', description: 'easy to check', weight: 1 },
  ],
});
const verdict = (c: number, k: number) =>
  JSON.stringify({ scores: { correctness: { score: c, reason: 'r' }, clarity: { score: k, reason: 'r' } } });
const subject = { task: 'Prove 1 + 1 = 2.', response: 'By definition.' };

describe('judge', () => {
  it('scores with temperature 0 and a seed, weighting axes', async () => {
    const model = new ScriptedModel([verdict(8, 4)]);
    const v = await createJudge({ model, rubric }).grade(subject);
    expect(v.score).toBeCloseTo(0.75 * 0.8 + 0.25 * 0.4, 12);
    expect(v.rubric).toEqual({ id: 'test', version: 'v1' });
    expect(model.calls[0]?.options).toMatchObject({ temperature: 0, seed: 7, json: true });
  });

  it('repairs an out-of-range score, then throws ModelBehaviorError rather than defaulting', async () => {
    const repaired = await createJudge({ model: new ScriptedModel([verdict(11, 4), verdict(9, 4)]), rubric }).grade(subject);
    expect(repaired.attempts).toBe(2);
    const never = createJudge({ model: new ScriptedModel(['no json here']), rubric, maxRepairs: 1 });
    await expect(never.grade(subject)).rejects.toBeInstanceOf(ModelBehaviorError);
  });

  it('rejects bad rubrics by field', () => {
    expect(() => defineRubric({ id: 'x', version: '', axes: [] })).toThrow(UserError);
    expect(() => defineRubric({ id: 'x', version: '1', axes: [{ id: 'a', description: '', weight: 0 }] })).toThrow(/weight/);
  });
});

describe('panel', () => {
  it('combines by weighted mean and discounts the reward by disagreement', async () => {
    const a = createJudge({ id: 'a', model: new ScriptedModel([verdict(10, 10)]), rubric });
    const b = createJudge({ id: 'b', model: new ScriptedModel([verdict(4, 4)]), rubric });
    const panel = createJudgePanel({ judges: [a, { judge: b, weight: 3 }], lambda: 0.5 });
    const v = await panel.grade(subject);
    expect(v.score).toBeCloseTo(0.25 * 1 + 0.75 * 0.4, 12);
    expect(v.disagreement.range).toBeCloseTo(0.6, 12);
    expect(v.reward).toBeCloseTo(v.score * (1 - 0.5 * 0.6), 12);
  });

  it('measures spread', () => {
    expect(spread([0, 1], [1, 1])).toEqual({ mean: 0.5, stdDev: 0.5, range: 1 });
  });

  it('pairwise: a judge that always prefers the first position cancels to 0.5', async () => {
    const biased = createJudge({ model: new ScriptedModel([JSON.stringify({ winner: 'first', reason: 'first is better' })]), rubric });
    const v = await biased.compare({ task: 't', a: 'A', b: 'B' });
    expect(v.preferA).toBe(0.5);
    expect(v.consistent).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { answerKindOf, choiceAnswer, codeAnswer, isRefusal, numberAnswer, sameAnswer, textAnswer } from '@baton/agents/route';

const prompt = 'Which gas do plants take in?\nA) oxygen\nB) carbon dioxide\nC) helium\nD) neon\nReply with one letter. Answer:';

describe('answer extraction', () => {
  it('reads the option letter however it is phrased', () => {
    for (const text of ['B', 'B\n', 'B)', '(B) carbon dioxide', 'The answer is B.', 'Answer: (B)', 'carbon dioxide', 'Option B'])
      expect(choiceAnswer(text, prompt).value, text).toBe('B');
  });
  it('gives no answer, and flags a refusal, for a reply that declines', () => {
    const a = choiceAnswer("I don't have enough information to choose.", prompt);
    expect(a).toEqual({ value: null, refusal: true, wellFormed: false });
    expect(isRefusal('I do')).toBe(true);
    expect(choiceAnswer('Z', prompt).value).toBeNull();
  });
  it('reads numbers the way GSM8K writes them and compares them with tolerance', () => {
    expect(numberAnswer('She pays $1,000.00 in total.\n#### 1000', '').value).toBe('1000');
    expect(numberAnswer('3 apples and 4 pears make 7', '').value).toBe('7');
    expect(sameAnswer(numberAnswer('#### 12.50', ''), numberAnswer('the answer is 12.5', ''))).toBe(true);
    expect(numberAnswer('no digits here', '').value).toBeNull();
  });
  it('reads code by its function signature and checks that it parses', () => {
    const good = codeAnswer('Here:\n```python\ndef add(a, b):\n    return a + b\n```', '');
    expect(good).toEqual({ value: 'add/2', refusal: false, wellFormed: true });
    const broken = codeAnswer('```python\ndef add(a, b):\n    return a +\n```', '');
    expect(broken.value).toBe('add/2');
    expect(broken.wellFormed).toBe(false);
    expect(codeAnswer('```js\nfunction add(a, b) { return a + b; }\n```', '').value).toBeNull();
    expect(codeAnswer('```python\ndef divide\\_list(xs):\n    return xs\n```', '').value).toBe('divide_list/1');
  });
  it('never lets two missing answers agree', () => {
    expect(sameAnswer({ value: null, refusal: false, wellFormed: false }, { value: null, refusal: false, wellFormed: false })).toBe(false);
    expect(sameAnswer(textAnswer('Paris', ''), textAnswer('paris', ''))).toBe(true);
  });
  it('picks the kind from the task name, else the prompt', () => {
    expect(answerKindOf('arc_challenge')).toBe('choice');
    expect(answerKindOf('mbpp')).toBe('code');
    expect(answerKindOf('gsm8k')).toBe('number');
    expect(answerKindOf('my_task', prompt)).toBe('choice');
    expect(answerKindOf('my_task', 'Write a haiku')).toBe('text');
    // The first name that names a kind wins: a data set's eval_name before a file name that names none or another.
    expect(answerKindOf(['mbpp', 'arc_challenge'], prompt)).toBe('code');
    expect(answerKindOf(['', 'my_task', 'gsm8k'])).toBe('number');
  });
});

import { parser as pythonParser } from '@lezer/python';
import { numbersIn, sameNumber } from '../math/numbers.ts';

/**
 * Reading the answer a draft stands behind, by task kind. Route heads compare drafts by these answers (agreement,
 * distinct answers, refusal), so an extractor must map every phrasing of one answer to one value.
 */
export type AnswerKind = 'choice' | 'number' | 'code' | 'text';

/** What one draft says. `value` is null when the draft gives no answer of its kind (a refusal, an empty reply, no code). */
export interface DraftAnswer {
  readonly value: string | null;
  /** The draft declines or says it cannot answer. */
  readonly refusal: boolean;
  /** The answer has the task's form (a listed option, a number, code that parses); false for value null. */
  readonly wellFormed: boolean;
}

/** Reads a draft's answer; `prompt` is what the model was asked (options are read from it). Pluggable per task. */
export type AnswerExtractor = (text: string, prompt: string) => DraftAnswer;

const REFUSAL =
  /^\s*I do\b|\b(?:I (?:do not|don't|cannot|can't|am unable|am not able|apologi[sz]e)|unfortunately|as an ai|not enough information|i'm sorry|i am sorry)\b/i;

/** Whether a reply reads as declining to answer. */
export function isRefusal(text: string): boolean {
  return REFUSAL.test(text.slice(0, 400));
}

/** The options a multiple-choice prompt lists last (`A) text` lines), letter -> option text. */
export function promptOptions(prompt: string): Map<string, string> {
  const tail = prompt.slice(Math.max(0, prompt.lastIndexOf('Answer:', prompt.length - 8) - 2000));
  const options = new Map<string, string>();
  for (const m of tail.matchAll(/^\s*\(?([A-J])[).:]\s+(.+)$/gm)) {
    const letter = m[1] as string;
    if (letter === 'A') options.clear();
    options.set(letter, (m[2] as string).trim());
  }
  return options;
}

/** Multiple choice: the option letter, however phrased ("B", "B)", "(B) ...", "The answer is B", or the option's own text). */
export const choiceAnswer: AnswerExtractor = (text, prompt) => {
  const options = promptOptions(prompt);
  const letters = options.size > 0 ? [...options.keys()].join('') : 'ABCDE';
  const t = text.trim();
  const patterns = [
    new RegExp(`^\\(?([${letters}])\\)?(?:[).:,\\s]|$)`),
    new RegExp(`answer(?: is|:)?\\s*\\(?([${letters}])\\b`, 'i'),
    new RegExp(`\\b(?:option|choice)\\s*\\(?([${letters}])\\b`, 'i'),
  ];
  for (const re of patterns) {
    const m = re.exec(t);
    if (m) return { value: m[1] as string, refusal: false, wellFormed: true };
  }
  const lower = t.toLowerCase();
  for (const [letter, option] of options) {
    if (option.length > 0 && lower.startsWith(option.toLowerCase())) return { value: letter, refusal: false, wellFormed: true };
  }
  return { value: null, refusal: isRefusal(t), wellFormed: false };
};

/** Numeric answers: the number after "####" or "answer is", else the last number in the reply. */
export const numberAnswer: AnswerExtractor = (text) => {
  const marked = /(?:####|answer(?: is|:))\s*([^\n]*)/i.exec(text);
  const found = numbersIn(marked ? (marked[1] as string) : text);
  const pick = marked ? found[0] : found[found.length - 1];
  if (pick === undefined) return { value: null, refusal: isRefusal(text), wellFormed: false };
  return { value: canonicalNumber(pick.value), refusal: false, wellFormed: true };
};

function canonicalNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** The code a reply carries: the fenced blocks if any, else the reply itself. */
export function codeOf(text: string): string {
  const blocks = [...text.matchAll(/```[a-zA-Z0-9]*\n([\s\S]*?)(?:```|$)/g)].map((m) => m[1] as string);
  // Some models escape markdown inside code (`divide\_list`): undo it so the code reads as written.
  return (blocks.length > 0 ? blocks.join('\n') : text).replace(/\\([_*])/g, '$1');
}

/** Whether Python source parses (lezer's incremental parser: error nodes mean a syntax error). */
export function pythonParses(source: string): boolean {
  let errors = 0;
  pythonParser.parse(source).iterate({
    enter: (node) => {
      if (node.type.isError) errors++;
    },
  });
  return errors === 0;
}

/**
 * Code: the defined function's signature (name and parameter count) is the answer two drafts can agree on; well
 * formed when the code parses. Null when no function is defined.
 */
export const codeAnswer: AnswerExtractor = (text) => {
  const code = codeOf(text);
  const defs = [...code.matchAll(/^\s*def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)/gm)];
  const last = defs[defs.length - 1];
  if (last === undefined) return { value: null, refusal: isRefusal(text), wellFormed: false };
  const params = (last[2] as string).split(',').filter((p) => p.trim() !== '' && !p.trim().startsWith('*')).length;
  return { value: `${last[1] as string}/${params}`, refusal: false, wellFormed: pythonParses(code) };
};

/** Free text: the first line, lower-cased with spaces collapsed. */
export const textAnswer: AnswerExtractor = (text) => {
  const line = (text.trim().split('\n')[0] ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  if (line === '') return { value: null, refusal: false, wellFormed: false };
  const refusal = isRefusal(text);
  return { value: refusal ? null : line, refusal, wellFormed: !refusal };
};

/** The built-in extractor per kind. */
export const ANSWER_EXTRACTORS: Readonly<Record<AnswerKind, AnswerExtractor>> = {
  choice: choiceAnswer,
  number: numberAnswer,
  code: codeAnswer,
  text: textAnswer,
};

/** Whether two extracted answers are the same answer (numbers within tolerance; nulls never agree). */
export function sameAnswer(a: DraftAnswer, b: DraftAnswer): boolean {
  if (a.value === null || b.value === null) return false;
  if (a.value === b.value) return true;
  const x = Number(a.value);
  const y = Number(b.value);
  return Number.isFinite(x) && Number.isFinite(y) && a.value.trim() !== '' && b.value.trim() !== '' && sameNumber(x, y);
}

/** The kind a task name implies (RouterBench's names: mbpp code, gsm8k number, arc choice, ...), or undefined. */
export function kindNamedBy(taskName: string): AnswerKind | undefined {
  const name = taskName.toLowerCase();
  if (/mbpp|humaneval|code/.test(name)) return 'code';
  if (/gsm|math/.test(name)) return 'number';
  if (/arc|mmlu|hellaswag|winogr|choice/.test(name)) return 'choice';
  return undefined;
}

/**
 * The kind the first of `names` that names one implies (e.g. a file's `eval_name`, then the file's name), else from
 * the prompt's shape: listed options mean choice, anything else free text.
 */
export function answerKindOf(names: string | readonly string[], samplePrompt = ''): AnswerKind {
  for (const name of typeof names === 'string' ? [names] : names) {
    const kind = kindNamedBy(name);
    if (kind) return kind;
  }
  return promptOptions(samplePrompt).size >= 2 ? 'choice' : 'text';
}

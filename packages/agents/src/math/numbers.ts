/**
 * Reading numbers out of model text. GSM8K answers come as "$1,000.00", "1,000", "12.50", "3/4" or "25%"; the
 * grader and the projections must see them as the same numbers a person would.
 */

/** A number as it appears in text: digits with optional thousands commas, decimals, a leading sign or dollar. */
const NUMBER = /(?<![\w.])-?\$?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\w)|(?<![\w.])-?\.\d+(?!\w)/g;

/** Parses one number written the way people write them; undefined when the text is not a number. */
export function parseNumber(text: string): number | undefined {
  let t = text.trim().replace(/^\$\s?|^-\$\s?/, (m) => (m.startsWith('-') ? '-' : ''));
  t = t.replace(/\s/g, '').replace(/%$/, '').replace(/\.$/, '');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  const fraction = /^(-?\d+)\/(\d+)$/.exec(t);
  if (fraction) {
    const den = Number(fraction[2]);
    return den === 0 ? undefined : Number(fraction[1]) / den;
  }
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Every number in `text`, in order, with its position. */
export function numbersIn(text: string): { value: number; index: number; raw: string }[] {
  const out: { value: number; index: number; raw: string }[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const value = parseNumber(m[0]);
    if (value !== undefined) out.push({ value, index: m.index, raw: m[0] });
  }
  return out;
}

/** Whether two numbers are the same answer (relative tolerance 1e-6, so 12.50 = 12.5 and 1000.00 = 1000). */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The number after `#### ` (GSM8K's gold format) or undefined. */
export function goldAnswer(answerText: string): number | undefined {
  const m = /####\s*([^\n]+)/.exec(answerText);
  return m?.[1] === undefined ? undefined : parseNumber(m[1].trim());
}

/**
 * The final answer a draft states: `#### x`, `\boxed{x}`, "the answer is x" / "answer: x" (last occurrence wins).
 * Undefined when the draft states none; callers must not fall back to a guess silently.
 */
export function statedAnswer(text: string): number | undefined {
  const patterns = [/####\s*([^\n]*)/g, /\\boxed\{([^}]*)\}/g, /answer(?:\s+is|:)\s*([^\n]*)/gi];
  for (const pattern of patterns) {
    const hits = [...text.matchAll(pattern)];
    const last = hits[hits.length - 1];
    if (last?.[1] !== undefined) {
      const nums = numbersIn(last[1]);
      const first = nums[0];
      if (first) return first.value;
    }
  }
  return undefined;
}

/** The last number in the text (RouteLLM's GSM8K label rule grades this one). */
export function lastNumber(text: string): number | undefined {
  const nums = numbersIn(text);
  return nums[nums.length - 1]?.value;
}

/** The answer a grader should read from a draft: the stated answer, else the last number in it. */
export function answerOf(text: string): number | undefined {
  return statedAnswer(text) ?? lastNumber(text);
}

/** Grades a response against a gold number: 1 when the answer it gives equals gold, 0 otherwise (no answer = 0). */
export function gradeAnswer(response: string | number | undefined, gold: number): 0 | 1 {
  const answer = typeof response === 'string' ? answerOf(response) : response;
  return answer !== undefined && sameNumber(answer, gold) ? 1 : 0;
}

import { evaluate } from 'mathjs';
import { parseNumber } from './numbers.ts';

/** One equation a draft wrote down, re-computed. */
export interface ArithmeticStep {
  readonly expression: string;
  readonly stated: number;
  readonly computed: number;
  readonly ok: boolean;
}

const NUM = String.raw`\$?\d[\d,]*(?:\.\d+)?%?`;
const OPERAND = String.raw`\(*\s*${NUM}\s*\)*`;
const TEXT_EQUATION = new RegExp(String.raw`(${OPERAND}(?:\s*[-+*/x×÷]\s*${OPERAND})+)\s*=\s*(-?${NUM})`, 'g');
const CALCULATOR = /<<([^=<>]+)=([^<>]+)>>/g;

function toMathjs(expression: string): string {
  return expression
    .replace(/\$/g, '')
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/(\d+(?:\.\d+)?)%/g, '($1/100)')
    .replace(/[x×]/g, '*')
    .replace(/÷/g, '/');
}

/** Whether `computed` equals `stated` once rounded the way the draft rounded it (2.33 for 7/3 is fine). */
function agrees(computed: number, stated: number, statedText: string): boolean {
  const decimals = /\.(\d+)/.exec(statedText)?.[1]?.length ?? 0;
  const tolerance = Math.max(1e-6 * Math.max(1, Math.abs(stated)), decimals > 0 ? 0.5 * 10 ** -decimals + 1e-9 : 0);
  if (Math.abs(computed - stated) <= tolerance) return true;
  // Rounded to a whole number of items, or a percent written as its number.
  return (
    (decimals === 0 && Math.abs(computed - stated) < 0.5 && !Number.isInteger(computed)) || Math.abs(computed * 100 - stated) <= tolerance
  );
}

function check(expression: string, statedText: string): ArithmeticStep | undefined {
  const stated = parseNumber(statedText.replace(/%$/, ''));
  if (stated === undefined) return undefined;
  let computed: unknown;
  try {
    computed = evaluate(toMathjs(expression));
  } catch {
    return undefined;
  }
  if (typeof computed !== 'number' || !Number.isFinite(computed)) return undefined;
  return { expression: expression.trim(), stated, computed, ok: agrees(computed, stated, statedText) };
}

/**
 * Re-computes every equation a draft shows: GSM8K calculator annotations `<<48/2=24>>` and written chains like
 * `16 - 3 = 13` or `$80,000 + $50,000 = $130,000`. Equations mathjs cannot read are skipped, never guessed.
 */
export function checkArithmetic(text: string): ArithmeticStep[] {
  const steps: ArithmeticStep[] = [];
  for (const m of text.matchAll(CALCULATOR)) {
    const step = check(m[1] ?? '', (m[2] ?? '').trim());
    if (step) steps.push(step);
  }
  const withoutCalculator = text.replace(CALCULATOR, ' ');
  for (const m of withoutCalculator.matchAll(TEXT_EQUATION)) {
    const step = check(m[1] ?? '', m[2] ?? '');
    if (step) steps.push(step);
  }
  return steps;
}

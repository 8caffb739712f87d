/**
 * Python list-of-strings literals, as pandas writes a list column to CSV (`['text']`, `["it's"]`): RouterBench keeps
 * every prompt and response in that form. Parsed by a scanner (never eval), written back as Python's `repr` would.
 */

/** A cell that is not a Python list of string literals; `offset` is where in the cell reading stopped. */
export class PythonLiteralError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} at character ${offset + 1}`);
    this.name = 'PythonLiteralError';
    this.offset = offset;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * The strings of a Python list literal such as `['a\\nb', "it's"]`. Understands both quote styles, the `u` prefix,
 * and the escapes `repr` emits (`\\n \\t \\r \\\\ \\' \\" \\xhh \\uhhhh \\Uhhhhhhhh`, octal, line continuation);
 * an unknown escape keeps its backslash, as in Python; a raw line break (hand-written files) is kept. Throws PythonLiteralError on anything else.
 */
export function parsePythonStringList(cell: string): string[] {
  let i = 0;
  const skipSpace = (): void => {
    while (isSpace(cell[i])) i++;
  };
  skipSpace();
  if (cell[i] !== '[') throw new PythonLiteralError('expected "["', i);
  i++;
  const out: string[] = [];
  for (;;) {
    skipSpace();
    if (cell[i] === ']') {
      i++;
      break;
    }
    const { value, end } = readString(cell, i);
    out.push(value);
    i = end;
    skipSpace();
    if (cell[i] === ',') {
      i++;
      continue;
    }
    if (cell[i] === ']') {
      i++;
      break;
    }
    throw new PythonLiteralError('expected "," or "]"', i);
  }
  skipSpace();
  if (i !== cell.length) throw new PythonLiteralError('unexpected text after "]"', i);
  return out;
}

function readString(cell: string, start: number): { value: string; end: number } {
  let i = start;
  if (cell[i] === 'u' || cell[i] === 'U') i++;
  const quote = cell[i];
  if (quote !== "'" && quote !== '"') throw new PythonLiteralError('expected a string literal', i);
  i++;
  let value = '';
  // Copy runs without escapes in one slice: responses are long and escapes comparatively rare.
  let run = i;
  for (;;) {
    const c = cell[i];
    if (c === undefined) throw new PythonLiteralError('unterminated string', start);
    if (c === quote) {
      value += cell.slice(run, i);
      return { value, end: i + 1 };
    }
    if (c !== '\\') {
      i++;
      continue;
    }
    value += cell.slice(run, i);
    const e = cell[i + 1];
    if (e === undefined) throw new PythonLiteralError('unterminated string', start);
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const digits = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = cell.slice(i + 2, i + 2 + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) throw new PythonLiteralError(`bad \\${e} escape`, i);
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) throw new PythonLiteralError('code point above U+10FFFF', i);
      // A lone \ud83d\ude00 pair written by Python as two escapes joins back into one character here.
      value += code <= 0xffff ? String.fromCharCode(code) : String.fromCodePoint(code);
      i += 2 + digits;
    } else if (e >= '0' && e <= '7') {
      const octal = /^[0-7]{1,3}/.exec(cell.slice(i + 1, i + 4))?.[0] ?? e;
      value += String.fromCharCode(Number.parseInt(octal, 8));
      i += 1 + octal.length;
    } else if (e === '\n') {
      i += 2;
    } else {
      value += '\\';
      i += 1;
    }
    run = i;
  }
}

/**
 * Python's `repr` of a list of strings: single quotes unless a string holds `'` and no `"`; `\\\\ \\n \\r \\t` and
 * the quote escaped; other control characters as `\\xhh`. `parsePythonStringList` reads it back exactly.
 */
export function pythonStringListRepr(items: readonly string[]): string {
  return `[${items.map(pythonStringRepr).join(', ')}]`;
}

function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

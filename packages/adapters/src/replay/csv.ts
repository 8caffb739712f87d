import { readFileSync } from 'node:fs';
import { UserError } from '@baton/core';
import { parse } from 'csv-parse/sync';

/** One CSV row with the line it starts on (1-based, header is line 1). */
export interface CsvRow {
  readonly line: number;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Reads a UTF-8 text file. A NUL byte or a byte sequence that is not UTF-8 (decoded as U+FFFD) means binary or
 * mis-encoded input: a UserError naming the line, before any of its bytes reach an error message.
 */
function readText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`, { field: 'data', cause: error, code: 'user.unreadable-file' });
  }
  const bad = [text.indexOf('\u0000'), text.indexOf('\ufffd')].filter((i) => i >= 0).sort((x, y) => x - y)[0] ?? -1;
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    throw new UserError(`${file}:${line}: not UTF-8 text (binary data, or another encoding); save it as UTF-8 CSV/JSONL`, {
      field: 'data',
      code: 'user.bad-data',
    });
  }
  return text;
}

/** Reads a CSV file with a header row. Malformed CSV is a UserError naming the file, line and column. */
export function readCsv(file: string): { header: string[]; rows: CsvRow[] } {
  const text = readText(file);
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    records = parse<{ record: Record<string, string>; info: { lines: number } }>(text, {
      columns: (h: string[]) => (header = h),
      info: true,
      relax_quotes: false,
      skip_empty_lines: true,
      bom: true,
    });
  } catch (error) {
    const e = error as { lines?: number; column?: number; message: string };
    throw new UserError(`${file}:${e.lines ?? '?'}${e.column === undefined ? '' : `:${e.column}`}: ${e.message}`, {
      field: 'data',
      cause: error,
      code: 'user.bad-csv',
    });
  }
  // info.lines is the line a record ends on; a record starts after the previous one ended.
  let previousEnd = 1;
  const rows = records.map(({ record, info }) => {
    const row = { line: previousEnd + 1, fields: record };
    previousEnd = info.lines;
    return row;
  });
  return { header, rows };
}

/** A UserError pointing at one cell of a CSV file. */
export function cellError(file: string, line: number, column: string, message: string): UserError {
  return new UserError(`${file}:${line}: column "${column}": ${message}`, { field: 'data', code: 'user.bad-data' });
}

/** Reads a JSONL file; a bad line is a UserError naming file and line. */
export function readJsonl(file: string): unknown[] {
  return readJsonlRows(file).map((r) => r.value);
}

/** Reads a JSONL file keeping each value's line (blank lines skipped); a bad line is a UserError naming file and line. */
export function readJsonlRows(file: string): { line: number; value: unknown }[] {
  const text = readText(file);
  const out: { line: number; value: unknown }[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(line) });
    } catch (error) {
      throw new UserError(`${file}:${i + 1}: not JSON (${(error as Error).message})`, {
        field: 'data',
        cause: error,
        code: 'user.bad-data',
      });
    }
  });
  return out;
}

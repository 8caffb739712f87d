import { UserError } from '@baton/core';
import type { AuditRecord } from './format.ts';
import { forEachAuditLine } from './lines.ts';
import { checkRecord } from './schema.ts';

/** The records of a log and how it ends: what a reader must say when it shows a log that is not whole. */
export interface AuditRecords {
  readonly records: AuditRecord[];
  /** The last line of the file was cut short (no newline), as a crash mid-write leaves it; it is not in `records`. */
  readonly tornTail: boolean;
  /** The log ends with its seal record: the writer closed it. */
  readonly sealed: boolean;
}

/** A record line checked against the record schema; a UserError naming the line and field when it is not one. */
function parseRecord(line: string, index: number): AuditRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new UserError(`not an audit record (not JSON: ${(error as Error).message})`, {
      field: `line ${index + 1}`,
      cause: error,
      code: 'user.audit-malformed',
    });
  }
  const checked = checkRecord(value);
  if (!checked.ok)
    throw new UserError(`not an audit record (${checked.problem})`, {
      field: `line ${index + 1}`,
      code: 'user.audit-malformed',
    });
  return checked.record;
}

/**
 * Reads the records of a log (file path or lines), each checked against the record schema, and says whether the
 * file ends torn or unsealed. Throws a UserError naming the line and the field when a complete line is not a valid
 * record. Does not check hashes (use verifyAuditLog for that).
 */
export async function readAuditRecords(source: string | readonly string[]): Promise<AuditRecords> {
  const records: AuditRecord[] = [];
  let tornTail = false;
  if (typeof source === 'string') {
    const { torn } = await forEachAuditLine(source, (line) => records.push(parseRecord(line, records.length)) > 0);
    tornTail = torn !== undefined;
  } else {
    for (const line of source) records.push(parseRecord(line, records.length));
  }
  return { records, tornTail, sealed: records[records.length - 1]?.kind === 'seal' };
}

/** The records of a log, as readAuditRecords reads them, without how it ends. */
export async function readAuditLog(source: string | readonly string[]): Promise<AuditRecord[]> {
  return (await readAuditRecords(source)).records;
}

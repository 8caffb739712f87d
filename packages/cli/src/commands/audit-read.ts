import { UserError } from '@baton/core';
import { readFile } from 'node:fs/promises';

/** The text of an audit log, or a UserError (exit 2) when it cannot be read or is not an audit log at all. */
export async function readAuditText(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { field: 'FILE', cause: error });
  }
  // Every log begins with its genesis record; anything else is the wrong file, not a tampered log.
  if (!text.startsWith('{"seq":0,')) throw new UserError(`${file} is not a Baton audit log (no genesis record)`, { field: 'FILE' });
  return text;
}

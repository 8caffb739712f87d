import { UserError } from '@baton/core';
import { open } from 'node:fs/promises';

/** How every audit log begins: its genesis record. */
const GENESIS_START = '{"seq":0,';

/**
 * Checks that `file` can be read and begins with a genesis record, reading only its first bytes (a log may be huge);
 * else a UserError (exit 2): the wrong file, not a tampered log. Returns the file's size in bytes.
 */
export async function checkAuditFile(file: string): Promise<number> {
  const head = Buffer.alloc(GENESIS_START.length);
  let size: number;
  try {
    const handle = await open(file, 'r');
    try {
      size = (await handle.stat()).size;
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      field: 'FILE',
      cause: error,
    });
  }
  if (head.toString('latin1') !== GENESIS_START)
    throw new UserError(`${file} is not a Baton audit log (no genesis record)`, { field: 'FILE' });
  return size;
}

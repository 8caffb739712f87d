import { open } from 'node:fs/promises';
import { UserError } from '@baton/core';

/** Bytes read at a time. A log can be larger than the longest string V8 allows (~512 MB), so it is never read whole. */
const CHUNK = 8 << 20;

/**
 * Calls `onLine` with each complete line of the file at `path`, in order, reading it in chunks; stops early when
 * `onLine` returns false. Returns the text after the last newline (`torn`: what a write cut short leaves), if any,
 * and whether it stopped early. `onProgress` hears the bytes read so far after each chunk. A file that cannot be read
 * is a UserError naming it.
 */
export async function forEachAuditLine(
  path: string,
  onLine: (line: string) => boolean,
  options: { chunkBytes?: number; onProgress?: (bytesRead: number) => void } = {},
): Promise<{ torn?: string; stopped: boolean }> {
  const chunkBytes = options.chunkBytes ?? CHUNK;
  const unreadable = (error: unknown): UserError =>
    new UserError(`cannot read audit log: ${(error as Error).message}`, { field: 'path', cause: error, code: 'user.audit-unreadable' });
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(error);
  }
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    // Bytes of a line that continues in the next chunk (a multi-byte character may be split there too).
    let carry = Buffer.alloc(0);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null).catch((error: unknown) => {
        throw unreadable(error);
      });
      if (bytesRead === 0) break;
      bytes += bytesRead;
      options.onProgress?.(bytes);
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const end = data.lastIndexOf(10);
      if (end < 0) {
        carry = Buffer.from(data);
        continue;
      }
      const lines = data.toString('utf8', 0, end).split('\n');
      // A copy: `chunk` is overwritten by the next read.
      carry = Buffer.from(data.subarray(end + 1));
      for (const line of lines) if (!onLine(line)) return { stopped: true };
    }
    return carry.length > 0 ? { torn: carry.toString('utf8'), stopped: false } : { stopped: false };
  } finally {
    await handle.close();
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachAuditLine } from './lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a log in chunks', () => {
  // Multi-byte characters (2, 3 and 4 bytes in UTF-8) so that chunk edges fall inside them.
  const lines = Array.from({ length: 40 }, (_, i) => `{"seq":${i},"note":"é漢🔑${'x'.repeat(i * 7)}"}`);

  it.each([1, 3, 7, 64, 1000, 1 << 20])('gives every line, whole and in order, with %i-byte chunks', async (chunk) => {
    for (const [name, text, torn] of [
      ['complete', `${lines.join('\n')}\n`, undefined],
      ['torn', `${lines.join('\n')}\n{"seq":40,"no`, '{"seq":40,"no'],
      ['no newline at all', '{"seq":0,"é', '{"seq":0,"é'],
    ] as const) {
      const path = join(dir, `${name}-${chunk}.jsonl`);
      writeFileSync(path, text);
      const seen: string[] = [];
      let read = 0;
      const result = await forEachAuditLine(path, (line) => seen.push(line) > 0, {
        chunkBytes: chunk,
        onProgress: (bytes) => (read = bytes),
      });
      expect(read, name).toBe(Buffer.byteLength(text));
      expect(seen, name).toEqual(name === 'no newline at all' ? [] : lines);
      expect(result, name).toEqual(torn === undefined ? { stopped: false } : { torn, stopped: false });
    }
  });

  it('stops when told to, and names a file it cannot read', async () => {
    const path = join(dir, 'stop.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const seen: string[] = [];
    expect(await forEachAuditLine(path, (line) => seen.push(line) < 3, { chunkBytes: 16 })).toEqual({ stopped: true });
    expect(seen).toEqual(lines.slice(0, 3));
    await expect(forEachAuditLine(join(dir, 'missing.jsonl'), () => true)).rejects.toThrow(/cannot read audit log/);
    await expect(forEachAuditLine(dir, () => true)).rejects.toThrow(/cannot read audit log/);
  });
});

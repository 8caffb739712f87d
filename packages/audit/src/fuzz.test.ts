import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@baton/core';
import { createAuditSink, splitAuditText, verifyAuditLines, type VerifyResult } from '@baton/audit';
import { relayInput, relayRuntime } from '@baton/core/test';

const dir = mkdtempSync(join(tmpdir(), 'baton-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEY = 'fuzz-hmac-key-0123456789abcdef';

async function realLog(name: string, hmacKey?: string): Promise<Buffer> {
  const path = join(dir, name);
  const audit = createAuditSink({ path, ...(hmacKey ? { hmacKey } : {}) });
  const runtime = relayRuntime([audit.sink]);
  for (let seed = 1; seed <= 8; seed++) await runtime.runEpisode({ seed, input: relayInput() });
  await audit.close();
  return readFileSync(path);
}

/** What a mutation did, and where verify should point: the first line whose content changed or moved. */
interface Mutation {
  readonly kind: 'flip' | 'truncate' | 'delete' | 'duplicate' | 'reorder';
  readonly bytes: Buffer;
  /** 0-based index of the first line that differs from the original. */
  readonly firstChanged: number;
}

function mutate(original: Buffer, lines: readonly string[], rng: Rng): Mutation {
  const kind = rng.pick(['flip', 'flip', 'truncate', 'delete', 'duplicate', 'reorder'] as const);
  if (kind === 'truncate') {
    // A cut tail, as a crash leaves it: torn when the cut is inside a line, unsealed when it falls on a newline.
    const at = rng.int(original.length);
    return { kind, bytes: original.subarray(0, at), firstChanged: original.subarray(0, at).toString('utf8').split('\n').length - 1 };
  }
  if (kind === 'flip') {
    const bytes = Buffer.from(original);
    const at = rng.int(bytes.length);
    bytes[at] = (bytes[at] as number) ^ (1 + rng.int(255));
    const firstChanged = original.subarray(0, at).toString('utf8').split('\n').length - 1;
    return { kind, bytes, firstChanged };
  }
  const out = [...lines];
  const i = rng.int(out.length);
  if (kind === 'delete') out.splice(i, 1);
  else if (kind === 'duplicate') out.splice(rng.int(out.length + 1), 0, out[i] as string);
  else {
    let j = rng.int(out.length - 1);
    if (j >= i) j += 1;
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  let firstChanged = 0;
  while (out[firstChanged] === lines[firstChanged]) firstChanged += 1;
  return { kind, bytes: Buffer.from(out.map((l) => `${l}\n`).join('')), firstChanged };
}

function verifyBytes(bytes: Buffer, hmacKey?: string): VerifyResult {
  const { lines, torn } = splitAuditText(bytes.toString('utf8'));
  return verifyAuditLines(lines, hmacKey ? { hmacKey } : {}, torn);
}

describe.each([
  ['unsigned, verified without a key', undefined],
  ['signed, verified with the key', KEY],
])('fuzz: %s', (_name, key) => {
  it('detects every one of 1,000 random mutations of a real log, at the line it happened', async () => {
    const original = await realLog(`fuzz-${key ? 'signed' : 'plain'}.jsonl`, key);
    const { lines } = splitAuditText(original.toString('utf8'));
    expect(verifyBytes(original, key).ok).toBe(true);
    const rng = new Rng(key ? 2 : 1);
    const counts: Record<string, number> = { flip: 0, truncate: 0, delete: 0, duplicate: 0, reorder: 0, tornTail: 0 };
    for (let m = 0; m < 1000; m++) {
      const mutation = mutate(original, lines, rng);
      counts[mutation.kind] = (counts[mutation.kind] ?? 0) + 1;
      const result = verifyBytes(mutation.bytes, key);
      const what = `mutation ${m} (${mutation.kind} at line ${mutation.firstChanged + 1})`;
      expect(result.ok, what).toBe(false);
      if (result.tornTail) {
        // Only a cut tail, or damage to the last line's newline, may read as a torn tail; it is still not intact.
        counts.tornTail = (counts.tornTail ?? 0) + 1;
        expect(result.firstBad, what).toBeUndefined();
        if (mutation.kind === 'flip') expect(mutation.firstChanged, what).toBe(lines.length - 1);
        else expect(mutation.kind, what).toBe('truncate');
        expect(result.records, what).toBe(mutation.firstChanged);
      } else {
        // Verify points at the first changed line (one past the end when only the seal went missing).
        expect(result.firstBad?.line, what).toBe(mutation.firstChanged + 1);
      }
    }
    expect(Object.values(counts).reduce((a, b) => a + b, 0) - (counts.tornTail ?? 0)).toBe(1000);
    console.log(`fuzz (${key ? 'signed' : 'unsigned'}, ${lines.length} records): 1000/1000 detected`, JSON.stringify(counts));
  });
});

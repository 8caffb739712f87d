import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { verifyAuditLog } from '@baton/audit';

const dir = mkdtempSync(join(tmpdir(), 'baton-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const writer = join(dirname(fileURLToPath(import.meta.url)), 'crash-writer.fixture.ts');

/** Starts the writer, SIGKILLs it once the log has grown past `bytes`, and returns the log path. */
async function killMidWrite(bytes: number, name: string): Promise<string> {
  const path = join(dir, name);
  const child = spawn(process.execPath, ['--conditions=@baton/source', '--import', 'tsx', writer, path], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      // not created yet
    }
    if (size >= bytes) break;
    if (child.exitCode !== null) throw new Error(`writer exited early: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`log did not grow: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return path;
}

/** Complete (newline-terminated) lines of a file. */
const completeLines = (text: string): number => text.split('\n').length - 1;

it('a writer SIGKILLed mid-write leaves a log whose complete records all verify', async () => {
  let torn = 0;
  for (let run = 0; run < 3; run++) {
    const path = await killMidWrite(60_000 + run * 60_000, `crash-${run}.jsonl`);
    const result = await verifyAuditLog(path);
    expect(result.ok).toBe(false);
    expect(result.records).toBeGreaterThan(100);
    expect(result.records).toBe(completeLines(readFileSync(path, 'utf8')));
    if (result.tornTail) {
      torn += 1;
      expect(result.firstBad).toBeUndefined();
    } else {
      // Killed between two writes: every line is complete, only the seal is missing.
      expect(result.firstBad).toEqual({ line: result.records + 1, reason: expect.stringContaining('not sealed') });
    }
    expect((await verifyAuditLog(path, { requireSeal: false })).records).toBe(result.records);
  }
  // Whether a kill lands inside a write is chance, so the torn case is asserted below on a cut of its own.
  console.log(`crash test: ${torn}/3 kills left a torn tail`);
});

it('a record cut short (a kill inside a write) is a torn tail: not ok, sealed or not, and every whole record before it verifies', async () => {
  const killed = await killMidWrite(60_000, 'to-cut.jsonl');
  const text = readFileSync(killed, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lastStart = complete.lastIndexOf('\n', complete.length - 2) + 1;
  const path = join(dir, 'torn.jsonl');
  writeFileSync(path, complete.slice(0, lastStart + Math.floor((complete.length - lastStart) / 2)));
  const whole = completeLines(complete) - 1;
  for (const requireSeal of [true, false]) {
    const result = await verifyAuditLog(path, { requireSeal });
    expect(result).toMatchObject({ ok: false, tornTail: true, records: whole });
    expect(result.firstBad).toBeUndefined();
  }
  // The same records without the fragment chain intact (only the seal is missing).
  writeFileSync(path, complete.slice(0, lastStart));
  expect(await verifyAuditLog(path, { requireSeal: false })).toMatchObject({ ok: true, records: whole });
});

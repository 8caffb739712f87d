import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTestsInSandbox } from '@baton/agents';

const dirs: string[] = [];
async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-sandbox-test-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Running, i.e. not gone and not a zombie waiting for a reaper (containers often lack one). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('runTestsInSandbox', () => {
  it('runs with PATH as the only variable (no API keys) and cwd inside the copy, and counts passes and failures', async () => {
    process.env['OPENAI_API_KEY'] = 'sk-should-not-leak';
    const dir = await repo({
      'env.test.mjs': [
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { existsSync } from 'node:fs';",
        "test('no key', () => assert.equal(process.env.OPENAI_API_KEY, undefined));",
        "test('only PATH', () => assert.deepEqual(Object.keys(process.env).filter((k) => k !== 'NODE_TEST_CONTEXT'), ['PATH']));",
        "test('cwd', () => assert.ok(existsSync('env.test.mjs')));",
        "test('fails', () => assert.equal(1, 2));",
      ].join('\n'),
    });
    const result = await runTestsInSandbox({ cwd: dir, timeoutMs: 20_000 });
    delete process.env['OPENAI_API_KEY'];
    expect(result.output).not.toContain('sk-should-not-leak');
    expect(result).toMatchObject({ testsRun: 4, testsPassed: 3, testsFailed: 1, timedOut: false });
  });

  it('kills a hung test and everything it spawned (the process group) at the limit', async () => {
    const dir = await repo({
      'hang.test.mjs': [
        "import { test } from 'node:test';",
        "import { spawn } from 'node:child_process';",
        "import { writeFileSync } from 'node:fs';",
        "test('hangs', async () => {",
        "  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
        "  writeFileSync('grandchild.pid', String(child.pid));",
        '  await new Promise(() => {});',
        '});',
      ].join('\n'),
    });
    const started = performance.now();
    const result = await runTestsInSandbox({ cwd: dir, timeoutMs: 1500 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(performance.now() - started).toBeLessThan(10_000);
    const grandchild = Number(await readFile(join(dir, 'grandchild.pid'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(grandchild).toBeGreaterThan(0);
    expect(await alive(grandchild)).toBe(false);
  });
});

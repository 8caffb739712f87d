import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { availableIsolation, runTestsInSandbox, type SandboxResult } from '@baton/agents';

const dirs: string[] = [];
async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-sandbox-test-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}
// After all, not after each: the cases run concurrently.
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A `node --test` file: the imports every case uses, then `body`. */
function nodeTest(...body: string[]): string {
  return [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { existsSync, writeFileSync } from 'node:fs';",
    "import { execFileSync, spawn } from 'node:child_process';",
    "import { homedir, tmpdir } from 'node:os';",
    ...body,
  ].join('\n');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const KEY = `sk-should-not-leak-${process.pid}`;
const parent = join(dirname(fileURLToPath(import.meta.url)), 'sandbox-parent.fixture.ts');

/** Runs `command` in the sandbox from a separate caller whose initial environment holds both API keys. */
async function runFromKeyedCaller(dir: string, isolation: string, command: string[]): Promise<SandboxResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@baton/source', '--import', 'tsx', parent, dir, isolation, ...command],
    {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: `${KEY}-ant` },
    },
  );
  return JSON.parse(stdout) as SandboxResult;
}

/** Walks from the shell up to PID 1 and prints LEAK for every ancestor whose initial environment holds the key. */
const ANCESTOR_WALK = `p=$$; n=0
while [ "$p" -ge 1 ] 2>/dev/null; do
  if tr '\\0' '\\n' 2>/dev/null < /proc/$p/environ | grep -q "${KEY}"; then echo "LEAK ancestor $p"; fi
  n=$((n + 1))
  p=$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f2)
done
echo "walked $n"
any=0
for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' 2>/dev/null < "$f" | grep -q "${KEY}" && any=$((any + 1)); done
[ "$any" -gt 0 ] && echo "LEAK in $any processes"
true`;

const mechanisms = await availableIsolation();

it('finds at least the process-group floor, and a namespace mechanism on Linux with user namespaces', () => {
  expect(mechanisms.at(-1)).toBe('process-group');
  console.log(`sandbox isolation available here: ${mechanisms.join(', ')}`);
});

// Concurrent: each case has its own directories, and most of the time is spent waiting on child processes.
describe.concurrent.each(mechanisms)('runTestsInSandbox with %s', (isolation) => {
  const namespaced = isolation !== 'process-group';

  it('no ancestor of the test holds a key (the caller started it through a keyless launcher)', async ({ expect }) => {
    const dir = await repo({});
    const result = await runFromKeyedCaller(dir, isolation, ['/bin/sh', '-c', ANCESTOR_WALK]);
    expect(result.isolation).toBe(isolation);
    expect(result.output).toMatch(/walked [1-9]/);
    expect(result.output).not.toContain('LEAK ancestor');
    // In a PID namespace no process outside the run is visible at all.
    if (namespaced) expect(result.output).not.toContain('LEAK');
  });

  it('gives PATH, a private HOME and TMPDIR and no key, runs in the copy, and counts passes and failures', async ({ expect }) => {
    const dir = await repo({
      'env.test.mjs': nodeTest(
        "test('no key', () => assert.equal(process.env.OPENAI_API_KEY, undefined));",
        "const allowed = ['PATH', 'HOME', 'TMPDIR', 'BATON_SANDBOX_RUN', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'PWD', 'OLDPWD'];",
        "test('nothing else', () => assert.deepEqual(Object.keys(process.env).filter((k) => !allowed.includes(k)), []));",
        "test('cwd', () => assert.ok(existsSync('env.test.mjs')));",
        "test('private home and tmp', () => { assert.match(homedir(), /baton-sandbox-/); assert.match(tmpdir(), /baton-sandbox-/); writeFileSync(homedir() + '/h', 'x'); writeFileSync(tmpdir() + '/t', 'x'); });",
        "test('fails', () => assert.equal(1, 2));",
      ),
    });
    const result = await runFromKeyedCaller(dir, isolation, [process.execPath, '--test', '--test-reporter=tap']);
    expect(result.output).not.toContain(KEY);
    expect(result).toMatchObject({ testsRun: 5, testsPassed: 4, testsFailed: 1, timedOut: false, isolation });
  });

  it('refuses writes outside the copy and the private HOME/TMPDIR', async ({ expect }) => {
    const outside = await repo({});
    const dir = await repo({
      'write.test.mjs': nodeTest(
        "test('inside', () => writeFileSync('inside.txt', 'x'));",
        `test('node outside', () => assert.throws(() => writeFileSync(${JSON.stringify(join(outside, 'node.txt'))}, 'x')));`,
        namespaced
          ? `test('shell outside', () => assert.throws(() => execFileSync('/bin/sh', ['-c', 'echo x > ${join(outside, 'sh.txt')}'], { stdio: 'ignore' })));`
          : '',
      ),
    });
    const result = await runTestsInSandbox({ cwd: dir, timeoutMs: 20_000, isolation });
    expect(result.output).not.toMatch(/^not ok/m);
    expect(result.testsPassed).toBe(namespaced ? 3 : 2);
    expect(await exists(join(dir, 'inside.txt'))).toBe(true);
    expect(await exists(join(outside, 'node.txt'))).toBe(false);
    expect(await exists(join(outside, 'sh.txt'))).toBe(false);
  });

  it('kills a child that left the process group (setsid) when the tests end', async ({ expect }) => {
    const dir = await repo({
      'escape.test.mjs': nodeTest(
        "test('escapes', () => {",
        "  const code = \"require('fs').writeFileSync('started.txt', 'x'); setTimeout(() => require('fs').writeFileSync('late.txt', 'x'), 1000)\";",
        "  spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' }).unref();",
        '  return new Promise((resolve) => setTimeout(resolve, 300));',
        '});',
      ),
    });
    const result = await runTestsInSandbox({ cwd: dir, timeoutMs: 20_000, isolation });
    expect(result.testsPassed).toBe(1);
    expect(await exists(join(dir, 'started.txt'))).toBe(true);
    await sleep(1500);
    expect(await exists(join(dir, 'late.txt'))).toBe(false);
    // Without a PID namespace the sweep is what caught it, and it says so.
    if (!namespaced) expect(result.escaped).toBe(1);
  });

  it('kills a hung test and everything it spawned at the limit', async ({ expect }) => {
    const dir = await repo({
      'hang.test.mjs': nodeTest(
        "test('hangs', async () => {",
        "  spawn(process.execPath, ['-e', \"setInterval(() => require('fs').appendFileSync('beat.txt', '.'), 50)\"], { stdio: 'ignore' });",
        "  spawn(process.execPath, ['-e', \"setInterval(() => require('fs').appendFileSync('beat2.txt', '.'), 50)\"], { stdio: 'ignore', detached: true });",
        '  await new Promise(() => {});',
        '});',
      ),
    });
    const started = performance.now();
    const result = await runTestsInSandbox({ cwd: dir, timeoutMs: 1500, isolation });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(performance.now() - started).toBeLessThan(10_000);
    const beats = async (): Promise<string> =>
      (await readFile(join(dir, 'beat.txt'), 'utf8')) + (await readFile(join(dir, 'beat2.txt'), 'utf8'));
    const before = await beats();
    expect(before.length).toBeGreaterThan(2);
    await sleep(400);
    expect(await beats()).toBe(before);
  });
});

import { spawn } from 'node:child_process';

/** What one sandboxed test run reports. Counts come from the TAP summary of `node --test`. */
export interface SandboxResult {
  readonly testsRun: number;
  readonly testsPassed: number;
  readonly testsFailed: number;
  readonly timedOut: boolean;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  /** The tail of stdout + stderr. */
  readonly output: string;
}

export interface SandboxOptions {
  /** The directory to run in (a fresh temporary copy of the repository). */
  readonly cwd: string;
  /** Wall-clock limit; the whole process group is killed when it is reached. */
  readonly timeoutMs: number;
  /** The command and its arguments. Default: this node binary with `--test --test-reporter=tap`. */
  readonly command?: readonly [string, ...string[]];
  /** Characters of output kept. Default 4000. */
  readonly maxOutput?: number;
}

/** The environment tests get: built from scratch, PATH only, so no API key or token can leak into a test. */
export function minimalEnv(): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' };
}

function count(output: string, label: string): number {
  const matches = [...output.matchAll(new RegExp(`^# ${label} (\\d+)\\s*$`, 'gm'))];
  const last = matches[matches.length - 1];
  return last?.[1] === undefined ? 0 : Number(last[1]);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs the project's tests in a child process: its own process group (so a hung test and everything it spawned
 * is killed at the limit), cwd inside the temporary copy, a minimal environment. Never throws for a failing test.
 */
export async function runTestsInSandbox(options: SandboxOptions): Promise<SandboxResult> {
  const [command, ...args] = options.command ?? [process.execPath, '--test', '--test-reporter=tap'];
  const maxOutput = options.maxOutput ?? 4000;
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: minimalEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, exitSignal) => {
      // Leftover grandchildren keep the pipes open; end them with their parent.
      killGroup(child.pid);
      resolve({ code: exitCode, signal: exitSignal });
    });
  }).finally(() => clearTimeout(timer));
  await closed;
  const testsPassed = count(output, 'pass');
  const testsFailed = count(output, 'fail') + count(output, 'cancelled');
  return {
    testsRun: timedOut ? testsPassed + testsFailed : count(output, 'tests'),
    testsPassed,
    testsFailed,
    timedOut,
    exitCode: code,
    signal,
    durationMs: performance.now() - started,
    output: output.slice(-maxOutput),
  };
}

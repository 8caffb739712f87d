import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@baton/core';
import { ISOLATION_MECHANISMS, wrapCommand, type Confinement, type IsolationMechanism } from './isolation.ts';
import { RUN_MARKER, sweepRun } from './strays.ts';

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
  /** How the run was confined. */
  readonly isolation: IsolationMechanism;
  /** Processes that left the run's process group (e.g. `setsid`) and were killed by the sweep after it. */
  readonly escaped: number;
}

export interface SandboxOptions {
  /** The directory to run in (a fresh temporary copy of the repository); the only place outside HOME/TMPDIR it may write. */
  readonly cwd: string;
  /** Wall-clock limit; every process of the run is killed when it is reached. */
  readonly timeoutMs: number;
  /** The command and its arguments. Default: this node binary with `--test --test-reporter=tap`. */
  readonly command?: readonly [string, ...string[]];
  /** Characters of output kept. Default 4000. */
  readonly maxOutput?: number;
  /** `auto` (the default) takes the strongest mechanism that works here; naming one that does not work is a UserError. */
  readonly isolation?: IsolationMechanism | 'auto';
}

/*
 * The launcher: a shell started with the run's keyless environment. It forks the command and exits at once, so the
 * command's parent is orphaned and re-parented to init (or the nearest subreaper): no process holding the caller's
 * keys stays among the run's ancestors, whose /proc/<pid>/environ the tests could otherwise read. The command's
 * exit status comes back on fd 3, which the command itself does not inherit.
 */
const LAUNCHER = '( "$@" 3>&- </dev/null; echo "exit $?" >&3 ) &\nexit 0';

interface RawRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly output: string;
  readonly escaped: number;
}

/** A 128+n status from the launcher's shell means signal n. */
function decodeStatus(status: number | undefined): { code: number | null; signal: NodeJS.Signals | null } {
  if (status === undefined) return { code: null, signal: 'SIGKILL' };
  if (status > 128) {
    const name = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0];
    if (name) return { code: null, signal: name as NodeJS.Signals };
  }
  return { code: status, signal: null };
}

async function launch(
  mechanism: IsolationMechanism,
  command: readonly [string, ...string[]],
  confinement: Confinement,
  timeoutMs: number,
): Promise<RawRun> {
  const runId = randomUUID();
  const env = { ...confinement.env, [RUN_MARKER]: runId };
  const wrapped = wrapCommand(mechanism, command, { ...confinement, env });
  const child = spawn('/bin/sh', ['-c', LAUNCHER, 'baton-launcher', ...wrapped.argv], {
    cwd: confinement.cwd,
    env: { ...wrapped.env, [RUN_MARKER]: runId },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const group = child.pid;
  const [, stdout, stderr, status] = child.stdio;
  if (group === undefined || !stdout || !stderr || !status) {
    throw new UserError(`could not start /bin/sh for the test sandbox: ${(await spawnError).message}`, { field: 'sandbox' });
  }
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-64_000);
  };
  stdout.on('data', collect);
  stderr.on('data', collect);
  const outputClosed = Promise.all([once(stdout, 'close'), once(stderr, 'close')]);
  let statusText = '';
  status.on('data', (chunk: Buffer) => (statusText += chunk.toString('utf8')));
  let timedOut = false as boolean; // set by the timer (a plain `false` would be narrowed to it below)
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(group);
  }, timeoutMs);
  await once(status, 'close');
  clearTimeout(timer);
  const escaped = await sweepRun(runId, group);
  // Everything that held the pipes is dead now; a process that escaped the sweep must not hang the caller.
  await Promise.race([outputClosed, new Promise((resolve) => setTimeout(resolve, 1000))]);
  stdout.destroy();
  stderr.destroy();
  const match = /^exit (\d+)$/m.exec(statusText);
  const decoded = timedOut ? { code: null, signal: 'SIGKILL' as const } : decodeStatus(match ? Number(match[1]) : undefined);
  return { ...decoded, timedOut, output, escaped };
}

function once(stream: NodeJS.EventEmitter, event: string): Promise<void> {
  return new Promise((resolve) => stream.once(event, () => resolve()));
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** A private directory with `home` and `tmp` inside, for the run's HOME and TMPDIR. */
async function privateDirs(): Promise<{ root: string; home: string; tmp: string }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'baton-sandbox-')));
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  await Promise.all([mkdir(home), mkdir(tmp)]);
  return { root, home, tmp };
}

/** Does `mechanism` start here and actually stop a write outside the writable directories? */
async function probe(mechanism: IsolationMechanism): Promise<{ ok: boolean; output: string }> {
  const dirs = await privateDirs();
  try {
    const inside = join(dirs.root, 'inside');
    await mkdir(inside);
    const confinement: Confinement = {
      cwd: inside,
      writable: [inside, dirs.home, dirs.tmp],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dirs.home, TMPDIR: dirs.tmp },
    };
    const script = 'echo ok > inside.txt && echo ok > "$HOME/home.txt" && ! (echo escaped > ../outside.txt) 2>/dev/null';
    const run = await launch(mechanism, ['/bin/sh', '-c', script], confinement, 10_000);
    return { ok: run.code === 0, output: run.output };
  } finally {
    await rm(dirs.root, { recursive: true, force: true });
  }
}

const detected = new Map<IsolationMechanism, Promise<{ ok: boolean; output: string }>>();

function probed(mechanism: IsolationMechanism): Promise<{ ok: boolean; output: string }> {
  let result = detected.get(mechanism);
  if (!result) {
    result = probe(mechanism).catch((error: unknown) => ({ ok: false, output: String(error) }));
    detected.set(mechanism, result);
  }
  return result;
}

/**
 * The mechanisms that work on this machine, strongest first, each checked once per process by a probe run that
 * must write inside and fail to write outside. `process-group` is always last: it is the floor, not a confinement
 * of writes by other programs.
 */
export async function availableIsolation(): Promise<IsolationMechanism[]> {
  const results = await Promise.all(ISOLATION_MECHANISMS.map(async (m) => (m === 'process-group' ? true : (await probed(m)).ok)));
  return ISOLATION_MECHANISMS.filter((_, i) => results[i]);
}

async function chooseIsolation(requested: IsolationMechanism | 'auto'): Promise<IsolationMechanism> {
  if (requested === 'auto') return (await availableIsolation())[0] ?? 'process-group';
  if (requested === 'process-group') return requested;
  const result = await probed(requested);
  if (!result.ok)
    throw new UserError(
      `sandbox isolation '${requested}' does not work on this machine: ${result.output.trim().slice(-300) || 'it exited non-zero'}`,
      {
        field: 'isolation',
      },
    );
  return requested;
}

function count(output: string, label: string): number {
  const matches = [...output.matchAll(new RegExp(`^# ${label} (\\d+)\\s*$`, 'gm'))];
  const last = matches[matches.length - 1];
  return last?.[1] === undefined ? 0 : Number(last[1]);
}

/**
 * Runs the project's tests confined (see {@link IsolationMechanism}): started from a keyless launcher, with an
 * environment of PATH, a private HOME and TMPDIR and nothing else, writes confined to the copy and those two,
 * and every process of the run killed when the command ends or the limit is reached. Never throws for a failing
 * test; throws a UserError only when a named isolation does not work here.
 */
export async function runTestsInSandbox(options: SandboxOptions): Promise<SandboxResult> {
  const command = options.command ?? [process.execPath, '--test', '--test-reporter=tap'];
  const maxOutput = options.maxOutput ?? 4000;
  const mechanism = await chooseIsolation(options.isolation ?? 'auto');
  const started = performance.now();
  const dirs = await privateDirs();
  try {
    const cwd = await realpath(options.cwd);
    const confinement: Confinement = {
      cwd,
      writable: [cwd, dirs.home, dirs.tmp],
      env: { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin', HOME: dirs.home, TMPDIR: dirs.tmp },
    };
    const run = await launch(mechanism, command, confinement, options.timeoutMs);
    const testsPassed = count(run.output, 'pass');
    const testsFailed = count(run.output, 'fail') + count(run.output, 'cancelled');
    return {
      testsRun: run.timedOut ? testsPassed + testsFailed : count(run.output, 'tests'),
      testsPassed,
      testsFailed,
      timedOut: run.timedOut,
      exitCode: run.code,
      signal: run.signal,
      durationMs: performance.now() - started,
      output: run.output.slice(-maxOutput),
      isolation: mechanism,
      escaped: run.escaped,
    };
  } finally {
    await rm(dirs.root, { recursive: true, force: true });
  }
}

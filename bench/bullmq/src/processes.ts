import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleProcessArgs } from '@baton/core/internal';

export interface BenchWorkerConfig {
  readonly mode: 'baton' | 'raw';
  readonly url: string;
  readonly prefix: string;
  readonly workflowKey: string;
  readonly workflow: 'chain' | 'relay';
  readonly hops: number;
  /** Agent ids (baton) or chain positions (raw) this process serves. */
  readonly agents: readonly string[];
  readonly concurrency: number;
  readonly auditStream?: string;
  /** Also write the hash-chained audit log (createRedisStreamAuditSink) to this stream, signed with this key. */
  readonly auditChain?: { readonly stream: string; readonly hmacKey: string };
  /** Start as a warm spare that takes over only when told (`activate`). */
  readonly standby?: boolean;
  /** Worker lock/stall timing (default BATON_WORKER_TIMING). */
  readonly timing?: { readonly lockDuration: number; readonly stalledInterval: number; readonly maxStalledCount: number };
}

/** Raw BullMQ chain: queue i hands the same payload to queue i+1; the last reports to the results queue. */
export function rawQueueName(workflowKey: string, position: number | 'results'): string {
  return `${workflowKey}.raw.${position}`;
}

export interface RawChainJob {
  readonly chainId: string;
  readonly position: number;
  readonly payload: string;
}

const here = dirname(fileURLToPath(import.meta.url));

function workspaceRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** A running bench worker process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly config: BenchWorkerConfig;
  /** Resolves once the process has printed `ready`. */
  readonly ready: Promise<void>;
}

/** Starts the bench worker module in a new Node process (in the workspace: its source, through tsx). */
export function spawnBenchWorker(config: BenchWorkerConfig): WorkerProcess {
  const child = spawn(process.execPath, [...moduleProcessArgs(import.meta.url, 'bench-worker'), JSON.stringify(config)], {
    cwd: workspaceRoot(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(config.standby ? 'standby' : 'ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`bench worker exited (${String(code ?? signal)}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return { child, config, ready };
}

/** SIGTERM (graceful: drains in-flight jobs) and wait for the exit. */
export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    w.child.once('exit', () => resolve());
    w.child.kill(signal);
  });
}

/** Tells a standby worker to start its agents; resolves once it is taking jobs. */
export async function activate(w: WorkerProcess): Promise<void> {
  const started = new Promise<void>((resolve, reject) => {
    let out = '';
    w.child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    w.child.once('exit', () => reject(new Error('standby worker exited')));
  });
  w.child.stdin?.write('go\n');
  await started;
}

/** The relay budget the faults benchmark uses: `handoffs` handoffs and two more steps than that (0: the defaults). */
export function relayBudget(handoffs: number): { maxSteps?: number; maxHandoffs?: number } {
  return handoffs > 0 ? { maxSteps: handoffs + 2, maxHandoffs: handoffs } : {};
}

import { vi } from 'vitest';
import { main } from './program.ts';

/** What one `baton` invocation printed and returned, for CLI tests. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

/**
 * Runs `baton <args>` in this process with console output captured (stdout lines in `out`; console.error and
 * stderr writes in `err`). Restore the spies with `vi.restoreAllMocks()` after each test.
 */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  const started = performance.now();
  const code = await main(args);
  return { code, out: out.join('\n'), err: err.join('\n'), ms: performance.now() - started };
}

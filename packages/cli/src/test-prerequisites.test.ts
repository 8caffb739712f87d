import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const script = resolve(root, 'scripts/test-prerequisites.mjs');

/** A port where nothing listens (the OS gave it out, and it was closed again). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  return typeof address === 'object' && address ? address.port : 1;
}

/** Runs the first step of `pnpm test` with `env`; its exit code, stderr and seconds. */
async function preflight(env: Record<string, string>): Promise<{ code: number; err: string; seconds: number }> {
  const started = performance.now();
  const { code, err } = await promisify(execFile)(process.execPath, [script], { env }).then(
    ({ stderr }) => ({ code: 0, err: stderr }),
    (error: unknown) => {
      const e = error as { code: number; stderr: string };
      return { code: e.code, err: e.stderr };
    },
  );
  return { code, err, seconds: (performance.now() - started) / 1000 };
}

describe('pnpm test on a machine without its prerequisites (issue 18.1)', () => {
  it('stops at once with one line naming each missing piece and how to get it', async () => {
    // No redis-server on PATH (an empty folder), and nothing listening at REDIS_URL.
    const empty = mkdtempSync(join(tmpdir(), 'baton-empty-path-'));
    const { code, err, seconds } = await preflight({ PATH: empty, REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    rmdirSync(empty);
    expect(code).toBe(1);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^pnpm test needs what this machine lacks: /);
    expect(err).toContain('redis-server for the BullMQ fault tests (sudo apt-get install -y redis-server)');
    expect(err).toMatch(/a Redis answering at redis:\/\/127\.0\.0\.1:\d+ \(start one: redis-server --daemonize yes/);
    expect(err).toContain('.ci/run sets all of it up on Debian.');
    expect(seconds).toBeLessThan(3);
  });
});

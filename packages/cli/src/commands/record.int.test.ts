import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecordedTask } from '@baton/adapters';
import { startWireServer, type WireServer, type WireStep } from '@baton/adapters/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli as runCliOnce, type CliRun } from '../test-support.ts';

// Issue 13.8: `baton record` calls live models (here the wire server, through the real OpenAI and Anthropic SDKs),
// writes the wide CSV the route loader reads, keeps a budget, records failures, and resumes after a SIGKILL without
// making a finished call twice.

const KEY = 'record-secret-987';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin.ts');
let servers: WireServer[] = [];
let dirs: string[] = [];

/** `baton record` sets process.exitCode when calls are missing; each run here starts from a clean one. */
function runCli(args: readonly string[]): Promise<CliRun> {
  process.exitCode = undefined;
  return runCliOnce(args);
}

afterEach(async () => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Answers "What is a + b?" right from big-model, wrong (off by one) from small-model on odd a. */
const answer: WireStep = {
  times: Infinity,
  reply: (request) => {
    const [a, b] = (request.lastUserMessage.match(/\d+/g) ?? []).map(Number);
    const sum = (a ?? 0) + (b ?? 0);
    return {
      text: `${String(a)} + ${String(b)} = ...\n#### ${request.model === 'small-model' && (a ?? 0) % 2 === 1 ? sum + 1 : sum}`,
      usage: { inputTokens: 10, outputTokens: 5 },
    };
  },
};

async function setup(n: number, script: readonly WireStep[] = [answer], deadlineMs = 20_000) {
  const server = await startWireServer({ requireApiKey: KEY, script: [...script] });
  servers.push(server);
  const dir = mkdtempSync(join(tmpdir(), 'baton-record-'));
  dirs.push(dir);
  const tasks = join(dir, 'gsm_sums.jsonl');
  writeFileSync(
    tasks,
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: `s${i}`, prompt: `What is ${i} + 2?`, gold: `#### ${i + 2}` })).join('\n'),
  );
  const agents = join(dir, 'models.yaml');
  writeFileSync(
    agents,
    `models:
  small:
    provider: openai-compatible
    model: small-model
    baseURL: ${server.openaiBaseURL}
    apiKeyEnv: RECORD_KEY
    prices: { inputPerToken: 0.000001, outputPerToken: 0.000002 }
    deadlineMs: ${deadlineMs}
  vendor/big:
    provider: anthropic
    model: big-model
    baseURL: ${server.anthropicBaseURL}
    apiKeyEnv: RECORD_KEY
    prices: { inputPerToken: 0.00001, outputPerToken: 0.00003 }
    deadlineMs: ${deadlineMs}
`,
  );
  return { server, dir, tasks, agents, out: join(dir, 'gsm_sums.csv') };
}

/** Requests per (prompt, model) the server saw, and how many of them it answered. */
function callsSeen(server: WireServer): Map<string, { requests: number; replies: number }> {
  const seen = new Map<string, { requests: number; replies: number }>();
  for (const r of server.requests) {
    const key = `${r.lastUserMessage}|${r.model}`;
    const s = seen.get(key) ?? { requests: 0, replies: 0 };
    s.requests++;
    if (r.served === 'reply') s.replies++;
    seen.set(key, s);
  }
  return seen;
}

describe('baton record', () => {
  it('records every model on every prompt as a wide CSV the loader reads, graded and priced; a rerun makes no call', async () => {
    const { server, tasks, agents, out } = await setup(6);
    vi.stubEnv('RECORD_KEY', KEY);
    const run = await runCli(['record', '--tasks', tasks, '--agents', agents, '--out', out, '--concurrency', '3']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/small: openai-compatible small-model, key from RECORD_KEY/);
    expect(`${run.out}\n${run.err}`).not.toContain(KEY);
    expect(server.requests).toHaveLength(12);
    const task = loadRecordedTask(out);
    expect(task.skipped).toEqual([]);
    expect(task.models).toEqual(['small', 'vendor/big']);
    expect(task.kind).toBe('number');
    expect(task.prompts.map((p) => p.id)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    expect(task.prompts.map((p) => p.drafts.small?.score)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(task.prompts.every((p) => p.drafts['vendor/big']?.score === 1)).toBe(true);
    expect(task.prompts[0]?.drafts.small?.costUsd).toBeCloseTo(10 * 0.000001 + 5 * 0.000002, 12);
    expect(task.prompts[0]?.drafts['vendor/big']?.costUsd).toBeCloseTo(10 * 0.00001 + 5 * 0.00003, 12);
    expect(task.prompts[2]?.prompt).toBe('What is 2 + 2?');

    const again = await runCli(['record', '--tasks', tasks, '--agents', agents, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/resumed: 12 of 12 calls/);
    expect(server.requests).toHaveLength(12);
  });

  it('records a failed call as failed (its row is skipped by the loader), goes on, and tries it again on --retry-failed', async () => {
    const { server, tasks, agents, out } = await setup(4, [
      { match: (r) => r.lastUserMessage.includes('2 + 2') && r.model === 'big-model', fault: { type: 'error', status: 400 }, times: 1 },
      answer,
    ]);
    vi.stubEnv('RECORD_KEY', KEY);
    const run = await runCli(['record', '--tasks', tasks, '--agents', agents, '--out', out, '--retries', '0']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/vendor\/big: 1 calls failed \(first: provider\.[a-z-]+: .*\); rerun with --retry-failed/);
    const task = loadRecordedTask(out);
    expect(task.prompts.map((p) => p.id)).toEqual(['s0', 's1', 's3']);
    expect(task.skipped).toEqual([expect.objectContaining({ file: out, reason: expect.stringMatching(/empty score \(vendor\/big\)/) })]);
    const retried = await runCli(['record', '--tasks', tasks, '--agents', agents, '--out', out, '--retry-failed']);
    expect(retried.code, retried.out).toBe(0);
    expect(loadRecordedTask(out).prompts).toHaveLength(4);
    expect(server.requests).toHaveLength(9);
  });

  it('stops starting calls when the budget is reached, and says so', async () => {
    const { server, tasks, agents, out } = await setup(10);
    vi.stubEnv('RECORD_KEY', KEY);
    // Each prompt costs $0.00002 (small) + $0.00025 (big): the budget is reached during the third prompt.
    const run = await runCli(['record', '--tasks', tasks, '--agents', agents, '--out', out, '--concurrency', '1', '--budget', '0.0006']);
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(6);
    expect(run.out).toMatch(/budget \$0\.0006 reached: 14 calls not started/);
    expect(loadRecordedTask(out).prompts).toHaveLength(3);
  });

  it('refuses a bad task line before any call, naming the line', async () => {
    const { server, tasks, agents, out } = await setup(3);
    writeFileSync(tasks, '{"prompt": "What is 1 + 2?"}\n{"prompt": ""}\n');
    vi.stubEnv('RECORD_KEY', KEY);
    const run = await runCli(['record', '--tasks', tasks, '--agents', agents, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/gsm_sums\.jsonl:2: needs a non-empty string "prompt"/);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(out)).toBe(false);
  });

  it('explains every flag in --help', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const help = await runCli(['record', '--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--tasks',
      '--agents',
      '--out',
      '--concurrency',
      '--budget',
      '--retries',
      '--task',
      '--kind',
      '--retry-failed',
      '--progress',
    ])
      expect(written.join('')).toContain(flag);
    expect(written.join('')).toMatch(/fsync'd/);
  });

  it('resumes after a SIGKILL mid-run: no finished call is made twice, and the CSV has every row', async () => {
    // Both calls of prompt 5 hang (once): with two in flight the run stalls there, prompts 0-4 journalled, then dies.
    const hang = (model: string): WireStep => ({
      match: (r) => r.lastUserMessage === 'What is 5 + 2?' && r.model === model,
      fault: { type: 'hang' },
      times: 1,
    });
    const { server, tasks, agents, out } = await setup(8, [hang('small-model'), hang('big-model'), answer], 120_000);
    const journal = `${out}.journal.jsonl`;
    const child = spawn(
      process.execPath,
      [
        '--conditions=@baton/source',
        '--import',
        'tsx',
        bin,
        'record',
        '--tasks',
        tasks,
        '--agents',
        agents,
        '--out',
        out,
        '--concurrency',
        '2',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RECORD_KEY: KEY },
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const journalLines = (): number => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).length : 0);
    const deadline = Date.now() + 45_000;
    while (!(server.requests.filter((r) => r.served === 'hang').length === 2 && journalLines() === 10)) {
      if (Date.now() > deadline) throw new Error(`the run did not reach prompt 5: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);

    vi.stubEnv('RECORD_KEY', KEY);
    const resumed = await runCli(['record', '--tasks', tasks, '--agents', agents, '--out', out, '--concurrency', '2']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/resumed: 10 of 16 calls/);
    const seen = callsSeen(server);
    expect(seen.size).toBe(16);
    for (const [call, s] of seen) {
      expect(s.replies, call).toBe(1);
      // Only the two calls in flight at the kill were sent again; every finished call was sent once.
      expect(s.requests, call).toBe(call.startsWith('What is 5 + 2?') ? 2 : 1);
    }
    const task = loadRecordedTask(out);
    expect(task.skipped).toEqual([]);
    expect(task.prompts).toHaveLength(8);
    expect(task.prompts.map((p) => p.drafts['vendor/big']?.score)).toEqual(Array(8).fill(1));
  }, 90_000);
});

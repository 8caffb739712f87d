import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedTask } from '@baton/agents/route';
import type { RouteBenchReport } from '@baton/agents/route-bench';
import { writeWideCsv } from '@baton/adapters/test';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-bench-route-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const LETTERS = ['A', 'B', 'C', 'D'];
const COST: Record<string, number> = { 'vendor/a': 0.001, b: 0.001, c: 0.0005, x: 0.01 };

/** a and b agree exactly when both are right; x is always right (the planted task of the bench's own tests). */
function planted(n: number, split: string): RecordedTask {
  const prompts = Array.from({ length: n }, (_, i) => {
    const letter = (k: number) => LETTERS[(i + k) % 4] as string;
    const says: Record<string, string> = {
      'vendor/a': i % 4 === 0 ? letter(1) : letter(0),
      b: i % 4 === 1 ? letter(2) : letter(0),
      c: letter(3),
      x: letter(0),
    };
    const drafts = Object.fromEntries(
      Object.entries(says).map(([m, s]) => [m, { text: `(${s})`, score: s === letter(0) ? 1 : 0, costUsd: COST[m] as number }]),
    );
    return { id: `${split}-${i}`, prompt: `Question ${i}?\nA) one\nB) two\nC) three\nD) four\nAnswer:`, drafts };
  });
  return { name: 'planted', kind: 'choice', models: Object.keys(COST), prompts, source: split };
}

writeWideCsv(join(dir, 'planted_train.csv'), planted(40, 'train'));
writeWideCsv(join(dir, 'planted_test.csv'), planted(20, 'test'));

describe('baton bench route', () => {
  it('prints the table, writes the JSON and the plot next to it', async () => {
    const json = join(dir, 'r.json');
    const { code, out, err } = await runCli([
      'bench',
      'route',
      '--data',
      dir,
      '--task',
      'planted',
      '--seeds',
      '2',
      '--epochs',
      '3',
      '--json',
      json,
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/best-fixed-cascade\s+[\d.]+\s/);
    expect(out).toMatch(/acc@25%/);
    expect(out).toContain(`plot: ${join(dir, 'r.svg')}`);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RouteBenchReport;
    expect(report.split).toBe('test');
    expect(report.seeds).toBe(2);
    expect(report.methods.map((m) => m.name)).toEqual(expect.arrayContaining(['icq', 'independent-mc', 'ucb1', 'random']));
    expect(report.verdict).toMatch(/^icq vs best-fixed-cascade: /);
    expect(report.bestModel).toBe('x');
    const fixed = report.methods.find((m) => m.name === 'best-fixed-cascade');
    expect(fixed?.accAtBudget['1']).toBe(1);
    expect(fixed?.costShareToBest).toBeCloseTo(0.7, 9);
    expect(readFileSync(join(dir, 'r.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('runs only the methods named', async () => {
    const plot = join(dir, 'only.svg');
    const { code, out } = await runCli([
      'bench',
      'route',
      '--data',
      dir,
      '--task',
      'planted',
      '--methods',
      'single,oracle',
      '--seeds',
      '2',
      '--plot',
      plot,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/single:vendor\/a/);
    expect(out).not.toMatch(/best-fixed-cascade/);
    expect(existsSync(plot)).toBe(true);
  });

  it('names the flag and where to get the data when a file is missing', async () => {
    const { code, err } = await runCli(['bench', 'route', '--data', dir, '--task', 'arc_challenge']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/--data: no arc_challenge_train\.csv in .* shuhao02\/RouterDC/);
  });

  it('refuses an unknown method by name', async () => {
    const { code, err } = await runCli(['bench', 'route', '--data', dir, '--task', 'planted', '--methods', 'nope']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/--methods: unknown method "nope"/);
  });
});

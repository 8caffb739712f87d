import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWideCsv } from '@baton/adapters/test';
import { DEFAULT_LAMBDAS, loadRouteHeads, type RecordedTask } from '@baton/agents/route';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_USAGE } from '../program.ts';
import { runCli } from '../test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-train-route-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const MODELS = ['org/cheap', 'steady', 'costly', 'dominated'];
const COST: Record<string, number> = { 'org/cheap': 0.0001, steady: 0.0005, costly: 0.005, dominated: 0.006 };

/**
 * One split of a four-option task: `org/cheap` right on 2 of 3 prompts, `steady` on 4 of 5, `costly` always and
 * `dominated` (dearer than `costly`, right half the time) never worth calling.
 */
function split(name: string, n: number, offset: number): RecordedTask {
  const letters = ['A', 'B', 'C', 'D'];
  const prompts = Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const gold = letters[i % 4] as string;
    const right: Record<string, boolean> = { 'org/cheap': i % 3 !== 0, steady: i % 5 !== 0, costly: true, dominated: i % 2 === 0 };
    const drafts = Object.fromEntries(
      MODELS.map((m) => {
        const answer = right[m] ? gold : (letters[(i + 1 + MODELS.indexOf(m)) % 4] as string);
        return [m, { text: `(${answer}) is my answer`, score: right[m] ? 1 : 0, costUsd: COST[m] as number }];
      }),
    );
    return { id: `s${i}`, prompt: `Item ${i}: pick one.\nA) red\nB) blue\nC) green\nD) black\nAnswer:`, drafts };
  });
  return { name, kind: 'choice', models: MODELS, prompts, source: name };
}

const data = join(dir, 'rb');
mkdirSync(data);
writeWideCsv(join(data, 'tiny_arc_train.csv'), split('tiny_arc', 60, 0));
writeWideCsv(join(data, 'tiny_arc_test.csv'), split('tiny_arc', 30, 60));

const trainTiny = (extra: readonly string[]) => runCli(['train', 'route', '--data', data, '--task', 'tiny_arc', ...extra]);

describe('baton train route', () => {
  it('--budget picks lambda on train, prints both splits, the paths, and writes heads that load', async () => {
    const heads = join(dir, 'heads.json');
    const { code, out } = await trainTiny(['--budget', '0.5', '--epochs', '2', '--out', heads]);
    expect(code).toBe(0);
    expect(out).toMatch(/60 train \/ 30 test prompts, 4 models; best single model \(train\): costly/);
    expect(out).toMatch(/pool \(the train split's Pareto models\): org\/cheap, steady, costly/);
    expect(out.match(/^ {2}lambda /gm)).toHaveLength(DEFAULT_LAMBDAS.length);
    expect(out).toMatch(/<- chosen/);
    expect(out).toMatch(/^train +\d+\.\d% +\d+\.\d% +100\.0% at 100%$/m);
    expect(out).toMatch(/^test +\d+\.\d%/m);
    expect(out).toMatch(/episodes \(2 epochs\) in \d+\.\d s; the whole sweep/);
    expect(out).toMatch(/most common paths on test:\n {2} *\d+\.\d% {2}\S+/);
    const file = JSON.parse(readFileSync(heads, 'utf8')) as { lambda: number; models: string[] };
    expect(out).toMatch(new RegExp(`^trained lambda ${file.lambda},`, 'm'));
    const loaded = loadRouteHeads(file);
    expect(loaded).toMatchObject({ kind: 'choice', learner: 'icq', models: ['org/cheap', 'steady', 'costly'], task: 'tiny_arc' });
    expect(Object.keys(loaded.heads).sort()).toEqual(['costly', 'dispatcher', 'org/cheap', 'steady']);
  });

  it('--models and --pool all route between exactly the models named', async () => {
    const { code, out } = await trainTiny(['--models', 'steady,dominated', '--pool', 'all', '--lambda', '0.2', '--epochs', '1']);
    expect(code).toBe(0);
    expect(out).toMatch(/pool \(all models\): steady, dominated/);
    expect(out).not.toMatch(/lambda sweep/);
  });

  it.each([
    [['--lambda', '0.1', '--budget', '0.25'], /--budget: give --lambda or --budget, not both/],
    [['--models', 'steady,huge'], /--models: .*no model "huge" \(has: org\/cheap, steady, costly, dominated\)/],
    [['--budget', '0'], /--budget must be a number between 0 and 10/],
    [['--pool', 'some'], /--pool.*some.*pareto, all/],
  ])('%j names the flag and exits 2', async (extra, message) => {
    const { code, err, out } = await trainTiny([...extra]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it('a folder without the task files names --data and the file', async () => {
    const { code, err } = await runCli(['train', 'route', '--data', data, '--task', 'mbpp']);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/--data: .*mbpp_train\.csv does not exist/);
  });
});

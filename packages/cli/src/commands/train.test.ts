import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A RouterBench-style wide CSV with three models: `tiny` is right on a third of the prompts, `mid` on half, `big` on all. */
function routerBenchCsv(): string {
  const models = ['tiny', 'mid', 'big'];
  const header = ['prompt', ...models.flatMap((m) => [m, `${m}|model_response`, `${m}|total_cost`])];
  const rows = Array.from({ length: 60 }, (_, i) => {
    const a = i + 2;
    const b = (i % 7) + 3;
    const right = { tiny: i % 3 === 0, mid: i % 2 === 0, big: true };
    const cells = models.flatMap((m) => {
      const ok = right[m as keyof typeof right];
      return [ok ? '1' : '0', `"${a} * ${b} = ${a * b}\n#### ${ok ? a * b : a * b + 1}"`, m === 'big' ? '0.002' : '0.0001'];
    });
    return [`"Tom has ${a} boxes of ${b} pens. How many pens does Tom have?"`, ...cells].join(',');
  });
  const file = join(dir, 'routerbench.csv');
  writeFileSync(file, [header.join(','), ...rows].join('\n'));
  return file;
}

const run = runCli;

describe('baton train math --models', () => {
  const data = routerBenchCsv();

  it('trains on the two models named, the weaker as the weak model, and saves heads that say so', async () => {
    const heads = join(dir, 'heads.json');
    const { code, out } = await run(['train', 'math', '--data', data, '--models', 'big,mid', '--epochs', '1', '--out', heads]);
    expect(code).toBe(0);
    expect(out).toMatch(/mid vs big/);
    expect(out).toMatch(/CPT\(50%\)=/);
    expect((JSON.parse(readFileSync(heads, 'utf8')) as { models?: unknown }).models).toEqual({ weak: 'mid', strong: 'big' });
  });

  it('without --models says which two of the recorded models it used', async () => {
    const { code, out } = await run(['train', 'math', '--data', data, '--epochs', '1']);
    expect(code).toBe(0);
    expect(out).toMatch(/records 3 models; using tiny and mid \(choose with --models a,b\)/);
  });

  it('names the option and the models the file has when a name is wrong or missing', async () => {
    const unknown = await run(['train', 'math', '--data', data, '--models', 'big,huge']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/--models.*no model "huge".*tiny, mid, big/);
    const one = await run(['train', 'math', '--data', data, '--models', 'big']);
    expect(one.err).toMatch(/--models.*two different model names/);
  });
});

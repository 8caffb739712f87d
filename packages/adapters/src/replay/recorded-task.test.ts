import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedTask } from '@baton/agents/route';
import { UserError } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { loadRecordedSplits, loadRecordedTask, loadRouteLLMSplits, promptHashId, ROUTELLM_TRAIN_SHARE } from '@baton/adapters';
import { writeWideCsv } from '@baton/adapters/test';
import { gsm8kRecordings } from '../../../../test/shared-data.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'baton-wide-'));
const recordings = gsm8kRecordings();

const task: RecordedTask = {
  name: 'arc_tiny',
  kind: 'choice',
  models: ['small', 'org/big-model', 'mid'],
  source: 'fixture',
  prompts: [
    {
      id: 'arc.1',
      prompt: 'Which is a metal?\nA) wood\nB) iron\nPrint only "A" or "B".\nAnswer:',
      drafts: {
        small: { text: 'A', score: 0, costUsd: 0.0001 },
        'org/big-model': { text: "B) iron, it's a metal", score: 1, costUsd: 0.004 },
        mid: { text: 'The answer is "B", \\ not A\r\n', score: 1, costUsd: 0.0009 },
      },
    },
    {
      id: 'arc.2',
      prompt: "Fire is hot, isn't it?\nA) yes\nB) no\nAnswer:",
      drafts: {
        small: { text: 'A\n', score: 1, costUsd: 2e-7 },
        'org/big-model': { text: 'é ☃ 😀 A', score: 1, costUsd: 0.0031 },
        mid: { text: '', score: 0, costUsd: 0 },
      },
    },
  ],
};

const HEADER = ',sample_id,prompt,eval_name,a,b,a|model_response,b|model_response,a|total_cost,b|total_cost,oracle_model_to_route_to';

/** A hand-written wide CSV with one good row per `good` and the given defective rows. */
function wideFile(rows: readonly string[], header = HEADER): string {
  const file = join(dir(), 'hand_train.csv');
  writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
  return file;
}
const good = (id: string): string => `0,${id},"['Q ${id}?\\nA) x\\nB) y']",e,1.0,0.0,['A'],"['B\\n']",0.001,0.01,a`;

describe('loadRecordedTask (RouterBench wide CSV)', () => {
  it('round-trips a task written by writeWideCsv: prompts, texts, scores, dollars, model order', () => {
    const file = join(dir(), 'arc_tiny_train.csv');
    writeWideCsv(file, task);
    const loaded = loadRecordedTask(file);
    expect(loaded.skipped).toEqual([]);
    expect(loaded).toMatchObject({ name: 'arc_tiny', kind: 'choice', models: task.models, source: file });
    expect(loaded.prompts).toEqual(task.prompts);
  });

  it('selects any number of models in the order asked, and lists the available ones for an unknown name', () => {
    const file = join(dir(), 'arc_tiny_test.csv');
    writeWideCsv(file, task);
    const two = loadRecordedTask(file, { models: ['mid', 'small'] });
    expect(two.models).toEqual(['mid', 'small']);
    expect(Object.keys(two.prompts[0]?.drafts ?? {})).toEqual(['mid', 'small']);
    const unknown = (): unknown => loadRecordedTask(file, { models: ['small', 'gpt-9'] });
    expect(unknown).toThrow(UserError);
    expect(unknown).toThrow(/no model "gpt-9" \(has: small, org\/big-model, mid\)/);
  });

  it('skips and counts defective rows, naming file and line (multi-line cells counted right)', () => {
    const file = wideFile([
      good('g1'),
      `1,bad-score,"['Q?']",e,,0.0,['A'],['B'],0.001,0.01,a`,
      `2,multi,"['Q\nspanning\nlines']",e,1.0,0.0,"['A']","['B']",0.001,0.01,a`,
      `3,bad-cost,"['Q?']",e,1.0,0.0,['A'],['B'],n/a,0.01,a`,
      `4,no-response,"['Q?']",e,1.0,0.0,,['B'],0.001,0.01,a`,
      `5,bad-repr,"['Q?']",e,1.0,0.0,['A'],"['B",0.001,0.01,a`,
      `6,bad-prompt,Q?,e,1.0,0.0,['A'],['B'],0.001,0.01,a`,
      `7,range,"['Q?']",e,2,0.0,['A'],['B'],0.001,0.01,a`,
      good('g2'),
    ]);
    const loaded = loadRecordedTask(file);
    expect(loaded.prompts.map((p) => p.id)).toEqual(['g1', 'multi', 'g2']);
    expect(loaded.prompts[1]?.prompt).toBe('Q\nspanning\nlines');
    expect(loaded.skipped.map((s) => [s.file, s.line])).toEqual([
      [file, 3],
      [file, 7],
      [file, 8],
      [file, 9],
      [file, 10],
      [file, 11],
    ]);
    expect(loaded.skipped.map((s) => s.reason)).toEqual([
      'empty score (a)',
      'cost "n/a" is not dollars >= 0 (a)',
      'response missing (a)',
      expect.stringMatching(/^response not a Python list of strings \(unterminated string at character 2\) \(b\)$/),
      expect.stringMatching(/^not a Python list of strings \(expected "\[" at character 1\) \(prompt\)$/),
      'score "2" is not in [0, 1] (a)',
    ]);
  });

  it("reads the answer kind from the file's eval_name before its name, then from the prompt", () => {
    const mbpp = good('c1').replace(',e,', ',mbpp,');
    expect(loadRecordedTask(wideFile([mbpp, mbpp, good('c2')])).kind).toBe('code');
    expect(loadRecordedTask(wideFile([good('c3')])).kind).toBe('choice');
    expect(loadRecordedTask(wideFile([mbpp]), { kind: 'text' }).kind).toBe('text');
  });

  it('judges a row only by the selected models', () => {
    const file = wideFile([good('g1'), `1,b-broken,"['Q?']",e,1.0,,['A'],['B'],0.001,0.01,a`]);
    expect(loadRecordedTask(file).skipped).toHaveLength(1);
    expect(loadRecordedTask(file, { models: ['a'] }).prompts.map((p) => p.id)).toEqual(['g1', 'b-broken']);
  });

  it('ids: the sample id, made unique when repeated; a prompt hash without one; multi-element prompts joined', () => {
    const file = wideFile([good('dup'), good('dup')]);
    expect(loadRecordedTask(file).prompts.map((p) => p.id)).toEqual(['dup', 'dup@3']);
    const bare = wideFile([`0,"['first', 'second']",1.0,['A'],0.5`], ',prompt,m,m|model_response,m|total_cost');
    const loaded = loadRecordedTask(bare, { name: 'free' });
    expect(loaded.prompts[0]).toMatchObject({ id: promptHashId('first\nsecond'), prompt: 'first\nsecond' });
    expect(loaded.kind).toBe('text');
  });

  it('refuses a file without the structure, naming file and line', () => {
    const noPrompt = wideFile([`0,x,1.0,['A'],0.1`], ',sample_id,a,a|model_response,a|total_cost');
    expect(() => loadRecordedTask(noPrompt)).toThrow(new RegExp(`${noPrompt}:1: no "prompt" column`));
    const noModels = wideFile([`0,x,"['Q']"`], ',sample_id,prompt');
    expect(() => loadRecordedTask(noModels)).toThrow(/:1: no model columns/);
    const noCost = wideFile([`0,"['Q']",1.0,['A']`], ',prompt,a,a|model_response');
    expect(() => loadRecordedTask(noCost)).toThrow(/:1: model "a" has no "a\|total_cost" column/);
    const binary = join(dir(), 'bin.csv');
    writeFileSync(binary, Buffer.concat([Buffer.from(`${HEADER}\n${good('g')}\n`), Buffer.from([0x50, 0x4b, 0x03, 0x00, 0xff])]));
    expect(() => loadRecordedTask(binary)).toThrow(UserError);
    expect(() => loadRecordedTask(binary)).toThrow(/bin\.csv:3: not UTF-8 text/);
    const torn = wideFile([good('g'), `1,x,"['Q?']`]);
    expect(() => loadRecordedTask(torn)).toThrow(/hand_train\.csv:\d+/);
    expect(() => loadRecordedTask(join(dir(), 'missing.csv'))).toThrow(/cannot read .*missing\.csv/);
  });
});

describe('loadRecordedSplits', () => {
  it("keeps the files' own split, one model set for both, skipped rows of both files", () => {
    const d = dir();
    writeWideCsv(join(d, 'arc_tiny_train.csv'), task);
    writeWideCsv(join(d, 'arc_tiny_test.csv'), { ...task, prompts: task.prompts.slice(1) });
    const { train, test, skipped } = loadRecordedSplits(d, 'arc_tiny', { models: ['org/big-model', 'small'] });
    expect(skipped).toEqual([]);
    expect([train.prompts.length, test.prompts.length]).toEqual([2, 1]);
    expect(train.models).toEqual(['org/big-model', 'small']);
    expect(test.models).toEqual(train.models);
    expect([train.kind, test.kind, test.name]).toEqual(['choice', 'choice', 'arc_tiny']);
    expect(() => loadRecordedSplits(d, 'mbpp')).toThrow(/mbpp_train\.csv does not exist/);
  });

  it.skipIf(recordings.missing)('reads the RouteLLM GSM8K directory as a deterministic 70/30 prompt-hash split, priced from tokens', () => {
    const gsm8k = recordings.dir;
    const { train, test, skipped } = loadRecordedSplits(gsm8k, 'gsm8k');
    expect(skipped).toEqual([]);
    expect(train.prompts.length + test.prompts.length).toBe(1307);
    expect(Math.abs(train.prompts.length / 1307 - ROUTELLM_TRAIN_SHARE)).toBeLessThan(0.05);
    expect([train.kind, train.name]).toEqual(['number', 'gsm8k']);
    const trainIds = new Set(train.prompts.map((p) => p.id));
    expect(test.prompts.some((p) => trainIds.has(p.id))).toBe(false);
    const draft = train.prompts[0]?.drafts['gpt-4-1106-preview'];
    expect(draft?.costUsd).toBeGreaterThan(0);
    const strongOnly = loadRouteLLMSplits(gsm8k, { models: ['gpt-4-1106-preview'] });
    expect(strongOnly.train.prompts.map((p) => p.id)).toEqual(train.prompts.map((p) => p.id));
    expect(() => loadRouteLLMSplits(gsm8k, { models: ['gpt-9'] })).toThrow(/no model "gpt-9" \(has: mistralai/);
  });
});

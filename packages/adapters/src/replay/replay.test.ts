import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError, UserError } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { createReplayModel, loadRouteLLM, loadRouterBench, ReplayUnknownPromptError } from '@baton/adapters';
import { gsm8kRecordings } from '../../../../test/shared-data.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

describe('RouterBench loader', () => {
  it('reads scores, responses and per-call dollars of every model', () => {
    const ds = loadRouterBench(fixture('routerbench.csv'));
    expect(ds.models).toEqual(['gpt-4', 'mixtral']);
    expect(ds.records).toHaveLength(2);
    expect(ds.records[0]?.outputs['gpt-4']).toEqual({ text: '2 + 2 = 4\n#### 4', score: 1, costUsd: 0.0012 });
    expect(ds.records[1]?.outputs.mixtral?.score).toBe(1);
  });

  it('names file, line and column of a bad score', () => {
    expect(() => loadRouterBench(fixture('routerbench-bad.csv'))).toThrow(/routerbench-bad\.csv:3: column "gpt-4": expected a score/);
  });
});

describe('replay model', () => {
  const records = [{ prompt: 'What is  2 +\n2?', outputs: { m: { text: '#### 4', score: 1 } } }];

  it('answers recorded prompts (whitespace-normalised) with tokens and dollars', async () => {
    const model = createReplayModel({ model: 'm', records, prices: { m: { inputPerToken: 1, outputPerToken: 10 } } });
    const r = await model.generate([{ role: 'user', content: 'What is 2 + 2?' }]);
    expect(r.text).toBe('#### 4');
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    expect(r.costUsd).toBe(r.usage.inputTokens + 10 * r.usage.outputTokens);
  });

  it('refuses an unknown prompt with a typed error, never an invented answer', async () => {
    const model = createReplayModel({ model: 'm', records, prices: { m: { inputPerToken: 0, outputPerToken: 0 } } });
    const error = await model.generate([{ role: 'user', content: 'What is 3 + 3?' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayUnknownPromptError);
    expect(error).toBeInstanceOf(BatonError);
    expect((error as BatonError).code).toBe('replay.unknown-prompt');
  });

  it('has no silent zero price', async () => {
    const model = createReplayModel({ model: 'm', records });
    await expect(model.generate([{ role: 'user', content: 'What is 2 + 2?' }])).rejects.toBeInstanceOf(UserError);
  });
});

const gsm8k = gsm8kRecordings();

describe.skipIf(gsm8k.missing)('RouteLLM loader', () => {
  it('loads the recorded GSM8K outcomes, drops contaminated prompts, attaches gold', () => {
    const ds = loadRouteLLM(gsm8k.dir);
    expect(ds.records).toHaveLength(1307);
    expect(ds.dropped).toBe(12);
    expect(ds.records.find((r) => r.prompt.startsWith('James decides'))?.gold).toBe(540);
    const mixtral = ds.records.reduce((s, r) => s + (r.outputs['mistralai/Mixtral-8x7B-Instruct-v0.1']?.score ?? 0), 0);
    expect(mixtral).toBe(739 + 94);
  });

  it('says so when a replay is asked for a prompt dropped as contaminated', async () => {
    const dir = gsm8k.dir;
    const ds = loadRouteLLM(dir);
    const first = JSON.parse(readFileSync(join(dir, 'contaminated_prompts.jsonl'), 'utf8').split('\n')[0] as string) as {
      eval_prompt: string;
    };
    const model = createReplayModel({ model: 'gpt-4-1106-preview', records: ds });
    const asked = model.generate([{ role: 'user', content: first.eval_prompt }]);
    await expect(asked).rejects.toBeInstanceOf(ReplayUnknownPromptError);
    await expect(asked).rejects.toThrow(/contaminated_prompts\.jsonl \(contaminated: RouteLLM's evaluation drops it/);
    await expect(model.generate([{ role: 'user', content: 'not a GSM8K prompt' }])).rejects.toThrow(
      /no recorded output for the prompt "not a GSM8K prompt"$/,
    );
  });
});

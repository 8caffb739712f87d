import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Action, BatonEvent } from '@baton/core';
import { relayInput, relayRuntime } from '@baton/core/test';
import { createAuditSink } from './file-sink.ts';
import { splitLine } from './format.ts';
import { verifyAuditLog } from './verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-tape-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let logs = 0;

/** Writes `events` through the file sink (tape -> writer thread) and returns each record's event text, as written. */
async function written(events: readonly BatonEvent[], options: { flushEvents?: number; firstBad?: number } = {}): Promise<string[]> {
  const path = join(dir, `log-${++logs}.jsonl`);
  const audit = createAuditSink({ path, redact: { env: {} }, ...(options.flushEvents ? { flushEvents: options.flushEvents } : {}) });
  for (const e of events) await audit.sink(e);
  await audit.close();
  const verdict = await verifyAuditLog(path);
  // The verifier knows the event vocabulary: a type it does not know is written, then named as malformed.
  if (options.firstBad === undefined) expect(verdict.ok, JSON.stringify(verdict.firstBad)).toBe(true);
  else expect(verdict.firstBad).toEqual({ line: options.firstBad, reason: 'malformed event record' });
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').slice(1, -1);
  return lines.map((line) => {
    const body = (splitLine(line) as { body: string }).body;
    return body.slice(body.indexOf(',"event":') + ',"event":'.length);
  });
}

describe('audit tape', () => {
  it('writes every runtime event byte-equal to JSON.stringify, across batch boundaries', async () => {
    const events: BatonEvent[] = [];
    const runtime = relayRuntime([(e) => void events.push(e)]);
    for (let seed = 1; seed <= 40; seed++) await runtime.runEpisode({ seed, input: relayInput(), learn: seed % 2 === 0 });
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(8);
    // Small batches: strings are interned per batch, so events must not depend on an earlier batch's table.
    expect(await written(events, { flushEvents: 7 })).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it('escapes odd strings, writes non-finite numbers as null, keeps optional fields and key order', async () => {
    const odd = 'a"b\\c\n\u0001\ud800é漢🔑';
    const events: BatonEvent[] = [
      { type: 'handoff', episodeId: odd, time: 1, handoffId: odd, from: odd, to: 'x', artifactHash: 'h', skipped: [odd, 'y'] },
      { type: 'handoff', episodeId: 'e', time: 1, handoffId: 'h1', from: 'a', to: 'b', artifactHash: 'h', skipped: [] },
      {
        type: 'decision',
        episodeId: 'e',
        time: -0,
        agent: odd,
        view: { projection: { n: -0, '2': 1, big: 1e21 }, privateState: {} },
        legal: ['continue', 'submit'],
        qValues: { continue: NaN, submit: -Infinity },
        action: 'submit',
        explored: false,
        artifactHash: 'h',
      },
      {
        type: 'episode-end',
        episodeId: 'e',
        time: Infinity,
        return: 1e-7,
        terminalReward: 1e21,
        steps: 3,
        handoffs: 0,
        costUsd: 0.1 + 0.2,
      },
      { type: 'episode-end', episodeId: 'e', time: 0, return: 0, terminalReward: 0, steps: 0, handoffs: 0, costUsd: 0, tokens: 12 },
      { type: 'episode-start', episodeId: 'e', time: 0, workflow: 'w', entry: 'a', seed: 3, artifactHash: 'h' },
      {
        type: 'episode-start',
        episodeId: 'e',
        time: 0,
        workflow: 'w',
        entry: 'a',
        seed: 3,
        artifactHash: 'h',
        learn: true,
        explore: false,
      },
      {
        type: 'submit',
        episodeId: 'e',
        time: 3,
        agent: 'a',
        artifactHash: 'h',
        reward: 0.5,
        forced: true,
        usage: { costUsd: 0.01, model: 'judge' },
        notes: { verdict: { score: 0.5 } },
      },
      { type: 'submit', episodeId: 'e', time: 3, agent: 'a', artifactHash: 'h', reward: 0.5, forced: false, notes: { why: odd } },
      { type: 'error', episodeId: 'e', time: 2, code: 'x.y', message: odd },
      { type: 'error', episodeId: 'e', time: 2, agent: 'a', code: 'x.y', message: 'm' },
      {
        type: 'work-end',
        episodeId: 'e',
        time: 0,
        agent: 'a',
        artifactHashBefore: 'h0',
        artifactHashAfter: 'h1',
        reward: -0.01,
        duration: 2,
        usage: { inputTokens: 3, model: odd, costUsd: 1e-6 },
        notes: { ok: true, none: null, label: odd },
      },
    ];
    expect(await written(events)).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it('loses nothing a schema does not describe: unknown types, extra, missing or mistyped fields, nesting, undefined values', async () => {
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const events = [
      { type: 'work-start', episodeId: 'e', time: 0, agent: 'a', artifactHash: 'h', worker: 'w-7' },
      { type: 'work-start', episodeId: 'e', time: 0, agent: 'a' },
      { type: 'scalar-return', episodeId: 'e', time: 0, handoffId: 'h', from: 'b', to: 'a', scalar: '0.5' },
      { type: 'submit', episodeId: 'e', time: 0, agent: 'a', artifactHash: 'h', reward: 1, forced: 'no' },
      {
        type: 'decision',
        episodeId: 'e',
        time: 0,
        agent: 'a',
        view: { projection: { n: 1 }, privateState: {}, extra: 1 },
        legal: ['submit'],
        qValues: {},
        action: 'submit',
        explored: true,
        artifactHash: 'h',
      },
      {
        type: 'decision',
        episodeId: 'e',
        time: 0,
        agent: 'a',
        view: { projection: many, privateState: { u: undefined, v: 2 } },
        legal: ['submit'],
        qValues: { submit: 1 },
        action: 'submit',
        explored: true,
        artifactHash: 'h',
      },
      {
        type: 'work-end',
        episodeId: 'e',
        time: 0,
        agent: 'a',
        artifactHashBefore: 'h0',
        artifactHashAfter: 'h1',
        reward: 0,
        duration: 1,
        usage: {},
        notes: { list: [1, 2], when: new Date(0) },
      },
      { type: 'episode-end', episodeId: 'e', time: 0, return: 0, terminalReward: 0, steps: 0, handoffs: 0, costUsd: 0, tokens: undefined },
    ] as unknown as BatonEvent[];
    expect(await written(events)).toEqual(events.map((e) => JSON.stringify(e)));
    const unknown = [{ type: 'custom-thing', episodeId: 'e', time: 0, payload: { deep: [1, { two: 2 }] } }] as unknown as BatonEvent[];
    expect(await written(unknown, { firstBad: 2 })).toEqual(unknown.map((e) => JSON.stringify(e)));
  });

  it('grows the tape for an event bigger than a batch (a huge legal set, a 50,000-key view) and loses nothing around it', async () => {
    const legal = Array.from({ length: 40_000 }, (_, i): Action => `handoff:agent-${i}`);
    const projection = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`f${i}`, i / 7]));
    const small: BatonEvent = { type: 'scalar-return', episodeId: 'e', time: 1, handoffId: 'h', from: 'b', to: 'a', scalar: 0.25 };
    const events: BatonEvent[] = [
      small,
      {
        type: 'decision',
        episodeId: 'e',
        time: 0,
        agent: 'a',
        view: { projection, privateState: { u: 1 } },
        legal,
        qValues: { submit: 1 },
        action: 'submit',
        explored: false,
        artifactHash: 'h',
      },
      small,
    ];
    expect(await written(events)).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it('redacts free text wherever it turns up, also inside events that usually carry none', async () => {
    const key = 'sk-proj-Xk3vQ9rT2mLw8ZpA5sD7fG1hJ4kL6zXc';
    const events = [
      {
        type: 'decision',
        episodeId: 'e',
        time: 0,
        agent: 'a',
        view: { projection: { prompt: `use ${key}` }, privateState: {} },
        legal: ['submit'],
        qValues: {},
        action: 'submit',
        explored: false,
        artifactHash: 'h',
      },
      { type: 'handoff', episodeId: 'e', time: 0, handoffId: 'h', from: 'a', to: 'b', artifactHash: 'h', skipped: [], note: key },
      { type: 'work-start', episodeId: 'e', time: 0, agent: 'a', artifactHash: 'h', apiKey: 'plain-looking-value' },
    ] as unknown as BatonEvent[];
    const texts = await written(events);
    expect(texts.join('\n')).not.toContain(key);
    expect(texts.join('\n')).not.toContain('plain-looking-value');
    expect((JSON.parse(texts[0] as string) as { view: { projection: { prompt: unknown } } }).view.projection.prompt).toBe('use [REDACTED]');
  });
});

describe('writer thread signing', () => {
  it('signs as the verifier checks, for short, block-sized, long and non-ASCII keys', async () => {
    const events: BatonEvent[] = [];
    await relayRuntime([(e) => void events.push(e)]).runEpisode({ seed: 3, input: relayInput() });
    for (const key of ['k'.repeat(16), 'x'.repeat(64), 'y'.repeat(65), 'clé-секрет-🔑-0123456789'.repeat(5)]) {
      const path = join(dir, `signed-${++logs}.jsonl`);
      const audit = createAuditSink({ path, hmacKey: key });
      for (const e of events) await audit.sink(e);
      await audit.close();
      expect((await verifyAuditLog(path, { hmacKey: key })).ok, key).toBe(true);
      expect((await verifyAuditLog(path, { hmacKey: `${key}!` })).ok, key).toBe(false);
    }
  });
});

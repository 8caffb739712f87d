import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BatonEvent } from '@baton/core';
import { createCoreAudit, createPlaygroundApp, syntheticPlaygroundWorkflow } from '@baton/playground';

// Crafted audit content (issue 17, item 9): logs whose hashes chain, so they verify, with hostile content inside.

const dir = mkdtempSync(join(tmpdir(), 'baton-pg-crafted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const audit = createCoreAudit();
const { app } = createPlaygroundApp({ workflows: [syntheticPlaygroundWorkflow], audit, auditDir: dir, clientDir: join(dir, 'none') });

/** Writes `events` through the real sink: hash-chained and sealed, whatever they contain. */
async function craft(name: string, events: readonly Record<string, unknown>[]): Promise<void> {
  const writer = await audit.createSink(join(dir, name));
  for (const e of events) await writer.sink(e as unknown as BatonEvent);
  await writer.close();
}

const start = { type: 'episode-start', episodeId: 'e1', time: 0, workflow: 'w', entry: 'a', seed: 1, artifactHash: 'h0' };
const end = { type: 'episode-end', episodeId: 'e1', time: 2, return: 1, terminalReward: 1, steps: 1, handoffs: 0, costUsd: 0.5 };

interface Summary {
  verdict: { ok: boolean };
  costs: { excluded: number; agents: Record<string, { dollars: number; work: number }> };
}

describe('crafted audit content', () => {
  afterEach(() => {
    // Undo any pollution so that one failure does not cascade into every later test in this process.
    for (const k of ['dollars', 'inputTokens', 'outputTokens', 'work', 'models', 'count']) Reflect.deleteProperty(Object.prototype, k);
  });

  it('an agent named __proto__ is a cost line, and Object.prototype stays clean', async () => {
    const work = (agent: string) => ({
      type: 'work-end',
      episodeId: 'e1',
      time: 1,
      agent,
      artifactHashBefore: 'h0',
      artifactHashAfter: 'h1',
      reward: 0,
      duration: 1,
      usage: { costUsd: 0.5, inputTokens: 10, outputTokens: 5 },
    });
    await craft('proto.jsonl', [start, work('__proto__'), work('constructor'), end]);
    const res = await app.request('/api/audit/proto.jsonl');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Summary;
    expect(body.verdict.ok).toBe(true);
    expect(Object.keys(body.costs.agents).sort()).toEqual(['__proto__', 'constructor']);
    expect(body.costs.agents['__proto__']).toMatchObject({ dollars: 0.5, work: 1 });
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('dollars');
    expect(({} as Record<string, unknown>)['work']).toBeUndefined();
  });

  it('a non-numeric return in a verified log is shown as an invalid record naming the field; the rest of the page loads', async () => {
    await craft('nan.jsonl', [start, { ...end, return: 'a lot' }]);
    const summary = (await (await app.request('/api/audit/nan.jsonl')).json()) as Summary;
    expect(summary.verdict.ok).toBe(true);
    expect(summary.costs.excluded).toBe(1);
    const page = (await (await app.request('/api/audit/nan.jsonl/records')).json()) as {
      total: number;
      records: { line: number; kind: string; problem?: string; text?: string; event?: unknown }[];
    };
    expect(page.total).toBe(4);
    expect(page.records.map((r) => r.kind)).toEqual(['genesis', 'event', 'invalid', 'seal']);
    const bad = page.records[2];
    expect(bad).toMatchObject({ line: 3, problem: expect.stringMatching(/^return: /) });
    expect(bad?.event).toBeUndefined();
    expect(bad?.text).toContain('"a lot"');
  });

  it('an event of an unknown type, or a record that is not an object, is invalid or unreadable, not rendered', async () => {
    await craft('odd.jsonl', [start, { type: 'launch-missiles', episodeId: 'e1', time: 1 }, end]);
    const page = (await (await app.request('/api/audit/odd.jsonl/records')).json()) as { records: { kind: string; problem?: string }[] };
    expect(page.records.map((r) => r.kind)).toEqual(['genesis', 'event', 'invalid', 'event', 'seal']);
    expect(page.records[2]?.problem).toMatch(/^type: /);
  });
});

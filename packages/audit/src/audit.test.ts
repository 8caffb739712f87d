import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuditChain,
  auditCosts,
  createAuditSink,
  GRADER_LINE,
  readAuditLog,
  replayAudit,
  verifyAuditLog,
  withAuditLog,
  type EventRecord,
} from '@baton/audit';
import { InProcessRuntime, type BatonEvent } from '@baton/core';
import { relayInput, relayRuntime, relayWorkflow, SeededRandomHead } from '@baton/core/test';
import { hmacHex, sha256Hex } from './format.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `log-${++n}.jsonl`);
const KEY = 'test-hmac-key-0123456789abcdef';

async function writeLog(path: string, episodes: number, options: { hmacKey?: string; learn?: boolean } = {}): Promise<number> {
  const audit = createAuditSink({ path, ...(options.hmacKey ? { hmacKey: options.hmacKey } : {}) });
  const runtime = relayRuntime([audit.sink]);
  let cost = 0;
  for (let seed = 1; seed <= episodes; seed++) {
    cost += (await runtime.runEpisode({ seed, input: relayInput(), learn: options.learn ?? true })).costUsd;
  }
  await audit.close();
  return cost;
}

/** Rewrites a log's events through `edit` and re-chains them, as a forger without the key would. */
function rechain(path: string, edit: (events: BatonEvent[]) => BatonEvent[], key?: string): string[] {
  const text = readFileSync(path, 'utf8').trimEnd().split('\n');
  const events = text
    .map((l) => JSON.parse(l) as { kind: string; event?: BatonEvent })
    .filter((r) => r.kind === 'event')
    .map((r) => r.event as BatonEvent);
  const chain = new AuditChain(key);
  return [chain.genesis(), ...edit(events).map((e) => chain.event(JSON.stringify(e))), chain.seal()];
}

describe('audit log', () => {
  it('records every event of real episodes in a chain that verifies, replays and adds up', async () => {
    const path = fresh();
    const cost = await writeLog(path, 20);
    const result = await verifyAuditLog(path);
    expect(result).toMatchObject({ ok: true, sealed: true, signed: false });
    const records = await readAuditLog(path);
    expect(result.records).toBe(records.length);
    const events = records.filter((r): r is EventRecord => r.kind === 'event').map((r) => r.event);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['episode-start', 'work-start', 'work-end', 'decision', 'handoff', 'scalar-return', 'submit', 'episode-end']),
    );
    const decision = events.find((e) => e.type === 'decision');
    expect(decision).toMatchObject({
      view: { projection: { progress: expect.any(Number) } },
      legal: expect.arrayContaining(['submit']),
      explored: expect.any(Boolean),
    });
    const replay = await replayAudit(path);
    expect(replay.ok).toBe(true);
    expect(replay.episodes).toHaveLength(20);
    const costs = await auditCosts(path);
    expect(costs.total.dollars).toBeCloseTo(cost, 12);
    const byAgent = Object.values(costs.agents).reduce((s, a) => s + a.dollars, 0);
    const byEdge = Object.values(costs.edges).reduce((s, a) => s + a.dollars, 0);
    expect(byAgent).toBeCloseTo(cost, 12);
    expect(byEdge).toBeCloseTo(cost, 12);
    expect(costs.edges['start->draft']?.count).toBe(20);
  });

  it('replays evaluation episodes, which send no scalar back', async () => {
    const path = fresh();
    await writeLog(path, 5, { learn: false });
    expect((await replayAudit(path)).ok).toBe(true);
  });

  it('signs with HMAC so that a chain rewritten end to end fails for the key holder only', async () => {
    const path = fresh();
    await writeLog(path, 3, { hmacKey: KEY });
    expect((await verifyAuditLog(path, { hmacKey: KEY })).ok).toBe(true);
    expect((await verifyAuditLog(path, { hmacKey: 'another-key-0123456789' })).firstBad).toEqual({
      line: 1,
      reason: expect.stringContaining('mac mismatch'),
    });
    const forged = rechain(
      path,
      (events) => events.map((e) => (e.type === 'work-end' ? { ...e, usage: { ...e.usage, costUsd: 0 } } : e)),
      'forger-key-0123456789abc',
    );
    expect((await verifyAuditLog(forged)).ok).toBe(true);
    expect((await verifyAuditLog(forged, { hmacKey: KEY })).ok).toBe(false);
    const unsigned = rechain(path, (events) => events);
    expect((await verifyAuditLog(unsigned, { hmacKey: KEY })).firstBad?.reason).toMatch(/not signed/);
  });

  it('signs checkpoints (each written batch ends with one, and the seal); a rewrite between them fails at the next', async () => {
    const path = fresh();
    const audit = createAuditSink({ path, hmacKey: KEY, flushEvents: 10 });
    const runtime = relayRuntime([audit.sink]);
    for (let seed = 1; seed <= 6; seed++) await runtime.runEpisode({ seed, input: relayInput() });
    await audit.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const signedLines = lines.flatMap((line, i) => (line.includes('","mac":"') ? [i + 1] : []));
    // Genesis, the last record of every 10-event batch, the seal.
    expect(signedLines[0]).toBe(1);
    expect(signedLines.at(-1)).toBe(lines.length);
    expect(signedLines.slice(1, -1).every((line) => (line - 1) % 10 === 0)).toBe(true);
    expect(signedLines.length).toBeLessThan(lines.length / 5);
    expect(await verifyAuditLog(path, { hmacKey: KEY })).toMatchObject({ ok: true, authenticated: lines.length });

    // A forger without the key edits line 15's event and re-chains every hash after it, keeping the macs as they
    // were: the hashes all check, the next checkpoint's mac does not.
    const records = lines.map((line) => JSON.parse(line) as { event: BatonEvent; ts: number; hash: string; mac?: string });
    const chain = new AuditChain(undefined);
    const forged = [lines[0] as string];
    chain.resume(0, (records[0] as { hash: string }).hash, 0);
    for (let i = 1; i < lines.length - 1; i++) {
      const rec = records[i] as (typeof records)[number];
      const event = i === 14 ? { ...rec.event, time: rec.event.time + 1 } : rec.event;
      const line = chain.event(JSON.stringify(event), rec.ts);
      forged.push(rec.mac ? `${line.slice(0, -1)},"mac":"${rec.mac}"}` : line);
    }
    forged.push(chain.seal());
    const verdict = await verifyAuditLog(forged, { hmacKey: KEY });
    expect(verdict.firstBad).toEqual({
      line: 21,
      reason:
        'mac mismatch: wrong key, or the chain was rewritten at or before this record (after line 11, the last record whose mac verified)',
    });
    expect(verdict.authenticated).toBe(11);
    // Without the key the forgery chains (what the key is for), but the seal without a mac is still refused.
    expect((await verifyAuditLog(forged)).firstBad).toEqual({ line: lines.length, reason: 'missing mac in a signed log' });
  });

  it('still verifies format version 1 logs, where every record of a signed log carries a mac', async () => {
    const v1: string[] = [];
    let prev: string | null = null;
    const signedLine = (text: string, withMac = true): void => {
      const hash = sha256Hex(text);
      v1.push(withMac ? `${text},"hash":"${hash}","mac":"${hmacHex(KEY, hash)}"}` : `${text},"hash":"${hash}"}`);
      prev = hash;
    };
    const build = (eventMac: boolean): string[] => {
      v1.length = 0;
      signedLine(
        '{"seq":0,"kind":"genesis","format":"baton-audit","version":1,"createdAt":"2026-01-01T00:00:00.000Z","signed":true,"prev":null',
      );
      signedLine(
        `{"seq":1,"kind":"event","ts":1,"prev":"${String(prev)}","event":{"type":"work-start","episodeId":"e","time":0,"agent":"a","artifactHash":"h"}`,
        eventMac,
      );
      signedLine(`{"seq":2,"kind":"seal","ts":2,"prev":"${String(prev)}","events":1`);
      return [...v1];
    };
    expect(await verifyAuditLog(build(true), { hmacKey: KEY })).toMatchObject({ ok: true, authenticated: 3 });
    // Version 1 promised a mac on every record: one missing is tampering there, where version 2 allows it.
    expect((await verifyAuditLog(build(false), { hmacKey: KEY })).firstBad).toEqual({ line: 2, reason: 'missing mac in a signed log' });
  });

  it('names a torn tail apart from tampering, and an unsealed log is not intact', async () => {
    const path = fresh();
    await writeLog(path, 3);
    const text = readFileSync(path, 'utf8');
    const complete = text.split('\n').length - 1;
    truncateSync(path, Buffer.byteLength(text) - 30);
    const torn = await verifyAuditLog(path);
    expect(torn).toMatchObject({ ok: false, tornTail: true, records: complete - 1 });
    expect(torn.firstBad).toBeUndefined();
    writeFileSync(path, text.split('\n').slice(0, -2).join('\n') + '\n');
    const unsealed = await verifyAuditLog(path);
    expect(unsealed).toMatchObject({ ok: false, sealed: false, firstBad: { reason: expect.stringContaining('not sealed') } });
    expect((await verifyAuditLog(path, { requireSeal: false })).ok).toBe(true);
  });

  it('replay catches a log that chains but does not add up', async () => {
    const path = fresh();
    await writeLog(path, 3);
    const cases: [string, (e: BatonEvent[]) => BatonEvent[], RegExp][] = [
      ['dropped scalar-return', (es) => es.filter((e) => e.type !== 'scalar-return'), /never got its scalar-return/],
      [
        'cost changed',
        (es) => es.map((e) => (e.type === 'episode-end' ? { ...e, costUsd: e.costUsd + 1 } : e)),
        /work-ends and grading sum to/,
      ],
      [
        'artifact break',
        (es) => es.map((e) => (e.type === 'work-end' ? { ...e, artifactHashAfter: 'f'.repeat(64) } : e)),
        /not the current version/,
      ],
      [
        'handoff without decision',
        (es) => es.map((e) => (e.type === 'handoff' ? { ...e, to: e.to === 'polish' ? 'check' : 'polish' } : e)),
        /does not follow a decision/,
      ],
    ];
    for (const [name, edit, reason] of cases) {
      const lines = rechain(path, edit);
      expect((await verifyAuditLog(lines)).ok, name).toBe(true);
      const replay = await replayAudit(lines);
      expect(replay.ok, name).toBe(false);
      expect(replay.episodes.flatMap((e) => e.problems.map((p) => p.reason)).join('\n'), name).toMatch(reason);
    }
  });

  it('redacts real-looking keys, secret env values and configured fields before hashing', async () => {
    const path = fresh();
    const secrets = {
      openai: 'sk-proj-Xk3vQ9rT2mLw8ZpA5sD7fG1hJ4kL6zXc',
      anthropic: 'sk-ant-api03-Qm9xR2vT5wY8zA1bC4dE7fG0hJ3kL6mN9pQ2rS5tU8vW-1aB2cD3eAA',
      bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiYXRvbiJ9.c2lnbmF0dXJl',
      awsId: 'AKIAIOSFODNN7EXAMPLE',
      awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      env: 'zz-internal-9f8e7d6c5b4a',
      field: 'alice@example.com',
      password: 'hunter2-but-longer',
    };
    const audit = createAuditSink({ path, redact: { fields: ['customerEmail'], env: { ...process.env, MY_SERVICE_TOKEN: secrets.env } } });
    const notes = {
      prompt: `use ${secrets.openai} or ${secrets.anthropic}`,
      header: `Authorization: Bearer ${secrets.bearer}`,
      aws: `${secrets.awsId}:${secrets.awsSecret}`,
      leaked: `token=${secrets.env}`,
      nested: { customerEmail: secrets.field, password: secrets.password },
      gitSha: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    };
    await audit.sink({
      type: 'work-end',
      episodeId: 'e1',
      time: 0,
      agent: 'solver',
      artifactHashBefore: 'a'.repeat(64),
      artifactHashAfter: 'b'.repeat(64),
      reward: 0,
      duration: 1,
      usage: {},
      notes,
    });
    await audit.sink({
      type: 'error',
      episodeId: 'e1',
      time: 1,
      agent: 'solver',
      code: 'provider.failed',
      message: `401 for key ${secrets.anthropic}`,
    });
    await audit.close();
    const text = readFileSync(path, 'utf8');
    for (const [name, secret] of Object.entries(secrets)) expect(text.includes(secret), name).toBe(false);
    expect(text).toContain('a94a8fe5ccb19ba61c4c0873d391e987982fbbd3');
    expect(text).toContain('Bearer [REDACTED]');
    expect((await verifyAuditLog(path)).ok).toBe(true);
  });

  it('a grader that reports a Grade puts its verdict and cost in the submit event, the episode cost and the cost table', async () => {
    const base = relayWorkflow();
    const verdict = { judge: 'panel', score: 0.8, reason: 'clear' };
    const workflow = {
      ...base,
      grader: () => ({
        reward: 0.8,
        usage: { model: 'judge-model', costUsd: 0.25, inputTokens: 100, outputTokens: 20 },
        notes: { verdict },
      }),
    };
    const heads = Object.fromEntries(workflow.agents.map((a) => [a.id, new SeededRandomHead()]));
    const path = fresh();
    const { value, verify } = await withAuditLog(path, (sink) =>
      new InProcessRuntime({ workflow, heads, sinks: [sink] }).runEpisode({ seed: 3, input: relayInput() }),
    );
    expect(verify.ok).toBe(true);
    const records = await readAuditLog(path);
    const submit = records.flatMap((r) => (r.kind === 'event' && r.event.type === 'submit' ? [r.event] : []))[0];
    expect(submit).toMatchObject({ reward: 0.8, usage: { costUsd: 0.25 }, notes: { verdict } });
    const work = records
      .flatMap((r) => (r.kind === 'event' && r.event.type === 'work-end' ? [r.event.usage.costUsd ?? 0] : []))
      .reduce((a, b) => a + b, 0);
    expect(value.costUsd).toBeCloseTo(work + 0.25, 12);
    expect((await replayAudit(path)).ok).toBe(true);
    const costs = await auditCosts(path);
    expect(costs.agents[GRADER_LINE]).toMatchObject({ dollars: 0.25, inputTokens: 100, outputTokens: 20, models: ['judge-model'] });
    expect(costs.total.dollars).toBeCloseTo(value.costUsd, 12);
  });

  it('refuses to overwrite a log and withAuditLog verifies what it wrote', async () => {
    const path = fresh();
    const { value, verify } = await withAuditLog(path, (sink) => relayRuntime([sink]).runEpisode({ seed: 7, input: relayInput() }));
    expect(value.steps).toBeGreaterThan(0);
    expect(verify.ok).toBe(true);
    expect(() => createAuditSink({ path })).toThrow(/exists/);
  });
});

describe('hmacHex', () => {
  it('equals node:crypto createHmac for short, long and non-ASCII keys', async () => {
    const { createHmac } = await import('node:crypto');
    const { hmacHex } = await import('./format.ts');
    for (const key of ['k'.repeat(16), 'x'.repeat(64), 'y'.repeat(65), 'clé-секрет-🔑-0123456789'.repeat(5)]) {
      for (const text of ['', 'a'.repeat(64), 'héllo wörld'])
        expect(hmacHex(key, text)).toBe(createHmac('sha256', key).update(text).digest('hex'));
    }
  });
});

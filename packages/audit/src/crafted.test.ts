import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditChain, auditCosts, readAuditRecords, replayAudit, splitLine, verifyAuditLog, withAuditLog } from '@baton/audit';
import { UserError, type BatonEvent } from '@baton/core';
import { relayInput, relayRuntime } from '@baton/core/test';
import { sha256Hex } from './format.ts';

// Logs crafted as an attacker (or a careless script) would: the readers must name what is wrong, where, and never
// let log content reach an object's prototype.

const dir = mkdtempSync(join(tmpdir(), 'baton-audit-crafted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `log-${++n}.jsonl`);

async function realLog(): Promise<string[]> {
  const path = fresh();
  await withAuditLog(
    path,
    async (sink) => {
      const runtime = relayRuntime([sink]);
      for (let seed = 1; seed <= 2; seed++) await runtime.runEpisode({ seed, input: relayInput() });
    },
    {},
  );
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

/** A whole log chained afresh from events, as a forger without a key writes one. */
function chained(events: readonly unknown[], seal = true): string[] {
  const chain = new AuditChain(undefined);
  return [chain.genesis(), ...events.map((e) => chain.event(JSON.stringify(e))), ...(seal ? [chain.seal()] : [])];
}

function write(lines: readonly string[], tail = '\n'): string {
  const path = fresh();
  writeFileSync(path, lines.join('\n') + tail);
  return path;
}

const eventsOf = (lines: readonly string[]): BatonEvent[] =>
  lines.map((l) => JSON.parse(l) as { kind: string; event?: BatonEvent }).flatMap((r) => (r.kind === 'event' && r.event ? [r.event] : []));

describe('verify names the edited line', () => {
  it('an edit whose own hash was recomputed is reported at its line, not the next one', async () => {
    const lines = await realLog();
    const k = 7; // 1-based line of the edit
    const parts = splitLine(lines[k - 1] as string);
    if (!parts) throw new Error('not a record');
    const body = parts.body.replace('"time":', '"time":9');
    lines[k - 1] = `${body},"hash":"${sha256Hex(body)}"}`;
    const result = await verifyAuditLog(write(lines));
    expect(result.ok).toBe(false);
    expect(result.firstBad?.line).toBe(k);
    expect(result.firstBad?.reason).toMatch(new RegExp(`^line ${k + 1} records a different previous hash: this line was altered`));
    expect(result.records).toBe(k - 1);
  });
});

describe('readers validate every record', () => {
  it('a non-numeric return in a log that verifies is a UserError naming the line and the field', async () => {
    const events = eventsOf(await realLog()).map((e) => (e.type === 'episode-end' ? { ...e, return: 'lots' } : e));
    const path = write(chained(events));
    expect((await verifyAuditLog(path)).ok).toBe(true);
    const line = chained(events).findIndex((l) => l.includes('"return":"lots"')) + 1;
    await expect(readAuditRecords(path)).rejects.toThrow(UserError);
    await expect(readAuditRecords(path)).rejects.toThrow(new RegExp(`line ${line}: not an audit record \\(event.return: .*number`));
    await expect(replayAudit(path)).rejects.toThrow(/event\.return/);
    await expect(auditCosts(path)).rejects.toThrow(/event\.return/);
  });

  it('an action no agent can take and a hash that is not one are refused too', async () => {
    const events = eventsOf(await realLog()).map((e) => (e.type === 'decision' ? { ...e, action: '__proto__' } : e));
    await expect(readAuditRecords(write(chained(events)))).rejects.toThrow(/event\.action/);
    const lines = await realLog();
    lines[0] = (lines[0] as string).replace(/"hash":"[0-9a-f]{64}"/, '"hash":"nothex"');
    await expect(readAuditRecords(write(lines))).rejects.toThrow(/line 1: .*hash: expected a 64-digit hex hash/);
  });

  it('says when the log is torn or unsealed instead of reading it as if it were whole', async () => {
    const lines = await realLog();
    const whole = await readAuditRecords(write(lines));
    expect(whole).toMatchObject({ tornTail: false, sealed: true });
    const torn = await readAuditRecords(write(lines.slice(0, 10), `\n${(lines[10] as string).slice(0, 30)}`));
    expect(torn).toMatchObject({ tornTail: true, sealed: false });
    expect(torn.records).toHaveLength(10);
    expect(await readAuditRecords(write(lines.slice(0, 10)))).toMatchObject({ tornTail: false, sealed: false });
  });
});

describe('an agent named __proto__', () => {
  it('is an ordinary line in costs and replay, and Object.prototype stays clean', async () => {
    const events = eventsOf(await realLog()).map((e) => {
      const text = JSON.stringify(e).replaceAll('"draft"', '"__proto__"').replaceAll('"handoff:draft"', '"handoff:__proto__"');
      return JSON.parse(text) as BatonEvent;
    });
    const path = write(chained(events));
    const costs = await auditCosts(path);
    expect(Object.keys(costs.agents)).toContain('__proto__');
    expect(costs.agents['__proto__']?.work).toBeGreaterThan(0);
    expect(Object.keys(costs.edges)).toContain('start->__proto__');
    const replay = await replayAudit(path);
    expect(replay.episodes[0]?.path[0]).toBe('__proto__');
    expect(replay.episodes.flatMap((e) => e.problems)).toEqual([]);
    expect(replay.ok).toBe(true);
    const probe: Record<string, unknown> = {};
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(probe['dollars']).toBeUndefined();
    expect(probe['count']).toBeUndefined();
  });
});

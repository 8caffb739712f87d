import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InProcessRuntime } from '@baton/core';
import { methodHeads, syntheticInput, syntheticWorkflow, DEFAULT_SYNTHETIC } from '@baton/learner';
import { Rng } from '@baton/core';
import { createCoreAudit, createPlaygroundApp, syntheticPlaygroundWorkflow } from '@baton/playground';

const dir = mkdtempSync(join(tmpdir(), 'baton-pg-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeLog(name: string, episodes = 5): Promise<string> {
  const audit = createCoreAudit();
  const file = join(dir, name);
  const writer = await audit.createSink(file);
  const { heads } = methodHeads('random', 1);
  const runtime = new InProcessRuntime({ workflow: syntheticWorkflow(DEFAULT_SYNTHETIC), heads, sinks: [writer.sink] });
  const rng = new Rng(3);
  for (let i = 0; i < episodes; i++) await runtime.runEpisode({ seed: i, input: syntheticInput(rng) });
  await writer.close();
  return file;
}

describe('the core audit backend', () => {
  const audit = createCoreAudit();

  it('verifies, pages and costs an intact log', async () => {
    const file = await writeLog('ok.jsonl');
    const v = await audit.verify(file);
    expect(v).toMatchObject({ ok: true, sealed: true, live: false });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(v.records).toBe(lines.length);
    const page = await audit.read(file, { offset: 0, limit: 3 });
    expect(page.total).toBe(lines.length);
    expect(page.records.map((r) => r.kind)).toEqual(['genesis', 'event', 'event']);
    expect(page.records[1]?.event?.type).toBe('episode-start');
    const costs = await audit.costs(file);
    expect(Object.keys(costs.agents).length).toBeGreaterThan(0);
    expect(Object.keys(costs.edges).some((k) => k.startsWith('start->'))).toBe(true);
  });

  it('names the first tampered record, in the API the browser reads', async () => {
    const file = await writeLog('bad.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    const target = lines.findIndex((l, i) => i > 3 && l.includes('"type":"handoff"'));
    expect(target).toBeGreaterThan(3);
    // Redirect a handoff without touching the hash: exactly that line must be named.
    lines[target] = (lines[target] as string).replace(/"to":"(\w+)"/, '"to":"nobody"');
    writeFileSync(file, lines.join('\n'));
    const { app } = createPlaygroundApp({ workflows: [syntheticPlaygroundWorkflow], audit, auditDir: dir, clientDir: '/nonexistent' });
    const res = await app.request('/api/audit/bad.jsonl');
    const body = (await res.json()) as { verdict: { ok: boolean; firstBad?: { line: number; reason: string } } };
    expect(body.verdict.ok).toBe(false);
    expect(body.verdict.firstBad).toEqual({ line: target + 1, reason: expect.stringMatching(/hash mismatch/) });
    const page = (await (await app.request(`/api/audit/bad.jsonl/records?offset=${target}&limit=1`)).json()) as {
      records: { line: number; event?: { to?: string } }[];
    };
    expect(page.records[0]).toMatchObject({ line: target + 1, event: { to: 'nobody' } });
  });

  it('an unparseable line is still named, and its page still loads', async () => {
    const file = await writeLog('garbled.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = '{garbled';
    writeFileSync(file, lines.join('\n'));
    const v = await audit.verify(file);
    expect(v.firstBad?.line).toBe(3);
    const page = await audit.read(file, { limit: 4 });
    expect(page.records.map((r) => r.kind)).toEqual(['genesis', 'event', 'unreadable', 'event']);
  });

  it('a deleted record and an unsealed log fail; a live log need not be sealed', async () => {
    const file = await writeLog('cut.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [...lines.slice(0, 4), ...lines.slice(5)].join('\n'));
    expect((await audit.verify(file)).firstBad?.line).toBe(5);
    const open = await writeLog('open.jsonl');
    const withoutSeal = readFileSync(open, 'utf8').trimEnd().split('\n').slice(0, -1);
    writeFileSync(open, `${withoutSeal.join('\n')}\n`);
    expect((await audit.verify(open)).ok).toBe(false);
    expect(await audit.verify(open, { live: true })).toMatchObject({ ok: true, sealed: false, live: true });
  });
});

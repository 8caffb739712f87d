import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditChain, splitLine, withAuditLog } from '@baton/audit';
import { createHash } from 'node:crypto';
import { relayInput, relayRuntime } from '@baton/core/test';
import { main } from '@baton/cli';
import { gsm8kRecordings } from '../../../../test/shared-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-audit-'));
const log = join(dir, 'run.jsonl');
const signed = join(dir, 'signed.jsonl');
const KEY = 'cli-hmac-key-0123456789abcdef';

async function runCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}

beforeAll(async () => {
  const episodes = async (sink: Parameters<Parameters<typeof withAuditLog>[1]>[0]): Promise<void> => {
    const runtime = relayRuntime([sink]);
    for (let seed = 1; seed <= 4; seed++) await runtime.runEpisode({ seed, input: relayInput() });
  };
  await withAuditLog(log, episodes, {});
  await withAuditLog(signed, episodes, { hmacKey: KEY });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.CLI_TEST_AUDIT_KEY;
});

describe('baton audit', () => {
  it('verify: 0 intact, 1 tampered with the line and reason, 2 for a bad file', async () => {
    expect(await runCli('audit', 'verify', log)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^intact, unsigned: proves nothing against a rewrite of the whole file: \d+ records, sealed/),
    });
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[5] = (lines[5] as string).replace('"time":', '"time":1');
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, lines.join('\n'));
    expect(await runCli('audit', 'verify', tampered)).toMatchObject({
      code: 1,
      out: expect.stringContaining('TAMPERED at line 6: hash mismatch'),
    });
    const torn = join(dir, 'torn.jsonl');
    writeFileSync(torn, readFileSync(log, 'utf8').slice(0, -40));
    expect(await runCli('audit', 'verify', torn)).toMatchObject({ code: 1, out: expect.stringContaining('TORN TAIL') });
    expect(await runCli('audit', 'verify', join(dir, 'missing.jsonl'))).toMatchObject({
      code: 2,
      err: expect.stringContaining('cannot read'),
    });
    const notLog = join(dir, 'not-a-log.txt');
    writeFileSync(notLog, 'hello\n');
    expect(await runCli('audit', 'verify', notLog)).toMatchObject({ code: 2, err: expect.stringContaining('not a Baton audit log') });
  });

  it('verify --key-env checks the HMACs', async () => {
    expect(await runCli('audit', 'verify', signed)).toMatchObject({ code: 0, out: expect.stringContaining('HMACs not checked') });
    process.env.CLI_TEST_AUDIT_KEY = KEY;
    expect(await runCli('audit', 'verify', signed, '--key-env', 'CLI_TEST_AUDIT_KEY')).toMatchObject({
      code: 0,
      out: expect.stringContaining('HMAC checked'),
    });
    process.env.CLI_TEST_AUDIT_KEY = 'the-wrong-key-0123456789';
    expect(await runCli('audit', 'verify', signed, '--key-env', 'CLI_TEST_AUDIT_KEY')).toMatchObject({
      code: 1,
      out: expect.stringContaining('mac mismatch'),
    });
    expect((await runCli('audit', 'verify', signed, '--key-env', 'NO_SUCH_VAR_FOR_TEST')).code).toBe(2);
    // A live log cut after an unsigned record: the key vouches for the records up to the last signed checkpoint only.
    process.env.CLI_TEST_AUDIT_KEY = KEY;
    const lines = readFileSync(signed, 'utf8').trimEnd().split('\n');
    const lastUnsigned = lines.findLastIndex((line) => !line.includes('","mac":"'));
    const checkpoint = lines.slice(0, lastUnsigned).findLastIndex((line) => line.includes('","mac":"'));
    const live = join(dir, 'live-signed.jsonl');
    writeFileSync(live, `${lines.slice(0, lastUnsigned + 1).join('\n')}\n`);
    expect(await runCli('audit', 'verify', live, '--live', '--key-env', 'CLI_TEST_AUDIT_KEY')).toMatchObject({
      code: 0,
      out: expect.stringContaining(`HMAC checked through line ${checkpoint + 1}; lines ${checkpoint + 2}-`),
    });
  });

  it('show prints who handed to whom and why, the scalar back and the cost', async () => {
    const { code, out } = await runCli('audit', 'show', log);
    expect(code).toBe(0);
    expect(out).toMatch(/episode relay-1-1: workflow relay, seed 1, entry draft/);
    expect(out).toMatch(/draft +decides \S+ \((greedy|explored)\); Q: continue[*]?=/);
    expect(out).toMatch(/\w+ -> \w+ +handoff relay-\d-\d\/h0/);
    expect(out).toMatch(/scalar [\d.-]+ back for/);
    expect(out).toMatch(/worked 1: reward -0\.020, \$0\.\d+, \d+\+\d+ tok, (gpt|claude|llama)/);
    expect((await runCli('audit', 'show', log, '--episode', 'nope')).code).toBe(2);
  });

  it('replay passes a real log and fails one whose totals do not add up', async () => {
    expect(await runCli('audit', 'replay', log)).toMatchObject({ code: 0, out: expect.stringContaining('4/4 episodes consistent') });
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => !l.includes('"type":"scalar-return"'));
    const dropped = join(dir, 'dropped.jsonl');
    writeFileSync(dropped, lines.join('\n'));
    expect(await runCli('audit', 'replay', dropped)).toMatchObject({
      code: 1,
      out: expect.stringContaining('never got its scalar-return'),
    });
  });

  it('costs prints dollars and tokens per agent and per edge, and --json', async () => {
    const json = join(dir, 'costs.json');
    const { code, out } = await runCli('audit', 'costs', log, '--json', json);
    expect(code).toBe(0);
    expect(out).toMatch(/per agent[\s\S]*draft[\s\S]*per handoff edge[\s\S]*start->draft/);
    const costs = JSON.parse(readFileSync(json, 'utf8')) as { total: { dollars: number }; agents: Record<string, { dollars: number }> };
    expect(Object.values(costs.agents).reduce((s, a) => s + a.dollars, 0)).toBeCloseTo(costs.total.dollars, 12);
  });
});

describe('baton audit says what it proves', () => {
  const lines = (): string[] => readFileSync(log, 'utf8').trimEnd().split('\n');

  it('a consistently rewritten unsigned log is intact, and verify says that proves nothing against a rewrite', async () => {
    const chain = new AuditChain(undefined);
    const events = lines()
      .map((l) => JSON.parse(l) as { kind: string; event?: { type: string; reward?: number } })
      .flatMap((r) => (r.kind === 'event' && r.event ? [r.event] : []))
      .map((e) => (e.type === 'submit' ? { ...e, reward: 1 } : e));
    const forged = join(dir, 'forged.jsonl');
    writeFileSync(forged, [chain.genesis(), ...events.map((e) => chain.event(JSON.stringify(e))), chain.seal()].join('\n') + '\n');
    const { code, out } = await runCli('audit', 'verify', forged);
    expect(code).toBe(0);
    expect(out).toMatch(/^intact, unsigned: proves nothing against a rewrite of the whole file/);
  });

  it('an edit with its own hash recomputed is named at its line', async () => {
    const edited = lines();
    const parts = splitLine(edited[8] as string);
    if (!parts) throw new Error('not a record');
    const body = parts.body.replace('"time":', '"time":7');
    edited[8] = `${body},"hash":"${createHash('sha256').update(body).digest('hex')}"}`;
    const file = join(dir, 'edited.jsonl');
    writeFileSync(file, `${edited.join('\n')}\n`);
    const { code, out } = await runCli('audit', 'verify', file);
    expect(code).toBe(1);
    expect(out).toContain(
      'TAMPERED at line 9: line 10 records a different previous hash: this line was altered and its own hash recomputed',
    );
    expect(out).toContain('8 records before it verify (unsigned');
  });

  it('speaks of signed checkpoints only for a signed log checked with its key', async () => {
    const live = join(dir, 'live-unsigned.jsonl');
    writeFileSync(live, `${lines().slice(0, 12).join('\n')}\n`);
    const unsigned = await runCli('audit', 'verify', live, '--live');
    expect(unsigned.code).toBe(0);
    expect(unsigned.out).not.toMatch(/checkpoint/);
    expect(unsigned.out).toMatch(/^intact, unsigned: proves nothing against a rewrite of the whole file: 12 records;/);
    process.env.CLI_TEST_AUDIT_KEY = KEY;
    const tampered = readFileSync(signed, 'utf8').split('\n');
    tampered[4] = (tampered[4] as string).replace('"time":', '"time":1');
    const file = join(dir, 'tampered-signed.jsonl');
    writeFileSync(file, tampered.join('\n'));
    const bad = await runCli('audit', 'verify', file, '--key-env', 'CLI_TEST_AUDIT_KEY');
    expect(bad.code).toBe(1);
    expect(bad.out).not.toMatch(/checkpoint/);
    expect(bad.out).toMatch(/4 records before it verify; the key vouches for lines 1-1/);
  });

  it('show prints aligned columns, whole-millisecond latencies, and log text terminal-safe', async () => {
    const chain = new AuditChain(undefined);
    const events = lines()
      .map((l) => JSON.parse(l) as { kind: string; event?: { type: string; agent?: string; usage?: Record<string, unknown> } })
      .flatMap((r) => (r.kind === 'event' && r.event ? [r.event] : []))
      .map((e) =>
        e.type === 'work-end' && e.agent === 'check'
          ? { ...e, agent: 'check\u001b[2J', usage: { ...e.usage, latencyMs: 123.456789 } }
          : e.type === 'work-start' && e.agent === 'check'
            ? { ...e, agent: 'check\u001b[2J' }
            : e,
      );
    const crafted = join(dir, 'crafted-show.jsonl');
    writeFileSync(crafted, [chain.genesis(), ...events.map((e) => chain.event(JSON.stringify(e))), chain.seal()].join('\n') + '\n');
    const { code, out } = await runCli('audit', 'show', crafted);
    expect(code).toBe(0);
    const rows = out.split('\n');
    expect(rows[0]).toMatch(/^ *record +clock +t +agent +event$/);
    const eventColumn = (rows[0] as string).indexOf('event');
    for (const row of rows.slice(1).filter((r) => r !== '' && !r.includes(' episode ')))
      expect(row.slice(eventColumn - 2, eventColumn)).toBe('  ');
    expect(out).toMatch(/, 123ms, /);
    expect(out).not.toMatch(/123\.45/);
    expect(out).toContain('check\\x1b[2J');
    expect(out).not.toContain('\u001b');
  });

  it.each(['show', 'replay', 'costs'])('%s on a torn or unsealed log warns that it is partial', async (command) => {
    const whole = lines();
    const torn = join(dir, `torn-${command}.jsonl`);
    writeFileSync(torn, `${whole.slice(0, 20).join('\n')}\n${(whole[20] as string).slice(0, 25)}`);
    const tornRun = await runCli('audit', command, torn);
    expect(tornRun.err).toMatch(/warning: .* ends in an incomplete line 21 \(a write was cut short\); read 20 complete records/);
    const unsealed = join(dir, `unsealed-${command}.jsonl`);
    writeFileSync(unsealed, `${whole.slice(0, 20).join('\n')}\n`);
    expect((await runCli('audit', command, unsealed)).err).toMatch(/warning: .* is not sealed/);
    expect((await runCli('audit', command, log)).err).toBe('');
  });
});

describe('baton bench audit', () => {
  const gsm8k = gsm8kRecordings();
  it.skipIf(gsm8k.missing)('prints overhead and verify speed for every workload and writes --json', async () => {
    const json = join(dir, 'bench.json');
    const args = ['--episodes', '50', '--gsm8k-episodes', '20', '--rounds', '1', '--data', gsm8k.dir, '--json', json];
    const { code, out } = await runCli('bench', 'audit', ...args);
    expect(code).toBe(0);
    expect(out).toMatch(
      /relay workload[^]*overhead -?[\d.]+%[^]*icq workload[^]*overhead -?[\d.]+%[^]*gsm8k workload[^]*overhead -?[\d.]+%/,
    );
    const figures = { verify: { recordsPerSecond: expect.any(Number) }, overheadPercent: { audit: expect.any(Number) } };
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ relay: figures, icq: figures, gsm8k: figures });
  });

  it('names --data when the gsm8k recordings are not there', async () => {
    const { code, err } = await runCli('bench', 'audit', '--workload', 'gsm8k', '--data', join(dir, 'no-such-dir'));
    expect(code).not.toBe(0);
    expect(err).toMatch(/--data.*no RouteLLM GSM8K recordings|no RouteLLM GSM8K recordings[^]*--data/);
  });

  it('names the option when the workload is unknown', async () => {
    const { code, err } = await runCli('bench', 'audit', '--workload', 'nope');
    expect(code).not.toBe(0);
    expect(err).toMatch(/--workload/);
  });
});

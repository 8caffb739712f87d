import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis, redisKeys, takeCensus } from '@baton/adapters';
import { deploy, PrivateRedis, relayDefinition, type Deployment } from '@baton/adapters/test';
import { runCli } from '../test-support.ts';

let server: PrivateRedis;
let redis: ReturnType<typeof connectRedis>;
let deployment: Deployment<unknown>;
const foreign = new Map<string, string>();
/** The kinds clean keeps, as the dry run counted them. */
let kept: Record<string, [number, number]> = {};

beforeAll(async () => {
  server = await PrivateRedis.start();
  redis = connectRedis(server.url);
  deployment = (await deploy(redis, relayDefinition())) as Deployment<unknown>;
  await deployment.runtime.runEpisodes({ count: 30, seed: 1, input: () => ({ progress: 0, quality: 0 }) });
  // The last jobs complete just after the driver hears the last result.
  while ((await takeCensus(redis, { prefix: deployment.keys.prefix })).inFlight.length > 0) await new Promise((r) => setTimeout(r, 20));
  const { prefix, workflowKey } = deployment.keys;
  foreign.set(`${prefix}:mine`, 'a key of my own under the prefix');
  foreign.set(`${prefix}:${workflowKey}:artifact:x:y`, 'not the shape of an artifact key');
  foreign.set(`${prefix}-other:${workflowKey}:artifact:abc`, 'another prefix');
  for (const [key, value] of foreign) await redis.set(key, value);
}, 60_000);

afterAll(async () => {
  await deployment.stop();
  redis.disconnect();
  await server.stop();
});
afterEach(() => vi.restoreAllMocks());

/** `<kind> <keys> <no TTL>` counts from the printed table. */
function counts(out: string): Record<string, [number, number]> {
  const rows = [...out.matchAll(/^ {2}([A-Za-z' ]+?) +(\d+) +(\d+)/gm)];
  return Object.fromEntries(rows.map((m): [string, [number, number]] => [String(m[1]), [Number(m[2]), Number(m[3])]]));
}

describe('baton queue clean', () => {
  it('--dry-run prints the keys by kind and removes nothing', async () => {
    const { prefix } = deployment.keys;
    // Stall checks come and go (a TTL of 1.5 s, renewed by the workers): not counted.
    const stable = async (): Promise<string[]> => (await redis.keys(`${prefix}:*`)).filter((k) => !k.endsWith(':stalled-check')).sort();
    const before = await stable();
    const { code, out } = await runCli(['queue', 'clean', '--prefix', prefix, '--redis', server.url, '--dry-run']);
    expect(code).toBe(0);
    expect(out).toContain(`dry run of ${server.url}, prefix ${prefix}`);
    expect(out).toContain('workflow keys: relay (4 queues)');
    const table = counts(out);
    expect(table['completed job']).toEqual([0, 0]);
    expect(table['duplicate guard']?.[0]).toBeGreaterThan(30);
    expect(table['effect marker']?.[0]).toBeGreaterThan(30);
    expect(table["not Baton's"]).toEqual([2, 2]);
    const doomed = ['completed job', 'duplicate guard', 'effect marker', 'artifact version', 'episode key'];
    const n = doomed.reduce((sum, kind) => sum + (table[kind]?.[0] ?? 0), 0);
    expect(out).toContain(`would remove ${n} keys; removed nothing`);
    expect(await stable()).toEqual(before);
    kept = Object.fromEntries(['head', 'inbox', 'counter'].map((kind) => [kind, table[kind] ?? [0, 0]]));
  });

  it('refuses (exit 1) while an episode is in flight (here: one still closing)', async () => {
    const { prefix } = deployment.keys;
    const closing = redisKeys(deployment.keys).closing('ep-1');
    await redis.set(closing, '1', 'EX', 60);
    try {
      const { code, err } = await runCli(['queue', 'clean', '--prefix', prefix, '--redis', server.url]);
      expect(code).toBe(1);
      expect(err).toContain('error (queue.in-flight): ');
      expect(err).toContain('1 episodes closing');
    } finally {
      await redis.del(closing);
    }
  });

  it("removes the finished episodes' keys, leaves heads and keys that are not Baton's", async () => {
    const { prefix } = deployment.keys;
    const { code, out } = await runCli(['queue', 'clean', '--prefix', prefix, '--redis', server.url]);
    expect(code).toBe(0);
    expect(out).toMatch(/removed \d+ keys; 0 of those kinds left/);
    const dry = counts((await runCli(['queue', 'clean', '--prefix', prefix, '--redis', server.url, '--dry-run'])).out);
    for (const kind of ['completed job', 'duplicate guard', 'effect marker', 'artifact version', 'episode key'])
      expect([kind, dry[kind]]).toEqual([kind, [0, 0]]);
    expect(kept.head?.[0]).toBeGreaterThan(0);
    for (const kind of Object.keys(kept)) expect([kind, dry[kind]]).toEqual([kind, kept[kind]]);
    for (const [key, value] of foreign) expect(await redis.get(key)).toBe(value);
  });

  it('names a bad --prefix (exit 2) before connecting; --help says what it keeps', async () => {
    const bad = await runCli(['queue', 'clean', '--prefix', 'baton*', '--redis', 'redis://127.0.0.1:1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--prefix: must be non-empty, without glob characters');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const help = await runCli(['queue', 'clean', '--help']);
    expect(help.code).toBe(0);
    const text = written.join('');
    for (const words of ['--prefix', '--key', '--redis', '--failed', '--dry-run', 'never touches heads', 'SCAN (never KEYS)'])
      expect([words, text.includes(words)]).toEqual([words, true]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { PrivateRedis } from '@baton/adapters/test';
import { main } from '../program.ts';

describe('baton worker / run on Redis', () => {
  const saved = process.env.REDIS_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
    vi.restoreAllMocks();
  });

  it('exits 1 with the URL (password redacted) when Redis is unreachable, instead of hanging', async () => {
    const server = await PrivateRedis.start();
    const url = server.url;
    await server.stop(); // a port where nothing listens any more
    process.env.REDIS_URL = url.replace('redis://', 'redis://:pw-123@');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    const started = Date.now();
    for (const argv of [
      ['worker', '--workflow', 'relay', '--agent', 'draft'],
      ['run', 'relay', '--runtime', 'bullmq', '--episodes', '1'],
    ]) {
      process.exitCode = undefined;
      expect(await main(argv)).toBe(1);
    }
    process.exitCode = undefined;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errors.join('\n')).toContain(`cannot reach Redis at ${url.replace('redis://', 'redis://:***@')}`);
    expect(errors.join('\n')).not.toContain('pw-123');
  });

  it('rejects an unknown built-in workflow as a usage error', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['worker', '--workflow', 'nope', '--agent', 'a'])).toBe(2);
  });

  it('rejects an unknown agent with the valid ids (exit 2) before it connects anywhere', async () => {
    const server = await PrivateRedis.start();
    const url = server.url;
    await server.stop(); // had the worker connected first, it would say "cannot reach Redis" and exit 1
    process.env.REDIS_URL = url;
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    expect(await main(['worker', '--workflow', 'relay', '--agent', 'nosuch'])).toBe(2);
    expect(errors.join('\n')).toContain('has no agent "nosuch" (its agents: draft, check, polish)');
  });

  it('fails a bullmq run at once, saying which workers to start, when no worker serves the workflow', async () => {
    const server = await PrivateRedis.start();
    try {
      process.env.REDIS_URL = server.url;
      const errors: string[] = [];
      vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
      const started = Date.now();
      process.exitCode = undefined;
      expect(await main(['run', 'relay', '--runtime', 'bullmq', '--episodes', '1', '--key', 'k1'])).toBe(1);
      process.exitCode = undefined;
      expect(Date.now() - started).toBeLessThan(5000);
      const text = errors.join('\n');
      expect(text).toContain('runtime.no-workers');
      expect(text).toContain('baton worker --workflow relay --agent draft --key k1');
    } finally {
      await server.stop();
    }
  });
});

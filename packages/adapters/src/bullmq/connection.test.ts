import { describe, expect, it } from 'vitest';
import { checkRedisReachable, redactRedisUrl, redisOptionsFromUrl } from '@baton/adapters';
import { freePort } from '../test/redis-server.ts';

describe('Redis connection settings', () => {
  it('reads redis:// and rediss:// URLs with user, password and database', () => {
    const plain = redisOptionsFromUrl('redis://127.0.0.1:6380/2');
    expect(plain).toMatchObject({ host: '127.0.0.1', port: 6380, db: 2, maxRetriesPerRequest: null });
    expect(plain.tls).toBeUndefined();
    const secure = redisOptionsFromUrl('rediss://worker:s%40cret@redis.example.com');
    expect(secure).toMatchObject({ host: 'redis.example.com', port: 6379, username: 'worker', password: 's@cret' });
    expect(secure.tls).toBeDefined();
    expect(() => redisOptionsFromUrl('http://x')).toThrow(/redis:\/\/ or rediss:\/\//);
  });

  it('never shows the password', () => {
    expect(redactRedisUrl('rediss://worker:hunter2@redis.example.com:6380/1')).toBe('rediss://worker:***@redis.example.com:6380/1');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('fails fast, naming the URL without its password, when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await checkRedisReachable(`redis://:topsecret@127.0.0.1:${port}`, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`redis://:***@127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('topsecret');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

import { Redis, type RedisOptions } from 'ioredis';
import { BatonError, UserError } from '@baton/core';

/** The Redis server the distributed runtime talks to when nothing else is said. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Shown in messages: the URL with any password replaced by `***`, so logs never carry the secret. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable REDIS_URL>';
  }
}

/** ioredis connection options (the reply mapping is left to ioredis's default). */
export type RedisConnectOptions = Omit<RedisOptions, 'replyMapping'>;

/**
 * ioredis options for `redis://` and `rediss://` URLs (user, password, db, TLS). BullMQ needs
 * `maxRetriesPerRequest: null`: commands wait through a Redis restart instead of failing.
 */
export function redisOptionsFromUrl(url: string): RedisConnectOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new UserError(`not a URL: ${redactRedisUrl(url)}`, { field: 'REDIS_URL', cause });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UserError(`expected redis:// or rediss://, got ${parsed.protocol}//`, { field: 'REDIS_URL' });
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UserError(`bad database number in ${redactRedisUrl(url)}`, { field: 'REDIS_URL' });
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db,
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    maxRetriesPerRequest: null,
  };
}

/** A client for the runtime (commands wait through reconnects: see `redisOptionsFromUrl`). */
export function connectRedis(url: string = DEFAULT_REDIS_URL): Redis {
  return new Redis(redisOptionsFromUrl(url));
}

/**
 * Fails fast, with the URL (password redacted) in the message, when Redis cannot be reached within `timeoutMs`.
 * ioredis retries forever by default; this probe uses a bounded client so a wrong URL never hangs the CLI.
 */
export async function checkRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.connect().then(() => probe.ping()),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new BatonError('redis.unreachable', `cannot reach Redis at ${redactRedisUrl(url)}: ${reason}`, { cause });
  } finally {
    if (timer) clearTimeout(timer);
    probe.disconnect();
  }
}

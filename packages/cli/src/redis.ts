import { checkRedisReachable, connectRedis, DEFAULT_REDIS_URL } from '@baton/adapters';

/** `REDIS_URL` (redis:// or rediss://, with a password if any) or the local default. */
export function redisUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

/** Connects after a bounded reachability check, so an unreachable server is a clear error (exit 1), never a hang. */
export async function connectChecked(url = redisUrl()): Promise<ReturnType<typeof connectRedis>> {
  await checkRedisReachable(url, 3000);
  return connectRedis(url);
}

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { KeySpace } from './protocol.ts';

/** A key space no other test or run shares. */
export function uniqueKeys(label: string): KeySpace {
  return { prefix: `baton-test-${randomUUID().slice(0, 8)}`, workflowKey: label };
}

/** Deletes every key under the key space's prefix (BullMQ's and Baton's). */
export async function dropKeys(redis: Redis, keys: KeySpace): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) deleted += await redis.del(...found);
  } while (cursor !== '0');
  return deleted;
}

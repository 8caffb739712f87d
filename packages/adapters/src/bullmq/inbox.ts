import type { Redis } from 'ioredis';
import { BatonError } from '@baton/core';
import type { RedisKeys, InboxEntry } from './protocol.ts';
import { parseInboxEntry } from './schema.ts';

/** An inbox entry as read: its sequence number and the entry (or why it could not be used). */
export type ReadEntry = { readonly seq: number; readonly entry: InboxEntry } | { readonly seq: number; readonly error: BatonError };

/**
 * Reads every entry of an agent's inbox still in Redis (those applied are trimmed by the commits that applied them),
 * as `seq|json` lines (see parseInboxLine).
 */
export async function readInbox(redis: Redis, keys: RedisKeys, agentId: string): Promise<string[]> {
  return redis.lrange(keys.inbox(agentId), 0, -1);
}

/** The sequence number of one `seq|json` line, without reading the rest. */
export function inboxLineSeq(line: string): number {
  return Number(line.slice(0, line.indexOf('|')));
}

/**
 * One `seq|json` line of an inbox (as stored, and as the bell announces it). Entries are validated like jobs: a bad
 * one is returned as an error to log and skip, never fatal.
 */
export function parseInboxLine(line: string): ReadEntry {
  const bar = line.indexOf('|');
  const seq = Number(line.slice(0, bar));
  try {
    return { seq, entry: parseInboxEntry(JSON.parse(line.slice(bar + 1))) };
  } catch (cause) {
    const error = cause instanceof BatonError ? cause : new BatonError('job.invalid', `inbox entry ${seq} is not JSON`, { cause });
    return { seq, error };
  }
}

import type { Redis } from 'ioredis';
import type { RedisKeys } from './protocol.ts';

/**
 * One effect, committed atomically: the effect marker (SET NX), the agent's head snapshot, its private episode
 * state, new artifact versions (SET NX: content-addressed) and the outbox of jobs/events still to hand on. If the
 * marker exists the script changes nothing but the refused counter: a retried job never applies anything twice.
 *
 * Head versions make pipelined commits safe: a worker sends an agent's commits one after the other without waiting
 * for each reply, every commit names the head version it was computed from (ARGV[7], `*`: no check) and a commit
 * that writes the head sets a new version (ARGV[8]). If an earlier commit was refused or lost, the head in Redis is
 * not the one a later commit was computed from: that commit changes nothing and returns -1 (stale; the job is
 * retried against the head reloaded from Redis). So Redis only ever holds heads built from applied effects, in order.
 *
 * Returns 1 applied, 2 applied and this agent closed the episode last (the closing outbox was written), 0 already
 * applied (a retry), -1 stale.
 */
const COMMIT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCR', KEYS[3])
  return 0
end
if ARGV[7] ~= '*' and (redis.call('GET', KEYS[9]) or '') ~= ARGV[7] then return -1 end
redis.call('SET', KEYS[1], '1')
redis.call('INCR', KEYS[2])
if ARGV[1] ~= '' then
  redis.call('SET', KEYS[4], ARGV[1])
  redis.call('SET', KEYS[9], ARGV[8])
end
if ARGV[2] == '-' then redis.call('DEL', KEYS[5]) elseif ARGV[2] ~= '' then redis.call('SET', KEYS[5], ARGV[2], 'EX', 86400) end
local outbox = ARGV[3]
local result = 1
if ARGV[4] ~= '' then
  if ARGV[4] == 'decr' then
    if redis.call('DECR', KEYS[7]) <= 0 then
      outbox = ARGV[5]
      result = 2
      redis.call('DEL', KEYS[7])
    end
  else
    redis.call('SET', KEYS[7], ARGV[4])
  end
end
if outbox ~= '' then redis.call('SET', KEYS[6], outbox, 'EX', tonumber(ARGV[6])) end
local events = tonumber(ARGV[9])
for i = 1, events do redis.call('XADD', KEYS[8], '*', 'event', ARGV[9 + i]) end
for i = 10, #KEYS do redis.call('SET', KEYS[i], ARGV[i + events], 'NX') end
return result
`;

export interface Commit {
  readonly effectId: string;
  readonly agentId: string;
  readonly episodeId: string;
  /** The head's snapshot after the effect; omitted when the head was not touched. */
  readonly head?: string;
  /**
   * The head version this effect was computed from (the commit is refused as stale if Redis holds another) and, when
   * `head` is given, the version it writes. Omitted: no check (callers that never read the head).
   */
  readonly headVersion?: { readonly expected: string; readonly next: string };
  /** The agent's episode state after the effect; `null` deletes it (episode closed). */
  readonly episodeState?: string | null;
  readonly outbox: string;
  /** `set:N` starts the closing countdown, `decr` counts one agent closed. */
  readonly closing?: { readonly op: 'set'; readonly count: number } | { readonly op: 'decr'; readonly outboxIfLast: string };
  readonly artifacts?: readonly { readonly hash: string; readonly json: string }[];
  /** Events appended to `stream` in the same atomic step: exactly once, in commit order. */
  readonly events?: { readonly stream: string; readonly json: readonly string[] };
}

/** What became of a commit: applied (`last`: applied, and this agent closed the episode last), already applied, or stale. */
export type CommitOutcome = 'applied' | 'last' | 'refused' | 'stale';

type CommitClient = Redis & { batonCommit(numKeys: number, ...args: string[]): Promise<number> };

/** Registers the script on `redis` (EVALSHA with automatic EVAL fallback, as ioredis does for defineCommand). */
export function commitClient(redis: Redis): CommitClient {
  const client = redis as CommitClient;
  if (typeof client.batonCommit !== 'function') redis.defineCommand('batonCommit', { lua: COMMIT_SCRIPT });
  return client;
}

/**
 * Applies `commit` once. The command is written to the connection before this returns (commands on one connection
 * run in the order they are sent), so callers may send the next commit without waiting for this one's reply.
 */
export function commitEffect(redis: CommitClient, keys: RedisKeys, commit: Commit, outboxTtlSeconds = 86_400): Promise<CommitOutcome> {
  const artifacts = commit.artifacts ?? [];
  const redisKeysList = [
    keys.effect(commit.effectId),
    keys.appliedCount,
    keys.refusedCount,
    keys.head(commit.agentId),
    keys.episodeState(commit.agentId, commit.episodeId),
    keys.outbox(commit.effectId),
    keys.closing(commit.episodeId),
    commit.events?.stream ?? keys.base,
    keys.headVersion(commit.agentId),
    ...artifacts.map((a) => keys.artifact(a.hash)),
  ];
  const state = commit.episodeState === null ? '-' : (commit.episodeState ?? '');
  const closing = commit.closing === undefined ? '' : commit.closing.op === 'set' ? String(commit.closing.count) : 'decr';
  const outboxIfLast = commit.closing?.op === 'decr' ? commit.closing.outboxIfLast : '';
  const events = commit.events?.json ?? [];
  const args = [
    commit.head ?? '',
    state,
    commit.outbox,
    closing,
    outboxIfLast,
    String(outboxTtlSeconds),
    commit.headVersion?.expected ?? '*',
    commit.headVersion?.next ?? '',
    String(events.length),
    ...events,
    ...artifacts.map((a) => a.json),
  ];
  return redis
    .batonCommit(redisKeysList.length, ...redisKeysList, ...args)
    .then((r) => (r === 1 ? 'applied' : r === 2 ? 'last' : r === 0 ? 'refused' : 'stale'));
}

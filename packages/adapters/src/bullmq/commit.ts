import type { Redis } from 'ioredis';
import type { RedisKeys } from './protocol.ts';
import { DEFAULT_RETENTION, type Retention } from './retention.ts';

/**
 * One effect, committed atomically by one Lua script: the effect marker (a retried job finds it, applies nothing and
 * hands on the outbox the marker keeps),
 * the head's new operations (deltas) or a snapshot at an interval, the inbox entries it consumed, the agent's private
 * episode state, the scalars it sends to other agents' inboxes, the episode's path, the episode end (the submitter
 * sends every other participant its end notice and starts the closing countdown), the closes it counts, new artifact
 * versions, events for an audit stream and the outbox of jobs still to add.
 *
 * Head versions make pipelined commits safe: a worker sends an agent's commits one after the other without waiting
 * for each reply; each names the head version it was computed from and sets the next. If an earlier commit was
 * refused or lost, the head in Redis is not the one a later commit was computed from: that commit changes nothing
 * (stale) and the job is retried against the head reloaded from Redis. So Redis only ever holds heads built from
 * applied effects, in order.
 *
 * The commit travels as one JSON argument with named fields (cjson). Keys other than the agent's own are derived in
 * the script from `base`, so this needs a standalone (or sentinel) Redis, not a cluster.
 */
const COMMIT_SCRIPT = `
local c = cjson.decode(ARGV[1])
local base = c.base
-- What a running episode writes lives as long as failed jobs; what it leaves once its result is out, less.
local ttl = c.ttl
local finishedTtl = c.finishedTtl
local function agentKey(agent, suffix) return base .. ':agent:' .. agent .. ':' .. suffix end
local function episodeKey(episode, suffix) return base .. ':ep:' .. episode .. ':' .. suffix end
local me = c.agent
if c.effect then
  if redis.call('EXISTS', base .. ':fx:' .. c.effect) == 1 then
    redis.call('INCR', base .. ':stats:refused')
    return {0, ''}
  end
end
if c.expected ~= '*' and (redis.call('GET', agentKey(me, 'head:v')) or '') ~= c.expected then return {-1, ''} end
redis.call('INCR', base .. ':stats:applied')

if c.snapshot then
  redis.call('SET', agentKey(me, 'head'), c.snapshot)
  redis.call('DEL', agentKey(me, 'ops'))
elseif #c.ops > 0 then
  redis.call('RPUSH', agentKey(me, 'ops'), unpack(c.ops))
end
if c.next ~= '' then redis.call('SET', agentKey(me, 'head:v'), c.next) end

if c.applied > 0 then
  local done = tonumber(redis.call('GET', agentKey(me, 'inbox:applied')) or '0')
  if c.applied > done then
    redis.call('LTRIM', agentKey(me, 'inbox'), c.applied - done, -1)
    redis.call('SET', agentKey(me, 'inbox:applied'), c.applied)
  end
end

for i = 1, #c.episodes, 2 do
  if c.episodes[i + 1] == '' then redis.call('HDEL', agentKey(me, 'episodes'), c.episodes[i])
  else redis.call('HSET', agentKey(me, 'episodes'), c.episodes[i], c.episodes[i + 1]) end
end

local function send(agent, json)
  local n = redis.call('INCR', agentKey(agent, 'inbox:n'))
  local line = n .. '|' .. json
  redis.call('RPUSH', agentKey(agent, 'inbox'), line)
  redis.call('PUBLISH', agentKey(agent, 'bell'), line)
end
for i = 1, #c.sends, 2 do send(c.sends[i], c.sends[i + 1]) end

if c.handoff then
  -- The driver created the path with its expiry; RPUSH keeps it.
  redis.call('RPUSH', episodeKey(c.handoff.episode, 'path'), c.handoff.to)
  for _, id in ipairs(c.handoff.skipped) do
    redis.call('HINCRBY', episodeKey(c.handoff.episode, 'skipped'), id, 1)
    redis.call('EXPIRE', episodeKey(c.handoff.episode, 'skipped'), ttl)
  end
end

-- The episode's result is out: what the driver reads (and then deletes) is kept finishedTtl from now.
local function finish(episode)
  redis.call('EXPIRE', episodeKey(episode, 'result'), finishedTtl)
  redis.call('EXPIRE', episodeKey(episode, 'path'), finishedTtl)
  redis.call('EXPIRE', episodeKey(episode, 'skipped'), finishedTtl)
end

local jobs = c.jobs
if c.submit then
  local s = c.submit
  redis.call('SET', episodeKey(s.episode, 'result'), s.result, 'EX', ttl)
  local others = 0
  if s.notice ~= '' then
    local seen = {}
    seen[me] = true
    for _, id in ipairs(redis.call('LRANGE', episodeKey(s.episode, 'path'), 0, -1)) do
      if not seen[id] then
        seen[id] = true
        others = others + 1
        send(id, s.notice)
      end
    end
  end
  if s.notice == '' then
    -- No learning: nobody closes the episode; the others' private state for it is dropped here.
    local seen = {}
    seen[me] = true
    for _, id in ipairs(redis.call('LRANGE', episodeKey(s.episode, 'path'), 0, -1)) do
      if not seen[id] then
        seen[id] = true
        redis.call('HDEL', agentKey(id, 'episodes'), s.episode)
      end
    end
  end
  if others > 0 then redis.call('SET', episodeKey(s.episode, 'closing'), others, 'EX', ttl)
  else
    finish(s.episode)
    table.insert(jobs, s.resultJob)
  end
end
for i = 1, #c.closes, 2 do
  local key = episodeKey(c.closes[i], 'closing')
  if redis.call('DECR', key) <= 0 then
    redis.call('DEL', key)
    finish(c.closes[i])
    table.insert(jobs, c.closes[i + 1])
  end
end

for i = 1, #c.artifacts, 2 do
  -- Content-addressed: rewriting the same version pushes its expiry out for the episode writing it now.
  redis.call('SET', base .. ':artifact:' .. c.artifacts[i], c.artifacts[i + 1], 'EX', ttl)
end
if c.stream then
  for _, json in ipairs(c.streamEvents) do redis.call('XADD', c.stream, '*', 'event', json) end
end

local outbox = ''
if #jobs > 0 or #c.sinkEvents > 0 then
  outbox = '{"events":[' .. table.concat(c.sinkEvents, ',') .. '],"jobs":[' .. table.concat(jobs, ',') .. ']}'
end
if c.effect then
  -- The marker keeps the outbox: a retry that finds the marker hands on what it holds.
  redis.call('SET', base .. ':fx:' .. c.effect, outbox, 'EX', ttl)
elseif outbox ~= '' then
  redis.call('SET', base .. ':outbox:' .. c.outboxId, outbox, 'EX', ttl)
  redis.call('SADD', agentKey(me, 'outboxes'), c.outboxId)
end
return {1, outbox}
`;

/** One effect of one agent. JSON fields are already serialised (the script stores them as they are). */
export interface Commit {
  readonly agentId: string;
  /** The job's effect id: set for epochs (a retry is refused), absent for inbox drains (their head version guards them). */
  readonly effectId?: string;
  /** Names the outbox of a commit without an effect id (an epoch's outbox is kept as its effect marker's value). */
  readonly outboxId: string;
  /** The head version this effect was computed from (`*`: no check) and the one it writes ('' : none). */
  readonly headVersion: { readonly expected: string; readonly next: string };
  /** Head operations applied since the previous commit, in order (see head-store.ts). */
  readonly ops: readonly string[];
  /** A whole-head snapshot, every so many operations: replaces the stored snapshot and drops the stored operations. */
  readonly snapshot?: string;
  /** Inbox entries applied up to and including this sequence number (0: none). */
  readonly inboxApplied: number;
  /** The agent's private state per episode: JSON, or '' to delete it (the episode closed). */
  readonly episodes: readonly (readonly [episodeId: string, json: string])[];
  /** Inbox entries for other agents (the scalar a receiver owes its sender). */
  readonly sends: readonly (readonly [agentId: string, json: string])[];
  readonly handoff?: { readonly episode: string; readonly to: string; readonly skipped: readonly string[] };
  /** The episode ended here: its result, the end notice for the other participants ('' : no learning, report at once). */
  readonly submit?: { readonly episode: string; readonly result: string; readonly notice: string; readonly resultJob: string };
  /** Episodes this agent closed (endEpisode applied), each with the result job to add if it was the last to close. */
  readonly closes: readonly (readonly [episodeId: string, resultJob: string])[];
  /** Jobs (JSON of OutboxJob) to add once committed. */
  readonly jobs: readonly string[];
  /** Events for sinks (JSON), handed on with the jobs. */
  readonly sinkEvents: readonly string[];
  readonly artifacts: readonly (readonly [hash: string, json: string])[];
  /** Events appended to this stream in the same atomic step: exactly once, in commit order. */
  readonly stream?: { readonly key: string; readonly events: readonly string[] };
}

/** What became of a commit: applied (with the outbox to hand on, maybe empty), already applied (a retry), or stale. */
export type CommitOutcome = { readonly status: 'applied'; readonly outbox: string } | { readonly status: 'refused' | 'stale' };

type CommitClient = Redis & { batonCommit(numKeys: number, json: string): Promise<[number, string]> };

/** Registers the script on `redis` (EVALSHA with automatic EVAL fallback, as ioredis does for defineCommand). */
export function commitClient(redis: Redis): CommitClient {
  const client = redis as CommitClient;
  if (typeof client.batonCommit !== 'function') redis.defineCommand('batonCommit', { lua: COMMIT_SCRIPT });
  return client;
}

const flat = (pairs: readonly (readonly [string, string])[]): string[] => pairs.flatMap((p) => [p[0], p[1]]);

/**
 * Applies `commit` once. The command is written to the connection before this returns (commands on one connection
 * run in the order they are sent), so callers may send the next commit without waiting for this one's reply.
 */
export function commitEffect(
  redis: CommitClient,
  keys: RedisKeys,
  commit: Commit,
  retention: Retention = DEFAULT_RETENTION,
): Promise<CommitOutcome> {
  const spec = {
    base: keys.base,
    ttl: retention.failedSeconds,
    finishedTtl: retention.finishedSeconds,
    agent: commit.agentId,
    ...(commit.effectId === undefined ? {} : { effect: commit.effectId }),
    outboxId: commit.outboxId,
    expected: commit.headVersion.expected,
    next: commit.headVersion.next,
    ops: commit.ops,
    ...(commit.snapshot === undefined ? {} : { snapshot: commit.snapshot }),
    applied: commit.inboxApplied,
    episodes: flat(commit.episodes),
    sends: flat(commit.sends),
    ...(commit.handoff ? { handoff: commit.handoff } : {}),
    ...(commit.submit ? { submit: commit.submit } : {}),
    closes: flat(commit.closes),
    jobs: commit.jobs,
    sinkEvents: commit.sinkEvents,
    artifacts: flat(commit.artifacts),
    ...(commit.stream ? { stream: commit.stream.key, streamEvents: commit.stream.events } : {}),
  };
  // cjson decodes an empty JSON array as an empty table, which is what the script's `#` and ipairs expect.
  return redis
    .batonCommit(0, JSON.stringify(spec))
    .then(([code, outbox]) => (code === 1 ? { status: 'applied', outbox } : { status: code === 0 ? 'refused' : 'stale' }));
}

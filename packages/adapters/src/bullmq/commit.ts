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
 * The commit's small fields travel as one JSON argument with named fields (cjson); its strings (head operations,
 * states, inbox entries, jobs, events, artifact versions: JSON the script stores as it is) follow as arguments of
 * their own, in the order and numbers the header gives, so neither side encodes them twice. Keys other than the
 * agent's own are derived in the script from `base`, so this needs a standalone (or sentinel) Redis, not a cluster.
 */
const COMMIT_SCRIPT = `
local c = cjson.decode(ARGV[1])
local at = 2
-- The next n string arguments, in order.
local function take(n)
  local out = {}
  for i = 1, n do out[i] = ARGV[at + i - 1] end
  at = at + n
  return out
end
local ops = take(c.n.ops)
local episodes = take(2 * c.n.episodes)
local sends = take(2 * c.n.sends)
local submit = c.submit and take(3)
local closes = take(c.n.closes)
local jobs = take(c.n.jobs)
local sinkEvents = take(c.n.sinkEvents)
local artifacts = take(2 * c.n.artifacts)
local streamEvents = take(c.n.streamEvents)
local snapshot = c.snapshot and take(1)[1]
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

if snapshot then
  redis.call('SET', agentKey(me, 'head'), snapshot)
  redis.call('DEL', agentKey(me, 'ops'))
elseif #ops > 0 then
  redis.call('RPUSH', agentKey(me, 'ops'), unpack(ops))
end
if c.next ~= '' then redis.call('SET', agentKey(me, 'head:v'), c.next) end

if c.applied > 0 then
  local done = tonumber(redis.call('GET', agentKey(me, 'inbox:applied')) or '0')
  if c.applied > done then
    redis.call('LTRIM', agentKey(me, 'inbox'), c.applied - done, -1)
    redis.call('SET', agentKey(me, 'inbox:applied'), c.applied)
  end
end

for i = 1, #episodes, 2 do
  if episodes[i + 1] == '' then redis.call('HDEL', agentKey(me, 'episodes'), episodes[i])
  else redis.call('HSET', agentKey(me, 'episodes'), episodes[i], episodes[i + 1]) end
end

-- An inbox entry for another agent. It reaches its addressee in the reply of the addressee's next commit, when it
-- reads its inbox, or when the driver rings its bell (an episode whose closing the driver waits on).
local function send(agent, json)
  local n = redis.call('INCR', agentKey(agent, 'inbox:n'))
  redis.call('RPUSH', agentKey(agent, 'inbox'), n .. '|' .. json)
end
for i = 1, #sends, 2 do send(sends[i], sends[i + 1]) end

if c.entry then
  -- The entry agent's first effect starts the episode's path (the driver reads it at the end).
  redis.call('RPUSH', episodeKey(c.entry, 'path'), me)
  redis.call('EXPIRE', episodeKey(c.entry, 'path'), ttl)
end
if c.handoff then
  -- The entry's commit created the path with its expiry; RPUSH keeps it.
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

-- Jobs the script adds to the committed ones (the episode's result job, at its submit), also returned to the caller.
local added = {}
if submit then
  local s = { episode = c.submit.episode, result = submit[1], notice = submit[2], resultJob = submit[3] }
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
  -- The others close the episode (apply its end) in their own commits; the driver waits for the last one.
  if others > 0 then redis.call('SET', episodeKey(s.episode, 'closing'), others, 'EX', ttl) end
  finish(s.episode)
  table.insert(added, s.resultJob)
end
for _, episode in ipairs(closes) do
  local key = episodeKey(episode, 'closing')
  if redis.call('DECR', key) <= 0 then
    redis.call('DEL', key)
    redis.call('PUBLISH', c.closedChannel, episode)
  end
end
for _, json in ipairs(added) do table.insert(jobs, json) end

for i = 1, #artifacts, 2 do
  -- Content-addressed: rewriting the same version pushes its expiry out for the episode writing it now.
  redis.call('SET', base .. ':artifact:' .. artifacts[i], artifacts[i + 1], 'EX', ttl)
end
if c.stream then
  for _, json in ipairs(streamEvents) do redis.call('XADD', c.stream, '*', 'event', json) end
end
local outbox = ''
if #jobs > 0 or #sinkEvents > 0 then
  outbox = '{"events":[' .. table.concat(sinkEvents, ',') .. '],"jobs":[' .. table.concat(jobs, ',') .. ']}'
end
if c.effect then
  -- The marker keeps the outbox: a retry that finds the marker hands on what it holds.
  redis.call('SET', base .. ':fx:' .. c.effect, outbox, 'EX', ttl)
end
-- The caller's inbox entries it has not heard of yet, the oldest NEWS_LINES of them (the list holds the unapplied
-- ones, from seq done + 1 on); the next commits bring the rest.
local NEWS_LINES = 64
local news = {}
local count = tonumber(redis.call('GET', agentKey(me, 'inbox:n')) or '0')
if count > c.known then
  local done = tonumber(redis.call('GET', agentKey(me, 'inbox:applied')) or '0')
  local from = math.max(0, c.known - done)
  news = redis.call('LRANGE', agentKey(me, 'inbox'), from, from + NEWS_LINES - 1)
end
return {1, added, news}
`;

/** One effect of one agent. JSON fields are already serialised (the script stores them as they are). */
export interface Commit {
  readonly agentId: string;
  /** The job's effect id: set for epochs (a retry is refused), absent for inbox drains (their head version guards them). */
  readonly effectId?: string;
  /** The head version this effect was computed from (`*`: no check) and the one it writes ('' : none). */
  readonly headVersion: { readonly expected: string; readonly next: string };
  /** Head operations applied since the previous commit, in order (see head-store.ts). */
  readonly ops: readonly string[];
  /** A whole-head snapshot, every so many operations: replaces the stored snapshot and drops the stored operations. */
  readonly snapshot?: string;
  /** Inbox entries applied up to and including this sequence number (0: none). */
  readonly inboxApplied: number;
  /** The highest inbox sequence number the worker has heard of: the reply brings the entries after it. */
  readonly inboxKnown: number;
  /** The agent's private state per episode: JSON, or '' to delete it (the episode closed). */
  readonly episodes: readonly (readonly [episodeId: string, json: string])[];
  /** Inbox entries for other agents (the scalar a receiver owes its sender). */
  readonly sends: readonly (readonly [agentId: string, json: string])[];
  /** The entry agent's first effect of this episode: it starts the episode's path. */
  readonly entry?: string;
  readonly handoff?: { readonly episode: string; readonly to: string; readonly skipped: readonly string[] };
  /** The episode ended here: its result, the end notice for the other participants ('' : no learning, report at once). */
  readonly submit?: { readonly episode: string; readonly result: string; readonly notice: string; readonly resultJob: string };
  /** Episodes this agent closed (endEpisode applied); the last to close one tells the driver (`<base>:closed`). */
  readonly closes: readonly string[];
  /** Jobs (JSON of OutboxJob) to add once committed. */
  readonly jobs: readonly string[];
  /** Events for sinks (JSON), handed on with the jobs. */
  readonly sinkEvents: readonly string[];
  readonly artifacts: readonly (readonly [hash: string, json: string])[];
  /** Events appended to this stream in the same atomic step: exactly once, in commit order. */
  readonly stream?: { readonly key: string; readonly events: readonly string[] };
}

/**
 * What became of a commit: applied (with the jobs the script added to the committed ones: an episode's result job,
 * once its last participant closed it), already applied (a retry), or stale.
 */
export type CommitOutcome =
  | {
      readonly status: 'applied';
      readonly added: readonly string[];
      /** The agent's inbox entries (`seq|json`) after `inboxKnown`, read in the same step. */
      readonly news: readonly string[];
    }
  | { readonly status: 'refused' | 'stale' };

type CommitClient = Redis & { batonCommit(numKeys: number, ...args: string[]): Promise<[number, string[] | string, string[]?]> };

/** Registers the script on `redis` (EVALSHA with automatic EVAL fallback, as ioredis does for defineCommand). */
export function commitClient(redis: Redis): CommitClient {
  const client = redis as CommitClient;
  if (typeof client.batonCommit !== 'function') redis.defineCommand('batonCommit', { lua: COMMIT_SCRIPT });
  return client;
}

function pushPairs(out: string[], pairs: readonly (readonly [string, string])[]): void {
  for (const [a, b] of pairs) out.push(a, b);
}

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
  const streamEvents = commit.stream?.events ?? [];
  const header = {
    base: keys.base,
    ttl: retention.failedSeconds,
    finishedTtl: retention.finishedSeconds,
    agent: commit.agentId,
    ...(commit.effectId === undefined ? {} : { effect: commit.effectId }),
    expected: commit.headVersion.expected,
    next: commit.headVersion.next,
    applied: commit.inboxApplied,
    known: commit.inboxKnown,
    closedChannel: keys.closedChannel,
    ...(commit.entry === undefined ? {} : { entry: commit.entry }),
    ...(commit.handoff ? { handoff: commit.handoff } : {}),
    ...(commit.submit ? { submit: { episode: commit.submit.episode } } : {}),
    ...(commit.stream ? { stream: commit.stream.key } : {}),
    ...(commit.snapshot === undefined ? {} : { snapshot: true }),
    // How many string arguments of each kind follow the header (pairs count once), in this order.
    n: {
      ops: commit.ops.length,
      episodes: commit.episodes.length,
      sends: commit.sends.length,
      closes: commit.closes.length,
      jobs: commit.jobs.length,
      sinkEvents: commit.sinkEvents.length,
      artifacts: commit.artifacts.length,
      streamEvents: streamEvents.length,
    },
  };
  const args = [JSON.stringify(header), ...commit.ops];
  pushPairs(args, commit.episodes);
  pushPairs(args, commit.sends);
  if (commit.submit) args.push(commit.submit.result, commit.submit.notice, commit.submit.resultJob);
  args.push(...commit.closes);
  args.push(...commit.jobs, ...commit.sinkEvents);
  pushPairs(args, commit.artifacts);
  args.push(...streamEvents);
  if (commit.snapshot !== undefined) args.push(commit.snapshot);
  return redis
    .batonCommit(0, ...args)
    .then(([code, added, news]) =>
      code === 1
        ? { status: 'applied', added: Array.isArray(added) ? added : [], news: news ?? [] }
        : { status: code === 0 ? 'refused' : 'stale' },
    );
}

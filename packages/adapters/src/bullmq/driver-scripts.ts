import type { Redis } from 'ioredis';
import type { RedisKeys } from './protocol.ts';

/** A bell carries at most this many of the addressee's last unapplied inbox entries (one missing is read from the list). */
export const BELL_LINES = 16;

// Rings each distinct agent of `agents` (under `base`): publishes its last unapplied inbox entries, one per line, on
// its bell, so an idle worker applies what waits for it (an episode's end among them) at once.
const RING = `
local function ring(base, agents)
  local seen = {}
  for _, agent in ipairs(agents) do
    if not seen[agent] then
      seen[agent] = true
      local prefix = base .. ':agent:' .. agent .. ':'
      local lines = redis.call('LRANGE', prefix .. 'inbox', -${BELL_LINES}, -1)
      if #lines > 0 then redis.call('PUBLISH', prefix .. 'bell', table.concat(lines, '\\n')) end
    end
  end
end
`;

/**
 * Reads an episode's result, path and skips and deletes them, with its closing count, in one step; with ARGV[2] = '1'
 * it also rings the participants when some have not closed it yet.
 */
const TAKE_RESULT_SCRIPT = `${RING}
local result = redis.call('GET', KEYS[1])
local path = redis.call('LRANGE', KEYS[2], 0, -1)
local skipped = redis.call('HGETALL', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
local closing = redis.call('GET', KEYS[4])
if closing and ARGV[2] == '1' then ring(ARGV[1], path) end
return {result, path, skipped, closing}
`;

const RING_SCRIPT = `${RING}
local agents = {}
for i = 2, #ARGV do agents[i - 1] = ARGV[i] end
ring(ARGV[1], agents)
return 1
`;

type DriverClient = Redis & {
  batonTakeResult(result: string, path: string, skipped: string, closing: string, base: string, ring: string): Promise<TakenResult>;
  batonRing(base: string, ...agents: string[]): Promise<number>;
};

/** An episode's result JSON (null if missing), path, skips (`[agent, n, ...]`) and closing count (null: closed). */
export type TakenResult = [result: string | null, path: string[], skipped: string[], closing: string | null];

/** The driver's scripts on one connection (ioredis: EVALSHA with EVAL fallback). */
export function driverScripts(redis: Redis, k: RedisKeys) {
  const client = redis as DriverClient;
  if (typeof client.batonTakeResult !== 'function') {
    redis.defineCommand('batonTakeResult', { numberOfKeys: 4, lua: TAKE_RESULT_SCRIPT });
    redis.defineCommand('batonRing', { numberOfKeys: 0, lua: RING_SCRIPT });
  }
  return {
    /** Takes the episode's result (see TAKE_RESULT_SCRIPT); `ring`: wake the participants still closing it. */
    takeResult: (episodeId: string, ring: boolean): Promise<TakenResult> =>
      client.batonTakeResult(k.result(episodeId), k.path(episodeId), k.skipped(episodeId), k.closing(episodeId), k.base, ring ? '1' : '0'),
    /** Rings these agents' bells. */
    ring: (agents: readonly string[]): Promise<number> => client.batonRing(k.base, ...agents),
  };
}

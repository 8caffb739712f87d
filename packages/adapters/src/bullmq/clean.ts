import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BatonError, UserError } from '@baton/core';

/** What a key under a Baton prefix is (README, "Redis keys"). */
export type KeyKind =
  | 'completed job'
  | 'duplicate guard'
  | 'effect marker'
  | 'artifact version'
  | 'episode key'
  | 'private states'
  | 'failed job'
  | 'job in flight'
  | 'outbox'
  | 'head'
  | 'inbox'
  | 'counter'
  | 'queue'
  | "not Baton's";

/** Every kind, in the order a census lists them: first the ones a finished run leaves behind. */
export const KEY_KINDS: readonly KeyKind[] = [
  'completed job',
  'duplicate guard',
  'effect marker',
  'artifact version',
  'episode key',
  'failed job',
  'private states',
  'job in flight',
  'outbox',
  'head',
  'inbox',
  'counter',
  'queue',
  "not Baton's",
];

const FINISHED: readonly KeyKind[] = ['completed job', 'duplicate guard', 'effect marker', 'artifact version', 'episode key'];

/**
 * The kinds `cleanFinishedKeys` removes: what ended episodes leave; with `failed`, also failed jobs with their effect
 * markers and the agents' private states of episodes that never ended (a failed job retried by hand would need them).
 */
export function removedKinds(failed: boolean): readonly KeyKind[] {
  return failed ? [...FINISHED, 'failed job', 'private states'] : FINISHED;
}

export interface CleanOptions {
  /** The runtime's key prefix (`KeySpace.prefix`): only keys under `<prefix>:` are looked at. */
  readonly prefix: string;
  /** One workflow key only (`KeySpace.workflowKey`); default every one found under the prefix. */
  readonly workflowKey?: string;
  /** Also remove failed jobs (kept for inspection otherwise), their effect markers and private states. */
  readonly failed?: boolean;
  /** Count, delete nothing. */
  readonly dryRun?: boolean;
}

/** The keys of one kind: their names, and how many have no TTL. */
export interface KeyTally {
  readonly keys: string[];
  withoutTtl: number;
}

export interface KeyCensus {
  /** Workflow keys with Baton state under the prefix (only `workflowKey` when one was given). */
  readonly workflowKeys: readonly string[];
  /** Baton's queues of those workflow keys. */
  readonly queues: readonly string[];
  readonly kinds: ReadonlyMap<KeyKind, KeyTally>;
  /** Why removing keys now would break episodes still running (empty: nothing in flight). */
  readonly inFlight: readonly string[];
}

const STATE = /^([^:]+):(artifact|fx|outbox|ep|agent|stats):(.+)$/;
const QUEUE_LEVEL = new Set(
  'meta id events wait paused active prioritized pc delayed completed failed stalled stalled-check marker limiter waiting-children repeat'.split(
    ' ',
  ),
);
const JOB_PART = /:(lock|logs|dependencies|processed|failed|unsuccessful)$/;
const IN_FLIGHT_STATES = ['active', 'wait', 'waiting-children', 'delayed', 'prioritized'] as const;

function stateKind(area: string, tail: string): KeyKind | undefined {
  if (area === 'artifact') return tail.includes(':') ? undefined : 'artifact version';
  if (area === 'fx') return 'effect marker';
  if (area === 'outbox') return 'outbox';
  if (area === 'ep') return /^.+:(path|skipped|result|closing|aborted)$/.test(tail) ? 'episode key' : undefined;
  if (area === 'stats') return /^(applied|refused)$/.test(tail) ? 'counter' : undefined;
  const agentKey = /^[^:]+:(.+)$/.exec(tail)?.[1] ?? '';
  if (/^(head|head:v|ops)$/.test(agentKey)) return 'head';
  if (/^(inbox|inbox:n|inbox:applied|outboxes)$/.test(agentKey)) return 'inbox';
  return agentKey === 'episodes' ? 'private states' : undefined;
}

/** A key of one of Baton's queues (`suffix`: what follows `<queue>:`), by the queue's completed and failed sets. */
function queueKeyKind(suffix: string, sets: { completed: Set<string>; failed: Set<string> }): KeyKind {
  if (suffix.startsWith('de:')) return 'duplicate guard';
  if (QUEUE_LEVEL.has(suffix) || suffix.startsWith('metrics:')) return 'queue';
  const id = suffix.replace(JOB_PART, '');
  return sets.completed.has(id) ? 'completed job' : sets.failed.has(id) ? 'failed job' : 'job in flight';
}

/**
 * Checks a key prefix or workflow key before it goes into a SCAN pattern: non-empty, no glob characters, and (a
 * workflow key) no ':', which would make its keys indistinguishable from another's. A UserError naming `field`.
 */
export function checkKeyName(value: string, field: string, kind: 'prefix' | 'workflowKey'): void {
  const colon = kind === 'workflowKey' && value.includes(':');
  if (value === '' || /[*?[\]\\]/.test(value) || colon)
    throw new UserError(`must be non-empty, without glob characters (* ? [ ] \\)${colon ? ' or ":"' : ''}; got "${value}"`, { field });
}

/** Every key matching `pattern` with its PTTL (-1: none), by SCAN in batches. */
async function scanWithTtl(redis: Redis, pattern: string): Promise<{ key: string; ttl: number }[]> {
  const found: { key: string; ttl: number }[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.pttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => found.push({ key, ttl: Number(ttls[i]?.[1] ?? -2) }));
  } while (cursor !== '0');
  return found;
}

/**
 * Sorts every key under `<prefix>:` (SCAN, never KEYS) into its kind. A key is Baton's only if it has the shape of a
 * key the runtime writes: `<workflowKey>:<artifact|fx|outbox|ep|agent|stats>:...`, or a key of one of that workflow
 * key's queues (`<workflowKey>.agent.<id>`, `<workflowKey>.results`); anything else is "not Baton's".
 */
export async function takeCensus(redis: Redis, options: Omit<CleanOptions, 'dryRun' | 'failed'>): Promise<KeyCensus> {
  checkKeyName(options.prefix, 'prefix', 'prefix');
  if (options.workflowKey !== undefined) checkKeyName(options.workflowKey, 'workflowKey', 'workflowKey');
  const head = `${options.prefix}:`;
  const found = await scanWithTtl(redis, `${head}*`);
  const wanted = (wk: string): boolean => options.workflowKey === undefined || wk === options.workflowKey;

  const state = new Map<string, { wk: string; kind: KeyKind; tail: string }>();
  for (const { key } of found) {
    const [, wk = '', area = '', tail = ''] = STATE.exec(key.slice(head.length)) ?? [];
    const kind = stateKind(area, tail);
    if (kind) state.set(key, { wk, kind, tail });
  }
  const all = new Set([...state.values()].map((s) => s.wk));
  const ours = [...all].filter(wanted).sort();
  const queueOf = (name: string, wks: Iterable<string>): boolean =>
    [...wks].some((wk) => name === `${wk}.results` || name.startsWith(`${wk}.agent.`));
  const split = (key: string): [string, string] => {
    const [, name = '', suffix = ''] = /^([^:]+):(.+)$/.exec(key.slice(head.length)) ?? [];
    return [name, suffix];
  };
  const names = [...new Set(found.map(({ key }) => split(key)[0]).filter((name) => queueOf(name, ours)))].sort();

  const finished = new Map<string, { completed: Set<string>; failed: Set<string> }>();
  let jobsInFlight = 0;
  for (const name of names) {
    const queue = new Queue(name, { connection: redis, prefix: options.prefix });
    try {
      const [completed, failed, counts] = await Promise.all([
        redis.zrange(`${head}${name}:completed`, '0', '-1'),
        redis.zrange(`${head}${name}:failed`, '0', '-1'),
        queue.getJobCounts(...IN_FLIGHT_STATES),
      ]);
      finished.set(name, { completed: new Set(completed), failed: new Set(failed) });
      jobsInFlight += Object.values(counts).reduce((a, b) => a + b, 0);
    } finally {
      await queue.close();
    }
  }
  const failedIds = new Set([...finished.values()].flatMap((sets) => [...sets.failed]));

  const kinds = new Map<KeyKind, KeyTally>(KEY_KINDS.map((kind) => [kind, { keys: [], withoutTtl: 0 }]));
  for (const { key, ttl } of found) {
    const s = state.get(key);
    const [name, suffix] = split(key);
    const sets = finished.get(name);
    let kind: KeyKind;
    if (s) {
      if (!wanted(s.wk)) continue; // another workflow key's
      // A failed job may be retried by hand: its effect marker stays with it, so the retry applies nothing twice.
      kind = s.kind === 'effect marker' && failedIds.has(s.tail) ? 'failed job' : s.kind;
    } else if (sets) kind = queueKeyKind(suffix, sets);
    else if (queueOf(name, all))
      continue; // another workflow key's queue
    else kind = "not Baton's";
    const tally = kinds.get(kind) as KeyTally;
    tally.keys.push(key);
    if (ttl === -1) tally.withoutTtl += 1;
  }
  const closing = (kinds.get('episode key') as KeyTally).keys.filter((key) => key.endsWith(':closing')).length;
  const outboxes = (kinds.get('outbox') as KeyTally).keys.length;
  const inFlight = [
    ...(jobsInFlight > 0 ? [`${jobsInFlight} jobs waiting, active or delayed`] : []),
    ...(closing > 0 ? [`${closing} episodes closing (end notices not yet applied)`] : []),
    ...(outboxes > 0 ? [`${outboxes} outboxes not yet handed on (their agent's worker does it when it runs)`] : []),
  ];
  return { workflowKeys: ours, queues: names, kinds, inFlight };
}

/**
 * Removes what finished episodes left under the prefix (`removedKinds`): completed jobs (BullMQ's `Queue.clean`, so
 * its sets stay consistent), duplicate guards, effect markers, artifact versions and episode keys; with `failed`,
 * failed jobs, their markers and the private states of episodes that never ended. Heads, inboxes, counters, queues
 * and keys that are not Baton's are never touched. Refuses (`queue.in-flight`) while an episode is in flight; meant
 * for between runs (an episode started meanwhile could lose a shared artifact version it was handed by reference).
 * Returns the census before and after (the same census twice on a dry run).
 */
export async function cleanFinishedKeys(redis: Redis, options: CleanOptions): Promise<{ before: KeyCensus; after: KeyCensus }> {
  const before = await takeCensus(redis, options);
  if (options.dryRun) return { before, after: before };
  if (before.inFlight.length > 0)
    throw new BatonError(
      'queue.in-flight',
      `${options.prefix} has episodes in flight (${before.inFlight.join('; ')}); their keys are in use: clean when they are done`,
    );
  const failed = options.failed === true;
  for (const name of before.queues) {
    const queue = new Queue(name, { connection: redis, prefix: options.prefix });
    try {
      await queue.clean(0, 0, 'completed');
      if (failed) await queue.clean(0, 0, 'failed');
    } finally {
      await queue.close();
    }
  }
  // What Queue.clean removed is gone already (UNLINK skips it); the rest goes in batches.
  const doomed = removedKinds(failed).flatMap((kind) => before.kinds.get(kind)?.keys ?? []);
  for (let i = 0; i < doomed.length; i += 500) await redis.unlink(...doomed.slice(i, i + 500));
  return { before, after: await takeCensus(redis, options) };
}

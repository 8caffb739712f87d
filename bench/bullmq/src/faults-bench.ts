import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng, type BatonEvent, type EpisodeResult } from '@baton/core';
import { verifyAuditLines } from '@baton/audit';
import { createRedisStreamAuditSink, readRedisAuditStream } from '@baton/adapters/audit';
import { connectRedis, loadStoredHead, redisKeys, BullmqRuntime, readEventStream, type KeySpace } from '@baton/adapters';
import { relayDefinition, PrivateRedis } from '@baton/adapters/test';
import { activate, relayBudget, spawnBenchWorker, stopWorker, type BenchWorkerConfig, type WorkerProcess } from './processes.ts';

/** Handoffs per relay episode in this benchmark (shorter episodes than the default relay: more episodes per kill). */
const RELAY_HANDOFFS = 4;

export interface FaultsBenchOptions {
  readonly episodes?: number;
  /** Episodes in flight at once. Default 32 (the CLI passes 16). */
  readonly inFlight?: number;
  /**
   * A worker is SIGKILLed every this many completed episodes (a random agent's worker, while the other episodes are
   * in flight), so the number of kills follows the run's length, not its speed. Default 100: 9 kills in 1,000 episodes.
   */
  readonly killEveryEpisodes?: number;
  /** The private Redis restarts once when this share of the episodes is done. Default 0.45 (between two kills). */
  readonly redisRestartAt?: number;
  readonly seed?: number;
  /** Also write the hash-chained, HMAC-signed audit log (createRedisStreamAuditSink) from every worker. Default false: it roughly doubles the run time. */
  readonly auditChain?: boolean;
  readonly progress?: (message: string) => void;
}

export interface FaultsBenchResult {
  readonly episodes: number;
  readonly completed: number;
  /** Head updates or effects applied more than once (heads' own update counters and Redis's applied counter vs what the episodes imply). */
  readonly duplicateUpdates: number;
  /** Head updates that never happened. */
  readonly lostUpdates: number;
  /** Artifact versions referenced by results or events that are missing from Redis. */
  readonly lostArtifacts: number;
  /** Every episode's events are in the audit stream, complete, matching its result. */
  readonly auditVerified: boolean;
  /** The hash-chained audit log verified (verifyAuditLines with the HMAC key, sealed); null when not written. */
  readonly auditChainVerified: boolean | null;
  /** Records in the chained log beyond one per event plus genesis and seal (0: every redelivered event was dropped before it was sequenced). */
  readonly auditChainExtraRecords: number | null;
  /** Events found twice in the audit stream. */
  readonly auditDuplicates: number;
  readonly workerKills: number;
  /** The schedule the kills followed: one every this many completed episodes. */
  readonly killEveryEpisodes: number;
  readonly redisRestarts: number;
  /** Redeliveries whose effect was already committed and was therefore not applied again. */
  readonly refusedReapplications: number;
  readonly seconds: number;
}

/**
 * 1,000 learning episodes of the `relay` workflow across one worker process per agent while the harness SIGKILLs a
 * random agent's worker every `killEveryEpisodes` completed episodes (and replaces it) and restarts the private Redis
 * (AOF, fsync always) once, part way through. Then it
 * checks, from Redis alone: every episode completed, every head update applied exactly once, no artifact lost,
 * the audit stream complete.
 */
export async function runFaultsBench(options: FaultsBenchOptions = {}): Promise<FaultsBenchResult> {
  const episodes = options.episodes ?? 1000;
  const inFlight = options.inFlight ?? 32;
  const killEvery = options.killEveryEpisodes ?? 100;
  const restartAt = Math.ceil(episodes * (options.redisRestartAt ?? 0.45));
  const log = options.progress ?? (() => undefined);
  const chaos = new Rng(options.seed ?? 4242);
  const server = await PrivateRedis.start({ aof: true });
  const redis = connectRedis(server.url);
  redis.on('error', () => undefined);
  const keys: KeySpace = { prefix: `baton-faults-${randomUUID().slice(0, 8)}`, workflowKey: 'relay' };
  const auditStream = `${keys.prefix}:audit`;
  const chain = options.auditChain !== true ? undefined : { stream: `${keys.prefix}:audit-chain`, hmacKey: randomUUID() };
  const definition = relayDefinition(relayBudget(RELAY_HANDOFFS));
  const started = performance.now();
  const configs: BenchWorkerConfig[] = definition.workflow.agents.map((a) => ({
    mode: 'baton',
    url: server.url,
    prefix: keys.prefix,
    workflowKey: keys.workflowKey,
    workflow: 'relay',
    hops: RELAY_HANDOFFS,
    agents: [a.id],
    concurrency: 16,
    auditStream,
    timing: { lockDuration: 2000, stalledInterval: 1000, maxStalledCount: 1000 },
    ...(chain ? { auditChain: chain } : {}),
  }));
  // A warm spare per agent (modules loaded) replaces a killed worker at once; a new spare is then started.
  const spares: Promise<WorkerProcess>[] = configs.map((c) => spawnSpare(c));
  const workers: WorkerProcess[] = configs.map(spawnBenchWorker);
  await Promise.all(workers.map((w) => w.ready));
  const runtime = await BullmqRuntime.start({ workflow: definition.workflow, redis, keys, episodeTimeoutMs: 240_000 });

  let workerKills = 0;
  let redisRestarts = 0;
  let finished = 0;
  let running = true;
  const isRunning = (): boolean => running; // a call, not a read: cleared below while chaosLoop awaits
  const results = new Array<EpisodeResult<unknown> | undefined>(episodes);
  const errors: string[] = [];

  // Faults on an episode schedule: a kill every `killEvery` completed episodes (a random agent's worker: its jobs in
  // flight are redelivered to the spare that replaces it) and one Redis restart at `restartAt`. Checked every 20 ms;
  // a fault is never skipped, it waits for the one before it to finish.
  const chaosLoop = (async () => {
    let nextKill = killEvery;
    while (isRunning()) {
      await sleep(20);
      if (!isRunning()) break;
      if (redisRestarts === 0 && finished >= restartAt) {
        log(`restarting Redis (${finished}/${episodes} episodes done)`);
        await server.restart(500);
        redisRestarts += 1;
        continue;
      }
      if (finished < nextKill || nextKill >= episodes) continue;
      nextKill += killEvery;
      const i = chaos.int(workers.length);
      const victim = workers[i] as WorkerProcess;
      log(`SIGKILL ${victim.config.agents.join(',')} worker (${finished}/${episodes} episodes done)`);
      await stopWorker(victim, 'SIGKILL');
      workerKills += 1;
      await sleep(100 + chaos.int(400));
      const spare = await (spares[i] as Promise<WorkerProcess>);
      workers[i] = spare;
      spares[i] = spawnSpare(victim.config);
      await activate(spare).catch(() => undefined);
    }
  })();

  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < episodes) {
      const i = next++;
      try {
        results[i] = await runtime.runEpisode({ seed: 10_000 + i, input: { progress: 0, quality: 0 }, episodeId: `faults-${i}` });
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
      finished += 1;
      if (finished % 50 === 0) log(`${finished}/${episodes} episodes, ${workerKills} worker kills, ${redisRestarts} Redis restarts`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  running = false;
  await chaosLoop;
  await runtime.close();
  await Promise.all(workers.map((w) => stopWorker(w)));
  await Promise.all(spares.map(async (p) => stopWorker(await p)));
  const seconds = (performance.now() - started) / 1000;
  log(
    `faults: ${workerKills} worker kills (one every ${killEvery} episodes), ${redisRestarts} Redis restart${redisRestarts === 1 ? '' : 's'}`,
  );
  if (errors.length) log(`errors: ${[...new Set(errors)].slice(0, 5).join(' | ')}`);

  // Verification, from Redis alone.
  const k = redisKeys(keys);
  const done = results.filter((r): r is EpisodeResult<unknown> => r !== undefined);
  let expectedUpdates = 0;
  let expectedEpochs = 0;
  let expectedEpisodeCloses = 0;
  for (const r of done) {
    expectedUpdates += r.decisions; // each decision's target is learned once: continue, scalar or R
    expectedEpochs += r.decisions; // one epoch job (and one effect marker) per decision
    expectedEpisodeCloses += new Set(r.path).size; // every participant runs endEpisode once
  }
  // The heads as a restarted worker would restore them (snapshot plus operations since), counting their own updates.
  let headUpdates = 0;
  let headEpisodes = 0;
  for (const agent of definition.workflow.agents) {
    const head = (await loadStoredHead(redis, k, definition, agent.id)).toJSON() as { updates?: number; episodes?: number };
    headUpdates += head.updates ?? 0;
    headEpisodes += head.episodes ?? 0;
  }
  const markers = await countKeys(redis, k.effect('*'));
  const refused = Number((await redis.get(k.refusedCount)) ?? 0);
  const duplicateUpdates =
    Math.max(0, headUpdates - expectedUpdates) + Math.max(0, headEpisodes - expectedEpisodeCloses) + Math.max(0, markers - expectedEpochs);
  const lostUpdates = Math.max(0, expectedUpdates - headUpdates) + Math.max(0, expectedEpisodeCloses - headEpisodes);

  const events = await readEventStream(redis, auditStream);
  const unique = new Map<string, BatonEvent>();
  for (const e of events) unique.set(JSON.stringify(e), e);
  const auditDuplicates = events.length - unique.size;

  const hashes = new Set<string>();
  for (const r of done) hashes.add(r.artifact.hash);
  for (const e of unique.values()) {
    if (e.type !== 'work-end') continue;
    hashes.add(e.artifactHashBefore);
    hashes.add(e.artifactHashAfter);
  }
  let lostArtifacts = 0;
  const seen = new Set<string>();
  for (const start of hashes) {
    let hash: string | null = start;
    while (hash !== null && !seen.has(hash)) {
      seen.add(hash);
      const json: string | null = await redis.get(k.artifact(hash));
      if (json === null) {
        lostArtifacts += 1;
        break;
      }
      hash = (JSON.parse(json) as { parentHash: string | null }).parentHash;
    }
  }

  const byEpisode = new Map<string, Record<string, number>>();
  const endReturn = new Map<string, number>();
  for (const e of unique.values()) {
    const counts = byEpisode.get(e.episodeId) ?? {};
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    byEpisode.set(e.episodeId, counts);
    if (e.type === 'episode-end') endReturn.set(e.episodeId, e.return);
  }
  let auditChainVerified: boolean | null = null;
  let auditChainExtraRecords: number | null = null;
  if (chain) {
    // Sealed on the bench's own connection (closed below with the rest), so the bench exits when it is done.
    const sealer = createRedisStreamAuditSink({ redis, stream: chain.stream, hmacKey: chain.hmacKey });
    await sealer.seal();
    await sealer.close();
    const lines = await readRedisAuditStream({ redis, stream: chain.stream });
    const verdict = verifyAuditLines(lines, { hmacKey: chain.hmacKey });
    auditChainVerified = verdict.ok;
    auditChainExtraRecords = lines.length - (unique.size + 2);
    if (!verdict.ok) log(`audit chain: ${JSON.stringify(verdict.firstBad)}`);
  }
  let auditVerified = done.length === episodes && auditDuplicates === 0 && auditChainVerified !== false;
  for (const r of done) {
    const c = byEpisode.get(r.episodeId) ?? {};
    const ok =
      c['episode-start'] === 1 &&
      c['work-start'] === r.steps &&
      c['work-end'] === r.steps &&
      c.decision === r.decisions &&
      (c.handoff ?? 0) === r.handoffs &&
      (c['scalar-return'] ?? 0) === r.handoffs &&
      c.submit === 1 &&
      c['episode-end'] === 1 &&
      endReturn.get(r.episodeId) === r.return;
    if (!ok) auditVerified = false;
  }

  redis.disconnect();
  await server.stop();
  return {
    episodes,
    completed: done.length,
    duplicateUpdates,
    lostUpdates,
    lostArtifacts,
    auditVerified,
    auditChainVerified,
    auditChainExtraRecords,
    auditDuplicates,
    workerKills,
    killEveryEpisodes: killEvery,
    redisRestarts,
    refusedReapplications: refused,
    seconds: Math.round(seconds * 10) / 10,
  };
}

async function spawnSpare(config: BenchWorkerConfig): Promise<WorkerProcess> {
  const spare = spawnBenchWorker({ ...config, standby: true });
  await spare.ready;
  return spare;
}

async function countKeys(redis: ReturnType<typeof connectRedis>, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    n += found.length;
  } while (cursor !== '0');
  return n;
}

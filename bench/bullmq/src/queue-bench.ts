import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, type Job } from 'bullmq';
import { connectRedis, batonJobOptions, queueName, BullmqRuntime } from '@baton/adapters';
import { chainDefinition, chainInput, PrivateRedis } from '@baton/adapters/test';
import { rawQueueName, spawnBenchWorker, stopWorker, type BenchWorkerConfig, type RawChainJob, type WorkerProcess } from './processes.ts';

export interface QueueBenchOptions {
  /** Handoffs per episode (the chain has hops + 1 agents). Default 4. */
  readonly hops?: number;
  /** Timed episodes per run. Default 150. */
  readonly episodes?: number;
  /**
   * Untimed episodes each side runs first, per process count (default: as many as a timed run), so that every side
   * is timed with its code optimised and Redis's tables grown, not while it warms up.
   */
  readonly warmup?: number;
  /** Alternating Baton / raw run pairs per process count; figures are their medians. Default 5. */
  readonly rounds?: number;
  /** Episodes in flight at once (same for the raw chains). Default 32. */
  readonly inFlight?: number;
  /** Jobs each worker takes at once (same for raw workers). Default 16. */
  readonly concurrency?: number;
  readonly processes?: readonly number[];
  /** Use this server instead of a private one (e.g. a remote REDIS_URL). */
  readonly redisUrl?: string;
  readonly progress?: (message: string) => void;
}

export interface QueueBenchPoint {
  readonly processes: number;
  /** Medians over the rounds of handoffs (raw: jobs) per second. */
  readonly batonLearningHandoffsPerSecond: number;
  readonly batonHandoffsPerSecond: number;
  readonly rawJobsPerSecond: number;
  /** Median over the rounds of Baton learning / raw, each pair measured in the same round. */
  readonly learningRatio: number;
  /** The same for Baton without learning (evaluation episodes: no scalars, no episode closing). */
  readonly learningOffRatio: number;
  /** Worker CPU time per handoff (µs, user + system, all worker processes of that side), medians over the rounds. */
  readonly cpuUsPerHandoff: { readonly learning: number; readonly learningOff: number; readonly raw: number };
  /** Every run, in order (for the spread). */
  readonly runs: { readonly learning: readonly number[]; readonly learningOff: readonly number[]; readonly raw: readonly number[] };
}

export interface QueueBenchResult {
  /** The headline: Baton with learning on against the raw chain (median over process counts of the per-count ratio). */
  readonly ratio: number;
  /** Always true: the headline ratio is measured with learning on (IC-Q targets, scalars, every agent closing the episode). */
  readonly learning: true;
  /** The same ratio with learning off, printed beside it. */
  readonly learningOffRatio: number;
  readonly ratioDefinition: string;
  /** The worst process count's learning-on ratio. */
  readonly minRatio: number;
  readonly headlineProcesses: number;
  readonly hops: number;
  readonly payloadBytes: number;
  readonly episodesPerRun: number;
  /** Untimed episodes per side before the timed rounds, at each process count. */
  readonly warmupEpisodes: number;
  readonly rounds: number;
  readonly inFlight: number;
  readonly concurrency: number;
  readonly loadavg: { readonly before: readonly number[]; readonly after: readonly number[] };
  readonly scaling: readonly QueueBenchPoint[];
}

async function startWorkers(configs: BenchWorkerConfig[]): Promise<WorkerProcess[]> {
  const procs = configs.map(spawnBenchWorker);
  await Promise.all(procs.map((p) => p.ready));
  return procs;
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => out[i % parts]?.push(item));
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Handoffs per second of Baton on BullMQ (no-op work, `hops`-hop chains) against plain BullMQ chains with the same
 * hops, payload size, episodes in flight, worker concurrency, job options, connection options and worker processes,
 * measured in the same run. For each process count both sets of workers stay up while short Baton and raw runs
 * alternate (the order flips every round), so drift and other load on the machine hit both alike; each figure is a
 * median over the rounds.
 */
export async function runQueueBench(options: QueueBenchOptions = {}): Promise<QueueBenchResult> {
  const hops = options.hops ?? 4;
  const episodes = options.episodes ?? 150;
  const rounds = options.rounds ?? 5;
  const inFlight = options.inFlight ?? 32;
  const concurrency = options.concurrency ?? 16;
  const processCounts = options.processes ?? [1, 2, 4];
  const log = options.progress ?? (() => undefined);
  const server = options.redisUrl ? undefined : await PrivateRedis.start();
  const url = options.redisUrl ?? (server as PrivateRedis).url;
  const redis = connectRedis(url);
  const prefix = `baton-bench-${randomUUID().slice(0, 8)}`;
  const definition = chainDefinition({ hops });
  const agents = definition.workflow.agents.map((a) => a.id);
  const warmup = options.warmup ?? episodes;
  let payloadBytes = 0;
  const scaling: QueueBenchPoint[] = [];
  const loadBefore = loadavg().map((x) => round(x, 2));
  try {
    for (const processes of processCounts) {
      const workflowKey = `chain-${processes}`;
      const rawKey = `raw-${processes}`;
      const positions = Array.from({ length: hops + 1 }, (_, i) => String(i));
      const procs = await startWorkers([
        ...split(agents, processes).map((mine): BenchWorkerConfig => ({
          mode: 'baton',
          url,
          prefix,
          workflowKey,
          workflow: 'chain',
          hops,
          agents: mine,
          concurrency,
        })),
        ...split(positions, processes).map((mine): BenchWorkerConfig => ({
          mode: 'raw',
          url,
          prefix,
          workflowKey: rawKey,
          workflow: 'chain',
          hops,
          agents: mine,
          concurrency,
        })),
      ]);
      const runtime = await BullmqRuntime.start({
        workflow: definition.workflow,
        redis,
        keys: { prefix, workflowKey },
        episodeTimeoutMs: 60_000,
      });
      const waiters = new Map<string, () => void>();
      const results = new Worker(
        rawQueueName(rawKey, 'results'),
        async (job) => waiters.get((job.data as { chainId: string }).chainId)?.(),
        {
          connection: redis,
          prefix,
          concurrency: 64,
        },
      );
      results.on('error', () => undefined);
      const entry = new Queue(rawQueueName(rawKey, 0), { connection: redis, prefix });
      let seed = 1;
      const input = (): { payload: string } => chainInput(256);
      const runBaton = async (count: number, learn: boolean): Promise<number> => {
        const done = await runtime.runEpisodes({ count, seed, input, learn, concurrency: inFlight });
        seed += count;
        return done.reduce((n, r) => n + r.handoffs, 0);
      };
      let chains = 0;
      const runRaw = async (count: number): Promise<number> => {
        const payload = 'x'.repeat(Math.max(1, payloadBytes - RAW_JOB_FRAME));
        const chain = async (id: string): Promise<void> => {
          const finished = new Promise<void>((resolve) => waiters.set(id, resolve));
          const job: RawChainJob = { chainId: id, position: 0, payload };
          await entry.add('hop', job, batonJobOptions(`${id}.0`));
          await finished;
          waiters.delete(id);
        };
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < count) {
            next += 1;
            await chain(`c${chains++}`);
          }
        };
        await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
        return count * hops;
      };
      const batonPids = procs.filter((p) => p.config.mode === 'baton').map((p) => p.child.pid as number);
      const rawPids = procs.filter((p) => p.config.mode === 'raw').map((p) => p.child.pid as number);
      const timed = async (
        pids: readonly number[],
        go: () => Promise<number>,
      ): Promise<{ rate: number; cpuUs: number; handoffs: number }> => {
        const cpu0 = cpuSeconds(pids);
        const started = performance.now();
        const handoffs = await go();
        const seconds = (performance.now() - started) / 1000;
        return { rate: handoffs / seconds, cpuUs: ((cpuSeconds(pids) - cpu0) * 1e6) / handoffs, handoffs };
      };
      try {
        log(`${processes} process(es): warm-up (${warmup} episodes per side)`);
        const learningWarm = runBaton(warmup, true);
        if (payloadBytes === 0) {
          // Baton's jobs are removed once completed, so their size is read off jobs in flight during the warm-up.
          const q = new Queue(queueName({ prefix, workflowKey }, agents[1] as string), { connection: redis, prefix });
          try {
            payloadBytes = await jobBytesDuring(q, learningWarm);
          } finally {
            await q.close();
          }
        } else await learningWarm;
        await runBaton(warmup, false);
        await runRaw(warmup);
        const sides = ['learning', 'learningOff', 'raw'] as const;
        const rates: Record<(typeof sides)[number], number[]> = { learning: [], learningOff: [], raw: [] };
        const cpu: Record<(typeof sides)[number], number[]> = { learning: [], learningOff: [], raw: [] };
        const learningRatios: number[] = [];
        const offRatios: number[] = [];
        for (let round = 0; round < rounds; round++) {
          // Every side runs once per round, in an order rotated every round, so drift and other load hit all alike.
          const got: Partial<Record<(typeof sides)[number], number>> = {};
          for (let i = 0; i < sides.length; i++) {
            const side = sides[(i + round) % sides.length] as (typeof sides)[number];
            const m =
              side === 'raw'
                ? await timed(rawPids, () => runRaw(episodes))
                : await timed(batonPids, () => runBaton(episodes, side === 'learning'));
            got[side] = m.rate;
            rates[side].push(round1(m.rate));
            cpu[side].push(m.cpuUs);
          }
          learningRatios.push((got.learning as number) / (got.raw as number));
          offRatios.push((got.learningOff as number) / (got.raw as number));
          log(
            `${processes} process(es), round ${round + 1}/${rounds}: learning ${round1(got.learning as number)}/s, learning off ${round1(got.learningOff as number)}/s, raw ${round1(got.raw as number)}/s`,
          );
        }
        scaling.push({
          processes,
          batonLearningHandoffsPerSecond: round1(median(rates.learning)),
          batonHandoffsPerSecond: round1(median(rates.learningOff)),
          rawJobsPerSecond: round1(median(rates.raw)),
          learningRatio: round(median(learningRatios), 3),
          learningOffRatio: round(median(offRatios), 3),
          cpuUsPerHandoff: {
            learning: round1(median(cpu.learning)),
            learningOff: round1(median(cpu.learningOff)),
            raw: round1(median(cpu.raw)),
          },
          runs: { learning: rates.learning, learningOff: rates.learningOff, raw: rates.raw },
        });
      } finally {
        await runtime.close();
        await results.close();
        await entry.close();
        await Promise.all(procs.map((p) => stopWorker(p)));
      }
    }
  } finally {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await server?.stop();
  }
  const byRatio = [...scaling].sort((a, b) => a.learningRatio - b.learningRatio);
  const headline = byRatio[Math.floor((byRatio.length - 1) / 2)] as QueueBenchPoint;
  return {
    ratio: round(median(scaling.map((p) => p.learningRatio)), 3),
    learning: true,
    learningOffRatio: round(median(scaling.map((p) => p.learningOffRatio)), 3),
    ratioDefinition: `Baton with learning on / raw BullMQ chain: median over process counts (${processCounts.join(', ')}) of the per-count ratio; per count: median over ${rounds} rounds, each timing ${episodes} episodes of every side in rotated order`,
    minRatio: byRatio[0]?.learningRatio ?? 0,
    headlineProcesses: headline.processes,
    hops,
    payloadBytes,
    episodesPerRun: episodes,
    warmupEpisodes: warmup,
    rounds,
    inFlight,
    concurrency,
    loadavg: { before: loadBefore, after: loadavg().map((x) => round(x, 2)) },
    scaling,
  };
}

/**
 * The median size (JSON of `job.data`) of the jobs seen waiting or active on `queue` while `work` runs: what the
 * raw chain's jobs are padded to. Throws if none was seen (the raw side would otherwise carry a smaller payload).
 */
async function jobBytesDuring(queue: Queue, work: Promise<unknown>): Promise<number> {
  const sizes: number[] = [];
  const state = { done: false };
  const finished = work.finally(() => (state.done = true));
  while (!state.done && sizes.length < 200) {
    // A job listed may complete (and be removed) before it is fetched: BullMQ then gives undefined in its place.
    const jobs: readonly (Job | undefined)[] = await queue.getJobs(['active', 'wait'], 0, 4);
    for (const job of jobs) if (job) sizes.push(JSON.stringify(job.data).length);
    await sleep(2);
  }
  await finished;
  if (sizes.length === 0) throw new Error(`bench queue: no job of ${queue.name} was seen in flight, so the payload size is unknown`);
  return median(sizes);
}

/** User + system CPU seconds of these processes so far (Linux /proc; 0 where it cannot be read). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not Linux, or the process is gone: no CPU figure.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** The JSON of a raw job around its payload (`{"chainId":"c1234","position":0,"payload":""}`). */
const RAW_JOB_FRAME = JSON.stringify({ chainId: 'c1234', position: 0, payload: '' }).length;

/** USER_HZ: the unit of /proc/<pid>/stat's times, 100 on every Linux build that matters. */
const CLOCK_TICKS = 100;

function round1(x: number): number {
  return round(x, 1);
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function dropPrefix(redis: ReturnType<typeof connectRedis>, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
}

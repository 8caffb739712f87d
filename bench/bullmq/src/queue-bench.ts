import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { connectRedis, BATON_JOB_OPTIONS, queueName, BullmqRuntime } from '@baton/adapters';
import { chainDefinition, chainInput, PrivateRedis } from '@baton/adapters/test';
import { rawQueueName, spawnBenchWorker, stopWorker, type BenchWorkerConfig, type RawChainJob, type WorkerProcess } from './processes.ts';

export interface QueueBenchOptions {
  /** Handoffs per episode (the chain has hops + 1 agents). Default 4. */
  readonly hops?: number;
  /** Timed episodes per run. Default 150. */
  readonly episodes?: number;
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
  /** Median over the rounds. */
  readonly batonHandoffsPerSecond: number;
  readonly batonLearningHandoffsPerSecond: number;
  readonly rawJobsPerSecond: number;
  /** Median over the rounds of Baton / raw, each pair measured back to back. */
  readonly ratio: number;
  /** Median learning rate / median raw rate. */
  readonly learningRatio: number;
  /** Every run, in order (for the spread). */
  readonly runs: { readonly baton: readonly number[]; readonly raw: readonly number[]; readonly learning: readonly number[] };
}

export interface QueueBenchResult {
  /**
   * The headline: the median of the per-process-count ratios (`scaling[i].ratio`, each itself the median of paired
   * runs). With 1, 2 and 4 processes that is the middle one; `minRatio` is the worst count.
   */
  readonly ratio: number;
  readonly ratioDefinition: string;
  readonly minRatio: number;
  /** Baton evaluation episodes (no learning, so no scalar returns) at `headlineProcesses`, the count whose ratio is the headline. */
  readonly batonHandoffsPerSecond: number;
  /** Baton learning episodes: every handoff also sends its scalar back and every agent closes the episode. */
  readonly batonLearningHandoffsPerSecond: number;
  readonly rawJobsPerSecond: number;
  readonly learningRatio: number;
  readonly headlineProcesses: number;
  readonly hops: number;
  readonly payloadBytes: number;
  readonly episodesPerRun: number;
  readonly rounds: number;
  readonly inFlight: number;
  readonly concurrency: number;
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
  const warmup = Math.max(20, Math.floor(episodes / 5));
  let payloadBytes = 0;
  const scaling: QueueBenchPoint[] = [];
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
        const started = performance.now();
        const done = await runtime.runEpisodes({ count, seed, input, learn, concurrency: inFlight });
        const seconds = (performance.now() - started) / 1000;
        seed += count;
        return done.reduce((n, r) => n + r.handoffs, 0) / seconds;
      };
      let chains = 0;
      const runRaw = async (count: number): Promise<number> => {
        const payload = 'x'.repeat(Math.max(1, payloadBytes - 60));
        const chain = async (id: string): Promise<void> => {
          const finished = new Promise<void>((resolve) => waiters.set(id, resolve));
          const job: RawChainJob = { chainId: id, position: 0, payload };
          await entry.add('hop', job, { ...BATON_JOB_OPTIONS, jobId: `${id}.0` });
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
        const started = performance.now();
        await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
        return (count * hops) / ((performance.now() - started) / 1000);
      };
      try {
        log(`${processes} process(es): warm-up`);
        await runBaton(warmup, false);
        if (payloadBytes === 0) {
          const q = new Queue(queueName({ prefix, workflowKey }, agents[1] as string), { connection: redis, prefix });
          const [job] = await q.getJobs(['completed'], 0, 0);
          payloadBytes = JSON.stringify(job?.data ?? {}).length;
          await q.close();
        }
        await runRaw(warmup);
        await runBaton(warmup, true);
        const baton: number[] = [];
        const raw: number[] = [];
        const learning: number[] = [];
        const ratios: number[] = [];
        for (let round = 0; round < rounds; round++) {
          let b: number;
          let r: number;
          if (round % 2 === 0) {
            b = await runBaton(episodes, false);
            r = await runRaw(episodes);
          } else {
            r = await runRaw(episodes);
            b = await runBaton(episodes, false);
          }
          baton.push(round1(b));
          raw.push(round1(r));
          ratios.push(b / r);
          learning.push(round1(await runBaton(Math.ceil(episodes / 2), true)));
          log(
            `${processes} process(es), round ${round + 1}/${rounds}: baton ${b.toFixed(1)}/s, raw ${r.toFixed(1)}/s (payload ${payloadBytes} B), learning ${learning[round]}/s`,
          );
        }
        const point: QueueBenchPoint = {
          processes,
          batonHandoffsPerSecond: round1(median(baton)),
          batonLearningHandoffsPerSecond: round1(median(learning)),
          rawJobsPerSecond: round1(median(raw)),
          ratio: round(median(ratios), 3),
          learningRatio: round(median(learning) / median(raw), 3),
          runs: { baton, raw, learning },
        };
        log(`  ${JSON.stringify(point)}`);
        scaling.push(point);
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
  const byRatio = [...scaling].sort((a, b) => a.ratio - b.ratio);
  const headline = byRatio[Math.floor((byRatio.length - 1) / 2)] as QueueBenchPoint;
  return {
    ratio: round(median(scaling.map((p) => p.ratio)), 3),
    ratioDefinition: `median over process counts (${processCounts.join(', ')}) of the per-count ratio; per count: median over ${rounds} back-to-back Baton/raw run pairs of ${episodes} episodes each`,
    minRatio: byRatio[0]?.ratio ?? 0,
    batonHandoffsPerSecond: headline.batonHandoffsPerSecond,
    batonLearningHandoffsPerSecond: headline.batonLearningHandoffsPerSecond,
    rawJobsPerSecond: headline.rawJobsPerSecond,
    learningRatio: headline.learningRatio,
    headlineProcesses: headline.processes,
    hops,
    payloadBytes,
    episodesPerRun: episodes,
    rounds,
    inFlight,
    concurrency,
    scaling,
  };
}

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

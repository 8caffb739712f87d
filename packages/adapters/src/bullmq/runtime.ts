import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { EpisodeError, Rng, createArtifact, type Artifact, type EpisodeOptions, type EpisodeResult, type Workflow } from '@baton/core';
import { BATON_JOB_OPTIONS } from './job-options.ts';
import {
  inlineArtifact,
  queueName,
  redisKeys,
  resultsQueueName,
  type AgentJob,
  type EpisodeContext,
  type KeySpace,
  type RedisKeys,
  type ResultJob,
} from './protocol.ts';

export interface BullmqRuntimeConfig<T> {
  /** The same definition the workers run (core's defineWorkflow). */
  readonly workflow: Workflow<T>;
  /** Client for job adds and artifact reads (`maxRetriesPerRequest: null`); the runtime does not close it. */
  readonly redis: Redis;
  readonly keys: KeySpace;
  /** Fail an episode that has not finished after this long (workers down, Redis gone). Default: wait forever. */
  readonly episodeTimeoutMs?: number;
}

/** `runEpisodes`' options: episode i uses seed `seed + i` and input `input(i)`. */
export interface EpisodesOptions<T> {
  readonly count: number;
  readonly seed: number;
  readonly input: (index: number) => T;
  readonly learn?: boolean;
  readonly explore?: boolean;
  /** Episodes in flight at once. 1 (default) keeps runs identical to the in-process runtime's. */
  readonly concurrency?: number;
  readonly onEpisode?: (result: EpisodeResult<T>, index: number) => void;
}

interface Waiter<T> {
  resolve(result: EpisodeResult<T>): void;
  reject(error: Error): void;
  /** The episode's first artifact version (the final one too if no agent revised it: no need to fetch it). */
  readonly first: Artifact<T>;
}

/**
 * The episode driver of the distributed runtime: stores the first artifact version, enqueues the entry job on the
 * entry agent's queue and resolves when the last agent has closed the episode (a job on the results queue). The
 * agents themselves run in AgentWorkers, anywhere.
 * @example
 * const runtime = await BullmqRuntime.start({ workflow, redis, keys: { prefix: 'baton', workflowKey: 'demo' } });
 * const result = await runtime.runEpisode({ seed: 1, input: { text: '' } });
 * await runtime.close();
 */
export class BullmqRuntime<T> {
  readonly workflow: Workflow<T>;
  private readonly redis: Redis;
  private readonly keys: KeySpace;
  private readonly k: RedisKeys;
  private readonly entryQueue: Queue;
  private readonly results: Worker;
  private readonly waiters = new Map<string, Waiter<T>>();
  private readonly timeoutMs: number | undefined;

  private constructor(config: BullmqRuntimeConfig<T>) {
    this.workflow = config.workflow;
    this.redis = config.redis;
    this.keys = config.keys;
    this.k = redisKeys(config.keys);
    this.timeoutMs = config.episodeTimeoutMs;
    this.entryQueue = new Queue(queueName(config.keys, config.workflow.entry), { connection: config.redis, prefix: config.keys.prefix });
    this.results = new Worker(resultsQueueName(config.keys), async (job) => this.onResult(job.data as ResultJob), {
      connection: config.redis,
      prefix: config.keys.prefix,
      concurrency: 64,
      autorun: false,
    });
    this.results.on('error', () => undefined);
    this.entryQueue.on('error', () => undefined);
  }

  static async start<T>(config: BullmqRuntimeConfig<T>): Promise<BullmqRuntime<T>> {
    const runtime = new BullmqRuntime(config);
    void runtime.results.run();
    await runtime.results.waitUntilReady();
    return runtime;
  }

  /** Runs one episode across the agents' workers and resolves with the same result the in-process runtime gives. */
  async runEpisode(options: EpisodeOptions<T>): Promise<EpisodeResult<T>> {
    const wf = this.workflow;
    const learn = options.learn ?? true;
    const episodeId = options.episodeId ?? `${wf.name}-${options.seed.toString(16)}-${randomUUID().slice(0, 8)}`;
    const artifact = createArtifact(wf.artifact, options.input);
    const artifactJson = JSON.stringify(artifact);
    const ctx: EpisodeContext = {
      episodeId,
      seed: options.seed,
      learn,
      explore: options.explore ?? learn,
      time: 0,
      steps: 0,
      handoffs: 0,
      decisions: 0,
      tokens: 0,
      costUsd: 0,
      discounted: 0,
      rng: new Rng(options.seed).state(),
      artifactHash: artifact.hash,
      ...inlineArtifact(artifact, artifactJson),
      path: [wf.entry],
      skipped: {},
      rewards: [],
    };
    const done = new Promise<EpisodeResult<T>>((resolve, reject) => this.waiters.set(episodeId, { resolve, reject, first: artifact }));
    let timer: NodeJS.Timeout | undefined;
    if (this.timeoutMs !== undefined) {
      const ms = this.timeoutMs;
      timer = setTimeout(
        () => this.fail(episodeId, new EpisodeError(`episode did not finish within ${ms} ms`, { episodeId, code: 'episode.timeout' })),
        ms,
      );
    }
    try {
      const entry: AgentJob = { kind: 'receive', ctx };
      // One round trip: commands on one connection run in the order sent, so the artifact is stored before the job exists.
      await Promise.all([
        this.redis.set(this.k.artifact(artifact.hash), artifactJson, 'NX'),
        this.entryQueue.add('receive', entry, { ...BATON_JOB_OPTIONS, jobId: `${episodeId}.e` }),
      ]);
      return await done;
    } finally {
      if (timer) clearTimeout(timer);
      this.waiters.delete(episodeId);
    }
  }

  /** Runs `count` episodes (one at a time unless `concurrency` says otherwise) and returns their results in order. */
  async runEpisodes(options: EpisodesOptions<T>): Promise<EpisodeResult<T>[]> {
    const results: EpisodeResult<T>[] = new Array(options.count);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < options.count) {
        const i = next++;
        const result = await this.runEpisode({
          seed: options.seed + i,
          input: options.input(i),
          ...(options.learn === undefined ? {} : { learn: options.learn }),
          ...(options.explore === undefined ? {} : { explore: options.explore }),
        });
        results[i] = result;
        options.onEpisode?.(result, i);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, options.count)) }, lane));
    return results;
  }

  /** Stops listening for results; in-flight episodes keep running in the workers. */
  async close(): Promise<void> {
    await this.results.close();
    await this.entryQueue.close();
    for (const [id, waiter] of this.waiters) waiter.reject(new EpisodeError('runtime closed', { episodeId: id }));
  }

  private fail(episodeId: string, error: Error): void {
    this.waiters.get(episodeId)?.reject(error);
  }

  private async onResult(data: ResultJob): Promise<void> {
    const waiter = this.waiters.get(data.episodeId);
    if (!waiter) return; // another driver's episode, or one that already timed out
    if (data.error || !data.result) {
      waiter.reject(
        new EpisodeError(data.error?.message ?? 'episode failed', {
          episodeId: data.episodeId,
          code: data.error?.code ?? 'episode.failed',
        }),
      );
      return;
    }
    const { artifactHash, ...rest } = data.result;
    if (artifactHash === waiter.first.hash) {
      waiter.resolve({ ...rest, artifact: waiter.first });
      return;
    }
    const json = await this.redis.get(this.k.artifact(artifactHash));
    if (json === null) {
      waiter.reject(
        new EpisodeError(`final artifact ${artifactHash} is missing`, { episodeId: data.episodeId, code: 'episode.lost-artifact' }),
      );
      return;
    }
    waiter.resolve({ ...rest, artifact: JSON.parse(json) as Artifact<T> });
  }
}

import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  BatonError,
  EpisodeError,
  Rng,
  createArtifact,
  type Artifact,
  type EpisodeOptions,
  type EpisodeResult,
  type Runtime,
  type Workflow,
} from '@baton/core';
import { newBook } from '@baton/core/internal';
import { batonJobOptions } from './job-options.ts';
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
  type WireResult,
} from './protocol.ts';
import { reportError, type ErrorReporter } from './report.ts';
import { retentionOf, type Retention } from './retention.ts';
import { parseResultJob } from './schema.ts';
import { asBatonError } from './worker.ts';

export interface BullmqRuntimeConfig<T> {
  /** The same definition the workers run (core's defineWorkflow). */
  readonly workflow: Workflow<T>;
  /** Client for job adds and artifact reads (`maxRetriesPerRequest: null`); the runtime does not close it. */
  readonly redis: Redis;
  readonly keys: KeySpace;
  /** Fail an episode that has not finished after this long (workers down, Redis gone). Default: wait forever. */
  readonly episodeTimeoutMs?: number;
  /**
   * Check at start that every agent's queue has a worker, and fail at once with the commands to start the missing
   * ones (`runtime.no-workers`) instead of waiting for episodes that cannot finish. Default true.
   */
  readonly requireWorkers?: boolean;
  /** The workflow as `baton worker --workflow` names it, for that message. Default: the workflow's name. */
  readonly workflowSpec?: string;
  /** Queue and connection errors, typed. Default: printed to stderr (repeats at most every 5 s). */
  readonly onError?: ErrorReporter;
  /** How long episodes' keys and jobs are kept (DEFAULT_RETENTION: an hour once ended, a day for failed jobs). */
  readonly retention?: Partial<Retention>;
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
  readonly signal?: AbortSignal;
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
 * entry agent's queue and resolves when the episode's result is in (after every participant closed it, when
 * learning). The agents themselves run in AgentWorkers, anywhere.
 * @example
 * const runtime = await BullmqRuntime.start({ workflow, redis, keys: { prefix: 'baton', workflowKey: 'demo' } });
 * const result = await runtime.runEpisode({ seed: 1, input: { text: '' } });
 * await runtime.close();
 */
export class BullmqRuntime<T> implements Runtime<T> {
  readonly workflow: Workflow<T>;
  private readonly redis: Redis;
  private readonly keys: KeySpace;
  private readonly k: RedisKeys;
  private readonly entryQueue: Queue;
  private readonly results: Worker;
  private readonly waiters = new Map<string, Waiter<T>>();
  private readonly timeoutMs: number | undefined;
  private readonly report: ErrorReporter;
  private readonly retention: Retention;

  private constructor(config: BullmqRuntimeConfig<T>) {
    this.retention = retentionOf(config.retention);
    this.workflow = config.workflow;
    this.redis = config.redis;
    this.keys = config.keys;
    this.k = redisKeys(config.keys);
    this.timeoutMs = config.episodeTimeoutMs;
    this.report = config.onError ?? reportError(`runtime of ${config.workflow.name}`);
    this.entryQueue = new Queue(queueName(config.keys, config.workflow.entry), { connection: config.redis, prefix: config.keys.prefix });
    this.results = new Worker(resultsQueueName(config.keys), async (job) => this.onResult(job.data), {
      connection: config.redis,
      prefix: config.keys.prefix,
      concurrency: 64,
      autorun: false,
    });
    this.results.on('error', (error) => this.report(asBatonError('worker.error', error)));
    this.entryQueue.on('error', (error) => this.report(asBatonError('queue.error', error)));
  }

  static async start<T>(config: BullmqRuntimeConfig<T>): Promise<BullmqRuntime<T>> {
    if (config.requireWorkers !== false) await checkWorkers(config);
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
    const signal = options.signal;
    if (signal?.aborted) throw new EpisodeError('episode aborted', { episodeId, code: 'episode.aborted', cause: signal.reason });
    const artifact = createArtifact(wf.artifact, options.input);
    const artifactJson = JSON.stringify(artifact);
    const ctx: EpisodeContext = {
      episodeId,
      seed: options.seed,
      learn,
      explore: options.explore ?? learn,
      book: newBook(),
      rng: new Rng(options.seed).state(),
      artifactHash: artifact.hash,
      ...inlineArtifact(artifact as never, artifactJson),
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
    const onAbort = (): void => {
      this.fail(episodeId, new EpisodeError('episode aborted', { episodeId, code: 'episode.aborted', cause: signal?.reason }));
      // Workers hear it at once (and abort the work in flight); a worker that starts later finds the key.
      void this.redis
        .multi()
        .set(this.k.aborted(episodeId), '1', 'EX', this.retention.failedSeconds)
        .publish(this.k.abortChannel, episodeId)
        .exec()
        .catch((error: unknown) => this.report(asBatonError('redis.connection', error)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const entry: AgentJob = { kind: 'receive', ctx };
      // One round trip: commands on one connection run in the order sent, so the artifact is stored before the job exists.
      // Until the episode ends its keys live as long as a failed job (see Retention); rewriting the version renews it.
      const ttl = this.retention.failedSeconds;
      await Promise.all([
        this.redis.set(this.k.artifact(artifact.hash), artifactJson, 'EX', ttl),
        this.redis.rpush(this.k.path(episodeId), wf.entry),
        this.redis.expire(this.k.path(episodeId), ttl),
        this.entryQueue.add('receive', entry, batonJobOptions(`${episodeId}.e`, this.retention)),
      ]);
      return await done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      this.waiters.delete(episodeId);
    }
  }

  /** Runs `count` episodes (one at a time unless `concurrency` says otherwise) and returns their results in order. */
  async runEpisodes(options: EpisodesOptions<T>): Promise<EpisodeResult<T>[]> {
    const results = new Array<EpisodeResult<T>>(options.count);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < options.count) {
        const i = next++;
        const result = await this.runEpisode({
          seed: options.seed + i,
          input: options.input(i),
          ...(options.learn === undefined ? {} : { learn: options.learn }),
          ...(options.explore === undefined ? {} : { explore: options.explore }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        results[i] = result;
        options.onEpisode?.(result, i);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, options.count)) }, lane));
    return results;
  }

  /** Stops listening for results; in-flight episodes keep running in the workers, and their promises reject. */
  async close(): Promise<void> {
    await this.results.close();
    await this.entryQueue.close();
    for (const [id, waiter] of this.waiters) waiter.reject(new EpisodeError('runtime closed', { episodeId: id, code: 'episode.closed' }));
  }

  private fail(episodeId: string, error: Error): void {
    this.waiters.get(episodeId)?.reject(error);
  }

  private async onResult(raw: unknown): Promise<void> {
    let data: ResultJob;
    try {
      data = parseResultJob(raw);
    } catch (error) {
      this.report(asBatonError('job.invalid', error));
      throw error;
    }
    const waiter = this.waiters.get(data.episodeId);
    if (!waiter) return; // another driver's episode, or one that already timed out
    if (data.error) {
      waiter.reject(new EpisodeError(data.error.message, { episodeId: data.episodeId, code: data.error.code }));
      return;
    }
    const k = this.k;
    const id = data.episodeId;
    const [json, path, skipped] = await Promise.all([
      this.redis.get(k.result(id)),
      this.redis.lrange(k.path(id), 0, -1),
      this.redis.hgetall(k.skipped(id)),
    ]);
    // The episode's keys are the driver's to drop once read (they expire in any case).
    this.redis.del(k.result(id), k.path(id), k.skipped(id)).catch(() => undefined);
    if (json === null) {
      waiter.reject(new EpisodeError(`the result of ${id} is missing from Redis`, { episodeId: id, code: 'episode.lost-result' }));
      return;
    }
    const { artifactHash, ...rest } = JSON.parse(json) as WireResult;
    const summary = { ...rest, path, skipped: Object.fromEntries(Object.entries(skipped).map(([a, n]) => [a, Number(n)])) };
    if (artifactHash === waiter.first.hash) {
      waiter.resolve({ ...summary, artifact: waiter.first });
      return;
    }
    const artifactJson = await this.redis.get(k.artifact(artifactHash));
    if (artifactJson === null) {
      waiter.reject(new EpisodeError(`final artifact ${artifactHash} is missing`, { episodeId: id, code: 'episode.lost-artifact' }));
      return;
    }
    waiter.resolve({ ...summary, artifact: JSON.parse(artifactJson) as Artifact<T> });
  }
}

/** Fails with the `baton worker` commands to run when some agent's queue has no worker listening. */
async function checkWorkers<T>(config: BullmqRuntimeConfig<T>): Promise<void> {
  const missing: string[] = [];
  for (const agent of config.workflow.agents) {
    const queue = new Queue(queueName(config.keys, agent.id), { connection: config.redis, prefix: config.keys.prefix });
    try {
      if ((await queue.getWorkersCount()) === 0) missing.push(agent.id);
    } finally {
      await queue.close();
    }
  }
  if (missing.length === 0) return;
  const spec = config.workflowSpec ?? config.workflow.name;
  const key = config.keys.workflowKey === config.workflow.name ? '' : ` --key ${config.keys.workflowKey}`;
  const prefix = config.keys.prefix === 'baton' ? '' : ` --prefix ${config.keys.prefix}`;
  const commands = missing.map((id) => `  baton worker --workflow ${spec} --agent ${id}${key}${prefix}`).join('\n');
  throw new BatonError(
    'runtime.no-workers',
    `no worker is serving agent${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${config.workflow.name} (${config.keys.prefix}:${config.keys.workflowKey}); start ${missing.length > 1 ? 'them' : 'it'} first, e.g.\n${commands}`,
  );
}

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
import { driverScripts } from './driver-scripts.ts';
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
  /** The episode's result, once read from Redis. */
  readonly result: Deferred<EpisodeResult<T>>;
  /** Settles once the last participant closed the episode (applied its end), or nobody had to. */
  readonly closed: Deferred<undefined>;
  /** The episode's first artifact version (the final one too if no agent revised it: no need to fetch it). */
  readonly first: Artifact<T>;
  /** Whether the driver waits on its closing at once (then it rings the participants as soon as the result is in). */
  readonly awaitsClose: boolean;
}

interface Deferred<V> {
  readonly promise: Promise<V>;
  readonly resolve: (value: V) => void;
  readonly reject: (error: Error) => void;
  settled: boolean;
}

/** A promise with its settling functions. Whoever awaits it sees a rejection; an unawaited one is not reported. */
function deferred<V>(): Deferred<V> {
  let resolve: (value: V) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  const d: Deferred<V> = {
    promise,
    resolve: (value) => {
      d.settled = true;
      resolve(value);
    },
    reject: (error) => {
      d.settled = true;
      reject(error);
    },
    settled: false,
  };
  return d;
}

/** How often the driver looks for closes it may have missed (a reconnect drops pub/sub messages). */
const CLOSING_POLL_MS = 500;

/**
 * The episode driver of the distributed runtime: enqueues the entry job on the entry agent's queue (with the first
 * artifact version) and resolves when the episode's result is in and, when learning, every participant has closed it
 * (applied its end). The agents themselves run in AgentWorkers, anywhere.
 * @example
 * const runtime = await BullmqRuntime.start({ workflow, redis, keys: { prefix: 'baton', workflowKey: 'demo' } });
 * const result = await runtime.runEpisode({ seed: 1, input: { text: '' } });
 * await runtime.close();
 */
export class BullmqRuntime<T> implements Runtime<T> {
  readonly workflow: Workflow<T>;
  private readonly redis: Redis;
  private readonly scripts: ReturnType<typeof driverScripts>;
  private readonly keys: KeySpace;
  private readonly k: RedisKeys;
  private readonly entryQueue: Queue;
  private readonly results: Worker;
  /** Hears the last close of each episode (`closedChannel`). */
  private readonly listener: Redis;
  private readonly poll: NodeJS.Timeout;
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
    this.scripts = driverScripts(config.redis, this.k);
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
    this.listener = config.redis.duplicate();
    this.listener.on('error', (error) => this.report(asBatonError('redis.connection', error)));
    this.listener.on('message', (_channel: string, episodeId: string) => this.onClosed(episodeId));
    this.poll = setInterval(() => void this.checkClosing(), CLOSING_POLL_MS);
    this.poll.unref();
  }

  static async start<T>(config: BullmqRuntimeConfig<T>): Promise<BullmqRuntime<T>> {
    if (config.requireWorkers !== false) await checkWorkers(config);
    const runtime = new BullmqRuntime(config);
    await runtime.listener.subscribe(runtime.k.closedChannel);
    void runtime.results.run();
    await runtime.results.waitUntilReady();
    return runtime;
  }

  /**
   * Runs one episode across the agents' workers and resolves with the same result the in-process runtime gives, once
   * every participant has closed it (applied its end), so the next episode sees the heads the in-process runtime would.
   */
  async runEpisode(options: EpisodeOptions<T>): Promise<EpisodeResult<T>> {
    const started = await this.begin(options, true);
    const [result] = await Promise.all([started.result.promise, started.closed.promise]);
    return result;
  }

  /**
   * Runs `count` episodes (one at a time unless `concurrency` says otherwise) and returns their results in order.
   * With several in flight, episodes interleave anyway: a lane starts its next episode once the last one's result is
   * in, while its participants may still be closing it (they apply its end with their next commits); every episode is
   * closed before this resolves.
   */
  async runEpisodes(options: EpisodesOptions<T>): Promise<EpisodeResult<T>[]> {
    const results = new Array<EpisodeResult<T>>(options.count);
    const lanes = Math.max(1, Math.min(options.concurrency ?? 1, options.count));
    const closing: { readonly path: readonly string[]; readonly closed: Deferred<undefined> }[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < options.count) {
        const i = next++;
        const started = await this.begin(
          {
            seed: options.seed + i,
            input: options.input(i),
            ...(options.learn === undefined ? {} : { learn: options.learn }),
            ...(options.explore === undefined ? {} : { explore: options.explore }),
            ...(options.signal ? { signal: options.signal } : {}),
          },
          lanes === 1,
        );
        const result = await started.result.promise;
        if (lanes === 1) await started.closed.promise;
        else closing.push({ path: result.path, closed: started.closed });
        results[i] = result;
        options.onEpisode?.(result, i);
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    // What is still closing: its participants may have gone idle, so they are woken to apply the ends.
    const open = closing.filter((c) => !c.closed.settled);
    if (open.length > 0) await this.scripts.ring([...new Set(open.flatMap((c) => c.path))]);
    await Promise.all(closing.map((c) => c.closed.promise));
    return results;
  }

  /** Enqueues one episode; its result and its closing settle later (timeout and abort included). */
  private async begin(options: EpisodeOptions<T>, awaitsClose: boolean): Promise<Waiter<T>> {
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
    const waiter: Waiter<T> = { result: deferred(), closed: deferred(), first: artifact, awaitsClose };
    this.waiters.set(episodeId, waiter);
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
    void Promise.allSettled([waiter.result.promise, waiter.closed.promise]).then(() => {
      signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      this.waiters.delete(episodeId);
    });
    try {
      const entry: AgentJob = { kind: 'receive', ctx };
      // The entry agent's first commit starts the episode's path and stores the first version when it rides inline;
      // a version too large to ride is stored here first (commands on one connection run in the order sent, so it is
      // in Redis before the job exists). Until the episode ends its keys live as long as a failed job (see Retention).
      const stored = ctx.artifact
        ? undefined
        : this.redis.set(this.k.artifact(artifact.hash), artifactJson, 'EX', this.retention.failedSeconds);
      await Promise.all([stored, this.entryQueue.add('receive', entry, batonJobOptions(`${episodeId}.e`, this.retention))]);
    } catch (error) {
      this.fail(episodeId, error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return waiter;
  }

  /** Stops listening for results; in-flight episodes keep running in the workers, and their promises reject. */
  async close(): Promise<void> {
    clearInterval(this.poll);
    await this.results.close();
    await this.entryQueue.close();
    this.listener.disconnect();
    for (const id of this.waiters.keys()) this.fail(id, new EpisodeError('runtime closed', { episodeId: id, code: 'episode.closed' }));
  }

  /** Fails an episode: its result (unless it is in) and its closing. */
  private fail(episodeId: string, error: Error): void {
    const waiter = this.waiters.get(episodeId);
    if (!waiter) return;
    if (!waiter.result.settled) waiter.result.reject(error);
    if (!waiter.closed.settled) waiter.closed.reject(error);
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
      this.fail(data.episodeId, new EpisodeError(data.error.message, { episodeId: data.episodeId, code: data.error.code }));
      return;
    }
    const k = this.k;
    const id = data.episodeId;
    // One script: the result, the path and the skips, which are the driver's to drop once read (they expire in any
    // case), and how many participants are still closing the episode (woken now if the driver waits on them).
    const [json, path, skippedPairs, closing] = await this.scripts.takeResult(id, waiter.awaitsClose);
    const skipped: Record<string, string> = {};
    for (let i = 0; i + 1 < skippedPairs.length; i += 2) skipped[skippedPairs[i] as string] = skippedPairs[i + 1] as string;
    if (json === null) {
      this.fail(id, new EpisodeError(`the result of ${id} is missing from Redis`, { episodeId: id, code: 'episode.lost-result' }));
      return;
    }
    const { artifactHash, ...rest } = JSON.parse(json) as WireResult;
    const summary = { ...rest, path, skipped: Object.fromEntries(Object.entries(skipped).map(([a, n]) => [a, Number(n)])) };
    let artifact = waiter.first;
    if (artifactHash !== artifact.hash) {
      const artifactJson = await this.redis.get(k.artifact(artifactHash));
      if (artifactJson === null) {
        this.fail(id, new EpisodeError(`final artifact ${artifactHash} is missing`, { episodeId: id, code: 'episode.lost-artifact' }));
        return;
      }
      artifact = JSON.parse(artifactJson) as Artifact<T>;
    }
    waiter.result.resolve({ ...summary, artifact });
    // Nobody left to close it (no learning, or they all have): closed now. Else the last close names it.
    if (closing === null) waiter.closed.resolve(undefined);
  }

  /** The last participant closed the episode. */
  private onClosed(episodeId: string): void {
    this.waiters.get(episodeId)?.closed.resolve(undefined);
  }

  /** Finds closes the listener missed: episodes whose result is in and whose closing count is gone. */
  private async checkClosing(): Promise<void> {
    const open = [...this.waiters].filter(([, w]) => w.result.settled && !w.closed.settled).map(([id]) => id);
    if (open.length === 0) return;
    try {
      const counts = await this.redis.mget(open.map((id) => this.k.closing(id)));
      open.forEach((id, i) => counts[i] === null && this.onClosed(id));
    } catch (error) {
      this.report(asBatonError('redis.connection', error));
    }
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

import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  BatonError,
  CONTINUE,
  EpisodeError,
  Rng,
  SUBMIT,
  UserError,
  handoff,
  verifyArtifact,
  type Artifact,
  type BatonEvent,
} from '@baton/core';
import {
  checkAborted,
  checkedGrade,
  decisionEpoch,
  episodeOutcomes,
  newLedger,
  settleSubmit,
  workContext,
  type EpisodeRun,
  type PendingTarget,
} from '@baton/core/internal';
import { commitClient, commitEffect, type Commit, type CommitOutcome } from './commit.ts';
import { restoreHead, type RecordingHead, type TracedOp } from './head-store.ts';
import { inboxLineSeq, parseInboxLine, readInbox, type ReadEntry } from './inbox.ts';
import { BATON_WORKER_TIMING, batonJobOptions } from './job-options.ts';
import { Mutex } from './mutex.ts';
import {
  inlineArtifact,
  queueName,
  redisKeys,
  resultsQueueName,
  type AgentEpisodeState,
  type AgentJob,
  type DeliveredEventSink,
  type EpisodeContext,
  type KeySpace,
  type OutboxJob,
  type RedisKeys,
  type ResultJob,
  type WireResult,
  type WorkflowDefinition,
} from './protocol.ts';
import { reportError, type ErrorReporter } from './report.ts';
import { retentionOf, type Retention } from './retention.ts';
import { parseAgentJob } from './schema.ts';

export interface AgentWorkerConfig<T> {
  readonly definition: WorkflowDefinition<T>;
  /** The one agent this worker runs. Its head and private state live only here (and under its Redis keys). */
  readonly agentId: string;
  readonly keys: KeySpace;
  /** Client (`maxRetriesPerRequest: null`) for Baton's own commands and job adds; BullMQ duplicates it for its
   * blocking connection, and the worker duplicates it once more to hear its inbox bell. The worker does not close it. */
  readonly redis: Redis;
  /** Event consumers (audit log, progress). Awaited in order, after the effect that produced the events commits. */
  readonly sinks?: readonly DeliveredEventSink[];
  /**
   * Append every event to this Redis stream inside the commit of the effect that produced it: exactly once and
   * durable with the effect (a transactional outbox), unlike sinks, which are called after the commit (at least once).
   */
  readonly eventStream?: string;
  /** Lock and stall timing (default BATON_WORKER_TIMING): how soon a dead worker's jobs are retried. */
  readonly timing?: { readonly lockDuration: number; readonly stalledInterval: number; readonly maxStalledCount: number };
  /** Jobs processed at once. Work runs concurrently; head updates are serialised. Default 16. */
  readonly concurrency?: number;
  /** Worker, queue, connection and bad-job errors, typed. Default: printed to stderr (repeats at most every 5 s). */
  readonly onError?: ErrorReporter;
  /**
   * Sees every operation on the head, in the order applied (decisions with their inputs, updates): what makes a run
   * with episodes interleaved reproducible in-process (tests, debugging). Restarts begin a new trace.
   */
  readonly trace?: (op: TracedOp) => void;
  /** How long episodes' keys and jobs are kept (DEFAULT_RETENTION: an hour once ended, a day for failed jobs). */
  readonly retention?: Partial<Retention>;
}

/** Counters a worker keeps about itself (tests and benchmarks read them). */
export interface AgentWorkerStats {
  applied: number;
  /** Jobs whose effect was already committed (a retry): nothing was applied again. */
  refused: number;
  /** Jobs put back because a scalar owed to this agent had not arrived yet. */
  deferred: number;
  /** Inbox entries (scalars, episode ends) applied. */
  inbox: number;
  /** Jobs failed because their payload did not fit the schema. */
  invalid: number;
}

const ARTIFACT_CACHE = 4096;
const STATE_CACHE = 50_000;
const DEFER_MS = 20;
/**
 * An idle worker commits what its inbox brought on the next turn of the event loop after the bell rang: bells and
 * reads that arrive together still share one commit, and nobody waits longer (a bell means the driver is waiting on
 * this episode's closing: a 5 ms pause here cost one-at-a-time learning runs about a third of their rate).
 */
const DRAIN_MS = 0;
/** And checks its inbox this often in case a bell was missed (a reconnect). */
const POLL_MS = 500;
/**
 * An episode's end heard in a commit reply (nobody rang: no driver waits on it) is committed with the worker's next
 * effect, or on its own after this long: under load the next effect comes first and carries it.
 */
const QUIET_DRAIN_MS = 50;

/** Artifact versions this process has seen, by hash, shared by its AgentWorkers (content-addressed, so never stale). */
const sharedArtifacts = new Map<string, Artifact<unknown>>();

interface Outbox {
  readonly events: readonly BatonEvent[];
  readonly jobs: readonly OutboxJob[];
}

function freshState(): AgentEpisodeState {
  return { ledger: newLedger(), owed: [], decisions: [] };
}

/**
 * One agent of a workflow as an independent BullMQ worker. It owns the agent's head: it restores it from Redis on
 * start (snapshot plus operations since), drives the kernel's epoch step for every job that hands it the artifact,
 * applies the scalars and episode ends its inbox receives exactly once, and hands the artifact on by reference.
 */
export class AgentWorker<T> {
  readonly agentId: string;
  readonly stats: AgentWorkerStats = { applied: 0, refused: 0, deferred: 0, inbox: 0, invalid: 0 };
  private readonly definition: WorkflowDefinition<T>;
  private readonly keys: KeySpace;
  private readonly k: RedisKeys;
  private readonly redis: ReturnType<typeof commitClient>;
  private readonly bell: Redis;
  private readonly sinks: readonly DeliveredEventSink[];
  private readonly eventStream: string | undefined;
  private readonly report: ErrorReporter;
  private readonly trace: ((op: TracedOp) => void) | undefined;
  private readonly retention: Retention;
  private readonly mutex = new Mutex();
  private readonly queues = new Map<string, Queue>();
  private readonly worker: Worker;
  private head!: RecordingHead;
  private dirty = true;
  private headVersion = '';
  private readonly versionTag = randomUUID().slice(0, 8);
  private versionSeq = 0;
  /** This agent's private state per episode in flight (mirrors the hash in Redis). */
  private states = new Map<string, AgentEpisodeState>();
  /** Inbox entries applied to the head in memory (committed, or riding on the next commit). */
  private appliedSeq = 0;
  /** Entries heard of but not applied yet, by sequence number, and the highest sequence number heard of. */
  private readonly buffer = new Map<number, ReadEntry>();
  private heardSeq = 0;
  /** What inbox entries changed since the last commit: episode states, and episodes closed here. */
  private touched = new Map<string, string>();
  private closes: string[] = [];
  private reading: Promise<void> | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private drainAt = 0;
  private readonly poll: NodeJS.Timeout;
  private readonly aborted = new Set<string>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly arrivals = new Map<string, (() => void)[]>();
  private closed = false;

  private constructor(config: AgentWorkerConfig<T>) {
    const { workflow } = config.definition;
    this.definition = config.definition;
    this.agentId = config.agentId;
    this.keys = config.keys;
    this.k = redisKeys(config.keys);
    this.redis = commitClient(config.redis);
    this.sinks = config.sinks ?? [];
    this.eventStream = config.eventStream;
    this.trace = config.trace;
    this.retention = retentionOf(config.retention);
    this.report = config.onError ?? reportError(`worker ${config.agentId} of ${workflow.name}`);
    this.worker = new Worker(queueName(config.keys, config.agentId), (job, token) => this.process(job, token), {
      connection: config.redis,
      prefix: config.keys.prefix,
      concurrency: config.concurrency ?? 16,
      autorun: false,
      ...(config.timing ?? BATON_WORKER_TIMING),
    });
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('error', (error) => this.report(asBatonError('worker.error', error)));
    this.bell = config.redis.duplicate();
    this.bell.on('error', (error) => this.report(asBatonError('redis.connection', error)));
    this.bell.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    this.poll = setInterval(() => void this.checkInbox(), POLL_MS);
    this.poll.unref();
  }

  /**
   * Restores the agent's head and private state, hands on what an earlier run left in its outboxes, and starts taking
   * jobs. An agent id the workflow does not have is a UserError that lists the ones it has.
   */
  static async start<T>(config: AgentWorkerConfig<T>): Promise<AgentWorker<T>> {
    const ids = config.definition.workflow.agents.map((a) => a.id);
    if (!ids.includes(config.agentId))
      throw new UserError(
        `workflow "${config.definition.workflow.name}" has no agent "${config.agentId}" (its agents: ${ids.join(', ')})`,
        {
          field: 'agent',
          code: 'user.unknown-agent',
        },
      );
    const worker = new AgentWorker(config);
    await worker.bell.subscribe(worker.k.bell(worker.agentId), worker.k.abortChannel);
    await worker.mutex.run(() => worker.reload());
    void worker.worker.run();
    await worker.worker.waitUntilReady();
    void worker.checkInbox();
    return worker;
  }

  /** The head as this worker holds it (read-only use: tests, inspection). */
  get currentHead(): RecordingHead['inner'] {
    return this.head.inner;
  }

  /** Stops taking jobs, waits for the ones in flight, commits what the inbox brought, and lets go of its connections. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await this.worker.close();
    if (this.drainTimer) clearTimeout(this.drainTimer);
    await this.drain().catch((error: unknown) => this.report(asBatonError('worker.drain', error)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.bell.disconnect();
  }

  /** Loads the head (snapshot plus operations since), its version, the inbox position and the private states. */
  private async reload(): Promise<void> {
    const id = this.agentId;
    const [[snapshot, version, applied], ops, episodes] = await Promise.all([
      this.redis.mget(this.k.head(id), this.k.headVersion(id), this.k.inboxApplied(id)),
      this.redis.lrange(this.k.ops(id), 0, -1),
      this.redis.hgetall(this.k.episodes(id)),
    ]);
    this.head = restoreHead(
      () => this.definition.createHead(id),
      (s) => this.definition.loadHead(id, s),
      snapshot ?? null,
      ops,
      this.trace,
    );
    this.headVersion = version ?? '';
    this.appliedSeq = Number(applied ?? 0);
    this.heardSeq = this.appliedSeq;
    this.states = new Map(Object.entries(episodes).map(([ep, json]) => [ep, JSON.parse(json) as AgentEpisodeState]));
    this.buffer.clear();
    this.touched = new Map();
    this.closes = [];
    this.dirty = false;
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      this.queues.set(name, (q = new Queue(name, { connection: this.redis, prefix: this.keys.prefix })));
      q.on('error', (error) => this.report(asBatonError('queue.error', error)));
    }
    return q;
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    let data: AgentJob;
    try {
      data = parseAgentJob(job.data);
    } catch (error) {
      this.stats.invalid += 1;
      this.report(asBatonError('job.invalid', error), { jobId: job.id });
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
    if (this.aborted.has(data.ctx.episodeId)) {
      throw new UnrecoverableError(`episode ${data.ctx.episodeId} was aborted`);
    }
    return this.epoch(job, token, data);
  }

  private onMessage(channel: string, message: string): void {
    if (channel === this.k.abortChannel) {
      if (this.aborted.size > 10_000) this.aborted.clear();
      this.aborted.add(message);
      this.controllers.get(message)?.abort(new EpisodeError('episode aborted', { episodeId: message, code: 'episode.aborted' }));
    } else {
      // The bell (an episode's end) carries every entry not yet applied, one per line; a missed bell (a reconnect) is
      // caught by the poll. Should one still be missing (a commit trimmed the list meanwhile), the inbox is read.
      let last = 0;
      for (const line of message.split('\n')) {
        this.hear(line);
        last = Math.max(last, inboxLineSeq(line));
      }
      for (let seq = this.appliedSeq + 1; seq < last; seq++) if (!this.buffer.has(seq)) return void this.readSoon();
      this.drainSoon();
    }
  }

  /**
   * Keeps an entry heard of (a bell, a read, a commit reply) until it is applied; one heard before is not read again.
   * Returns the sequence number of an episode's end (0 otherwise).
   */
  private hear(line: string): number {
    const seq = inboxLineSeq(line);
    if (seq > this.heardSeq) this.heardSeq = seq;
    if (seq <= this.appliedSeq || this.buffer.has(seq)) return 0;
    const entry = parseInboxLine(line);
    this.buffer.set(entry.seq, entry);
    return 'entry' in entry && entry.entry.kind === 'end' ? entry.seq : 0;
  }

  /** Entries a commit reply brought: kept for the next use of the head; an episode's end is applied soon. */
  private hearNews(lines: readonly string[]): void {
    let ends = false;
    for (const line of lines) if (this.hear(line) > 0) ends = true;
    if (ends) this.drainSoon(QUIET_DRAIN_MS);
  }

  /** Reads the inbox (one read at a time; a bell during a read asks for another) and plans a drain. */
  private readSoon(): Promise<void> {
    if (this.reading) return this.reading.then(() => this.readSoon());
    this.reading = readInbox(this.redis, this.k, this.agentId)
      .then((lines) => {
        for (const line of lines) this.hear(line);
        if (lines.length > 0) this.drainSoon();
      })
      .catch((error: unknown) => this.report(asBatonError('redis.connection', error)))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async checkInbox(): Promise<void> {
    try {
      const n = Number((await this.redis.get(this.k.inboxCount(this.agentId))) ?? 0);
      if (n > this.appliedSeq || this.buffer.size > 0) await this.readSoon();
    } catch (error) {
      this.report(asBatonError('redis.connection', error));
    }
  }

  /** Plans a drain in `ms` (or sooner, if one is already planned sooner). */
  private drainSoon(ms = DRAIN_MS): void {
    if (this.closed) return;
    const at = Date.now() + ms;
    if (this.drainTimer) {
      if (this.drainAt <= at) return;
      clearTimeout(this.drainTimer);
    }
    this.drainAt = at;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      void this.drain().catch((error: unknown) => {
        this.report(asBatonError('worker.drain', error));
        setTimeout(() => void this.readSoon(), 250).unref();
      });
    }, ms);
  }

  /** Applies buffered inbox entries and commits them on their own (no job was coming to carry them). */
  private async drain(): Promise<void> {
    const sent = await this.mutex.run(async () => {
      if (this.dirty) await this.reload();
      await this.applyInbox();
      if (this.touched.size === 0 && this.closes.length === 0 && !this.head.hasPending()) return undefined;
      // Wrapped: the reply is awaited outside the mutex (the commits of an agent are pipelined).
      return { outcome: this.send(this.commitOf({})) };
    });
    if (!sent) return;
    const outcome = await sent.outcome;
    if (outcome.status !== 'applied')
      throw new EpisodeError(`inbox commit was ${outcome.status}; retrying`, { code: 'episode.stale-head' });
  }

  /** Under the mutex: applies every buffered inbox entry that is next in sequence (scalars, episode ends). */
  private async applyInbox(): Promise<void> {
    const gamma = this.definition.workflow.discount;
    for (let next = this.buffer.get(this.appliedSeq + 1); next; next = this.buffer.get(this.appliedSeq + 1)) {
      this.buffer.delete(next.seq);
      this.appliedSeq = next.seq;
      this.stats.inbox += 1;
      if ('error' in next) {
        this.report(next.error);
        continue;
      }
      const entry = next.entry;
      const state = this.states.get(entry.episodeId);
      if (entry.kind === 'scalar') {
        const target = state?.owed.find((t) => t.handoffId === entry.handoffId);
        if (!state || !target) {
          this.report(
            new EpisodeError(`no target waits for handoff ${entry.handoffId}`, { episodeId: entry.episodeId, code: 'episode.lost-target' }),
          );
          continue;
        }
        this.head.learn({ view: target.view, action: target.action, target: entry.scalar, legal: target.legal });
        state.owed = state.owed.filter((t) => t !== target);
        this.touched.set(entry.episodeId, JSON.stringify(state));
        for (const wake of this.arrivals.get(entry.episodeId) ?? []) wake();
        this.arrivals.delete(entry.episodeId);
      } else {
        if (state) this.head.endEpisode(episodeOutcomes(state.decisions, entry.finalReturn, gamma));
        this.states.delete(entry.episodeId);
        this.touched.set(entry.episodeId, '');
        this.closes.push(entry.episodeId);
      }
    }
  }

  /** Takes an artifact that rode inside a job if it is the version named (else it is fetched from Redis as usual). */
  private adopt(artifact: Artifact<T>, hash: string): void {
    if (sharedArtifacts.has(hash)) return;
    if (artifact.hash === hash && verifyArtifact(artifact)) this.remember(artifact);
  }

  private remember(artifact: Artifact<unknown>): void {
    if (sharedArtifacts.size >= ARTIFACT_CACHE) sharedArtifacts.delete(sharedArtifacts.keys().next().value as string);
    sharedArtifacts.set(artifact.hash, artifact);
  }

  /** Whether the effect is already applied (skipped on a first delivery) and the artifact, in one round trip at most. */
  private async load(effectId: string | undefined, hash: string, episodeId: string): Promise<{ done: boolean; artifact: Artifact<T> }> {
    const cached = sharedArtifacts.get(hash) as Artifact<T> | undefined;
    // The common case (a first delivery of a version this process holds) needs no round trip at all.
    if (cached && effectId === undefined) return { done: false, artifact: cached };
    const [done, json] = await Promise.all([
      effectId === undefined ? 0 : this.redis.exists(this.k.effect(effectId)),
      cached ? null : this.redis.get(this.k.artifact(hash)),
    ]);
    if (cached) return { done: done === 1, artifact: cached };
    if (json === null) throw new EpisodeError(`artifact ${hash} is missing from Redis`, { episodeId, code: 'episode.lost-artifact' });
    const parsed = JSON.parse(json) as Artifact<T>;
    if (!verifyArtifact(parsed) || parsed.hash !== hash)
      throw new EpisodeError(`artifact ${hash} does not match its hash`, { episodeId, code: 'episode.corrupt-artifact' });
    this.remember(parsed);
    return { done: done === 1, artifact: parsed };
  }

  private owes(episodeId: string): boolean {
    const state = this.states.get(episodeId);
    return state !== undefined && state.owed.length > 0;
  }

  /** Waits (briefly) until every scalar owed to this agent in the episode has been applied, reading the inbox. */
  private async catchUp(episodeId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3 && this.owes(episodeId); attempt++) {
      const arrived = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        const list = this.arrivals.get(episodeId) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve();
        });
        this.arrivals.set(episodeId, list);
      });
      await this.readSoon();
      await this.mutex.run(async () => {
        if (this.dirty) await this.reload();
        await this.applyInbox();
      });
      if (this.owes(episodeId)) await arrived;
    }
    return !this.owes(episodeId);
  }

  private async defer(job: Job, token: string | undefined): Promise<never> {
    this.stats.deferred += 1;
    await job.moveToDelayed(Date.now() + DEFER_MS, token);
    throw new DelayedError();
  }

  /** One epoch: the holder works, then the kernel's decision epoch runs with the head to itself, then one commit. */
  private async epoch(job: Job, token: string | undefined, data: AgentJob): Promise<void> {
    const wf = this.definition.workflow;
    const ctx = data.ctx;
    const { episodeId } = ctx;
    const effectId = job.id as string;
    const me = this.agentId;
    const agent = wf.agentById.get(me);
    if (!agent) throw new EpisodeError(`artifact reached unknown agent "${me}"`, { episodeId });
    if (ctx.artifact) this.adopt(ctx.artifact as unknown as Artifact<T>, ctx.artifactHash);
    // A first delivery cannot have been applied; a retry, a stalled job or a re-added id checks the marker first.
    const loaded = await this.load(firstDelivery(job) ? undefined : effectId, ctx.artifactHash, episodeId);
    if (loaded.done) return this.replay(effectId);
    // Every scalar owed to this agent in this episode is applied before its head is used again, as in-process.
    if (this.owes(episodeId) && !(await this.catchUp(episodeId))) return this.defer(job, token);

    const receive = data.kind === 'receive';
    const rng = Rng.fromState(ctx.rng);
    const book = { ...ctx.book };
    const events: BatonEvent[] = [];
    const listening = this.sinks.length > 0 || this.eventStream !== undefined;
    const sends: [string, string][] = [];
    const controller = new AbortController();
    this.controllers.set(episodeId, controller);
    const run: EpisodeRun<T> = {
      workflow: wf,
      episodeId,
      rng,
      rand: () => rng.next(),
      learn: ctx.learn,
      explore: ctx.explore,
      decide: { rng, explore: ctx.explore },
      book,
      events: listening ? events : undefined,
      sendScalar: (to, scalar) =>
        void sends.push([to.agent, JSON.stringify({ kind: 'scalar', episodeId, handoffId: to.handoffId, scalar })]),
      signal: controller.signal,
    };
    if (receive && !data.from) {
      run.events?.push({
        type: 'episode-start',
        episodeId,
        time: 0,
        workflow: wf.name,
        entry: me,
        seed: ctx.seed,
        artifactHash: ctx.artifactHash,
        learn: ctx.learn,
        explore: ctx.explore,
      });
    }
    const before = loaded.artifact;
    run.events?.push({ type: 'work-start', episodeId, time: book.time, agent: me, artifactHash: before.hash });
    const known = this.states.get(episodeId);
    const workLedger = known ? { ...known.ledger } : newLedger();
    if (receive) {
      workLedger.consecutiveWork = 0;
      workLedger.receipts += 1;
    }
    let result;
    try {
      checkAborted(controller.signal, episodeId);
      result = await agent.work(before, workContext(run, { agent, head: this.head, ledger: workLedger }));
    } catch (error) {
      await this.emitFailure(episodeId, book.time, error);
      throw error;
    } finally {
      if (this.controllers.get(episodeId) === controller) this.controllers.delete(episodeId);
    }

    const sent = await this.mutex.run(async () => {
      if (this.dirty) await this.reload();
      await this.applyInbox();
      const state = this.states.get(episodeId) ?? freshState();
      if (this.states.size >= STATE_CACHE) this.states.delete(this.states.keys().next().value as string);
      this.states.set(episodeId, state);
      if (receive) {
        state.ledger.consecutiveWork = 0;
        state.ledger.receipts += 1;
      }
      // A receiver owes its sender the scalar; it never sees the sender's view (only the sender holds its target).
      const pending: PendingTarget | undefined = receive
        ? data.from && { agent: data.from.agent, handoffId: data.from.handoffId, view: NO_VIEW, action: handoff(me), legal: [] }
        : state.own;
      delete state.own;
      const holder = { agent, head: this.head, ledger: state.ledger };
      const epoch = decisionEpoch(run, holder, before, result, pending);
      if (ctx.learn) state.decisions.push(epoch.record);
      const artifact = epoch.artifact;
      const revised = artifact !== before;
      const artifactJson = revised ? JSON.stringify(artifact) : undefined;
      const next = (): EpisodeContext => ({
        episodeId,
        seed: ctx.seed,
        learn: ctx.learn,
        explore: ctx.explore,
        book,
        rng: rng.state(),
        artifactHash: artifact.hash,
        ...(revised ? inlineArtifact(artifact as never, artifactJson) : ctx.artifact ? { artifact: ctx.artifact } : {}),
      });
      const jobs: OutboxJob[] = [];
      let submit: Commit['submit'];
      let handoffTo: Commit['handoff'];
      const action = epoch.decision.action;
      if (action === SUBMIT) {
        const grade = checkedGrade(await wf.grader(artifact), episodeId);
        const R = settleSubmit(run, holder, epoch, grade);
        if (ctx.learn) this.head.endEpisode(episodeOutcomes(state.decisions, book.discounted, wf.discount));
        this.states.delete(episodeId);
        const wire: WireResult = {
          episodeId,
          return: book.discounted,
          terminalReward: R,
          artifactHash: artifact.hash,
          submitter: me,
          forcedSubmit: epoch.exhausted,
          steps: book.steps,
          handoffs: book.handoffs,
          decisions: book.decisions,
          duration: book.time,
          costUsd: book.costUsd,
          tokens: book.tokens,
        };
        submit = {
          episode: episodeId,
          result: JSON.stringify(wire),
          notice: ctx.learn ? JSON.stringify({ kind: 'end', episodeId, finalReturn: book.discounted }) : '',
          resultJob: JSON.stringify(resultJob(this.keys, { episodeId })),
        };
      } else if (action === CONTINUE) {
        if (epoch.pending) state.own = epoch.pending;
        jobs.push({ queue: queueName(this.keys, me), jobId: `${episodeId}.s${book.steps}`, data: { kind: 'continue', ctx: next() } });
      } else {
        const to = epoch.to as string;
        const handoffId = (epoch.pending as PendingTarget).handoffId as string;
        if (ctx.learn) state.owed.push(epoch.pending as PendingTarget);
        handoffTo = { episode: episodeId, to, skipped: epoch.skipped };
        jobs.push({
          queue: queueName(this.keys, to),
          jobId: handoffId,
          data: { kind: 'receive', ctx: next(), from: { agent: me, handoffId } },
        });
      }
      this.touched.set(episodeId, action === SUBMIT ? '' : JSON.stringify(state));
      const eventJson = listening ? events.map((e) => JSON.stringify(e)) : [];
      // The entry's first effect starts the path and stores the first version, which rode inline (the driver stores
      // one too large to ride).
      const entry = receive && !data.from;
      const artifacts: [string, string][] = [];
      if (entry && ctx.artifact) artifacts.push([ctx.artifactHash, JSON.stringify(ctx.artifact)]);
      if (revised) artifacts.push([artifact.hash, artifactJson as string]);
      const commit = this.commitOf({
        effectId,
        sends,
        jobs: jobs.map((j) => JSON.stringify(j)),
        sinkEvents: this.sinks.length > 0 ? eventJson : [],
        artifacts,
        ...(entry ? { entry: episodeId } : {}),
        ...(this.eventStream ? { stream: { key: this.eventStream, events: eventJson } } : {}),
        ...(handoffTo ? { handoff: handoffTo } : {}),
        ...(submit ? { submit } : {}),
      });
      return { outcome: this.send(commit), revised: revised ? artifact : undefined, jobs };
    });
    const outcome = await sent.outcome;
    if (outcome.status === 'refused') return this.replay(effectId, true);
    if (outcome.status !== 'applied')
      throw new EpisodeError(`effect ${effectId} was computed from a head that was not committed; retrying`, {
        episodeId,
        code: 'episode.stale-head',
      });
    if (sent.revised) this.remember(sent.revised);
    // Hands on what was committed (the jobs as built here, plus any the script added), without reading it back.
    await this.handOn(effectId, {
      events,
      jobs: outcome.added.length > 0 ? [...sent.jobs, ...outcome.added.map(parseOutboxJob)] : sent.jobs,
    });
  }

  /**
   * Builds a commit from `parts` plus everything applied since the last commit (the head's operations, the inbox
   * position, touched episode states, closes). Called under the mutex, right before `send`.
   */
  private commitOf(parts: Partial<Commit>): Commit {
    const { ops, snapshot } = this.head.take();
    const writes = ops.length > 0 || snapshot !== undefined;
    const expected = this.headVersion;
    const next = writes ? `${this.versionTag}.${++this.versionSeq}` : '';
    if (writes) this.headVersion = next;
    const commit: Commit = {
      agentId: this.agentId,
      headVersion: { expected, next },
      ops,
      ...(snapshot === undefined ? {} : { snapshot }),
      inboxApplied: this.appliedSeq,
      inboxKnown: this.heardSeq,
      episodes: [...this.touched],
      closes: this.closes,
      sends: [],
      jobs: [],
      sinkEvents: [],
      artifacts: [],
      ...parts,
    };
    this.touched = new Map();
    this.closes = [];
    return commit;
  }

  /**
   * Sends a commit at once (under the mutex, so an agent's commits reach Redis in the order its head saw the effects)
   * and returns its reply to await outside the mutex. A refused, stale or lost commit marks the head dirty: it is
   * reloaded from Redis before its next use, and commits sent after it in the meantime are refused as stale.
   */
  private send(commit: Commit): Promise<CommitOutcome> {
    const outcome = commitEffect(this.redis, this.k, commit, this.retention).then(
      (result) => {
        if (result.status === 'applied') {
          this.stats.applied += 1;
          if (result.news.length > 0) this.hearNews(result.news);
        } else {
          if (result.status === 'refused') this.stats.refused += 1;
          this.dirty = true;
        }
        return result;
      },
      (error: unknown) => {
        // The reply was lost: the effect may or may not be in Redis. Reload the head from there before the next use.
        this.dirty = true;
        throw error;
      },
    );
    outcome.catch(() => undefined);
    return outcome;
  }

  /** Hands on what a committed effect left in its outbox (after a crash between commit and dispatch). */
  private async replay(effectId: string, counted = false): Promise<void> {
    if (!counted) {
      this.stats.refused += 1;
      void this.redis.incr(this.k.refusedCount).catch(() => undefined);
    }
    const json = await this.redis.get(this.k.effect(effectId));
    if (json) await this.handOn(effectId, JSON.parse(json) as Outbox);
  }

  /** Emits an outbox's events and adds its jobs (idempotent by id). */
  private async handOn(effectId: string, outbox: Outbox): Promise<void> {
    await this.emit(outbox.events, effectId);
    if (outbox.jobs.length > 0) {
      await Promise.all(
        outbox.jobs.map((j) =>
          this.queue(j.queue).add('kind' in j.data ? j.data.kind : 'result', j.data, batonJobOptions(j.jobId, this.retention)),
        ),
      );
    }
  }

  private async emit(events: readonly BatonEvent[], effectId: string): Promise<void> {
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as BatonEvent;
      for (const sink of this.sinks) await sink(event, { eventId: `${effectId}#${i}` });
    }
  }

  /** A failed unit of work is an `error` event (to sinks and the stream) before the job is retried or failed. */
  private async emitFailure(episodeId: string, time: number, error: unknown): Promise<void> {
    const event = errorEvent(episodeId, time, this.agentId, error);
    try {
      for (const sink of this.sinks) await sink(event);
      if (this.eventStream) await this.redis.xadd(this.eventStream, '*', 'event', JSON.stringify(event));
    } catch (cause) {
      this.report(asBatonError('sink.error', cause));
    }
  }

  /** A job that ran out of attempts (or was unrecoverable) ends its episode with an error the driver reports. */
  private async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final =
      error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const data: unknown = job.data;
    const ctx = typeof data === 'object' && data !== null && 'ctx' in data ? data.ctx : undefined;
    const episodeId = typeof ctx === 'object' && ctx !== null && 'episodeId' in ctx ? String(ctx.episodeId) : undefined;
    const code = error.message.startsWith('episode ') && error.message.endsWith('was aborted') ? 'episode.aborted' : codeOf(error);
    this.report(asBatonError(code, error), { jobId: job.id, ...(episodeId ? { episodeId } : {}) });
    if (!episodeId) return;
    const report = resultJob(this.keys, { episodeId, error: { code, message: error.message } });
    try {
      await this.queue(report.queue).add('result', report.data, batonJobOptions(report.jobId, this.retention));
    } catch (cause) {
      this.report(asBatonError('redis.connection', cause));
    }
  }
}

const NO_VIEW = Object.freeze({ projection: Object.freeze({}), privateState: Object.freeze({}) });

/** Whether this is the job's first delivery (not a retry, not a stalled job moved back). */
function firstDelivery(job: Job): boolean {
  // Typed as always there, but a job that an older BullMQ wrote has neither counter.
  const stalled = job.stalledCounter as number | undefined;
  const started = job.attemptsStarted as number | undefined;
  return job.attemptsMade === 0 && (stalled ?? 0) === 0 && (started ?? 1) <= 1;
}

function parseOutboxJob(json: string): OutboxJob {
  return JSON.parse(json) as OutboxJob;
}

function resultJob(keys: KeySpace, data: ResultJob): OutboxJob {
  return { queue: resultsQueueName(keys), jobId: `${data.episodeId}.result`, data };
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'error';
}

function errorEvent(episodeId: string, time: number, agent: string, error: unknown): BatonEvent {
  return { type: 'error', episodeId, time, agent, code: codeOf(error), message: error instanceof Error ? error.message : String(error) };
}

/** `error` as a BatonError (kept if it is one), so every report carries a stable code and the original as cause. */
export function asBatonError(code: string, error: unknown): BatonError {
  if (error instanceof BatonError) return error;
  return new BatonError(code, error instanceof Error ? error.message : String(error), { cause: error });
}

import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  CONTINUE,
  EpisodeError,
  Rng,
  SUBMIT,
  handoffTarget,
  reviseArtifact,
  skippedBy,
  usageTokens,
  verifyArtifact,
  type Artifact,
  type BatonEvent,
  type HandoffHead,
  type InterfaceView,
  type LocalState,
} from '@baton/core';
import {
  budgetExhausted,
  checkedGrade,
  checkedWork,
  epochTarget,
  finite,
  gradeFields,
  legalActionsFor,
  returnsToGo,
} from '@baton/core/internal';
import { commitClient, commitEffect, type Commit, type CommitOutcome } from './commit.ts';
import { BATON_JOB_OPTIONS, BATON_WORKER_TIMING } from './job-options.ts';
import { Mutex } from './mutex.ts';
import {
  inlineArtifact,
  queueName,
  redisKeys,
  resultsQueueName,
  type AgentEpisodeState,
  type DeliveredEventSink,
  type AgentJob,
  type EpisodeContext,
  type KeySpace,
  type OutboxJob,
  type RedisKeys,
  type ResultJob,
  type WireResult,
  type WorkflowDefinition,
} from './protocol.ts';

export interface AgentWorkerConfig<T> {
  readonly definition: WorkflowDefinition<T>;
  /** The one agent this worker runs. Its head and private state live only here (and under its Redis key). */
  readonly agentId: string;
  readonly keys: KeySpace;
  /** Client (`maxRetriesPerRequest: null`) for Baton's own commands and job adds; BullMQ duplicates it for its
   * blocking connection. The worker does not close it. */
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
}

interface Outbox {
  readonly events: readonly BatonEvent[];
  readonly jobs: readonly OutboxJob[];
}

/** Counters a worker keeps about itself (tests and benchmarks read them). */
export interface AgentWorkerStats {
  applied: number;
  /** Jobs whose effect was already committed (a retry): nothing was applied again. */
  refused: number;
  /** Jobs put back because a scalar owed to this agent had not been applied yet. */
  deferred: number;
}

const ARTIFACT_CACHE = 4096;
const DEFER_MS = 20;

/**
 * Artifact versions this process has seen, shared by its AgentWorkers and keyed by their Redis key (prefix, workflow
 * and content hash): a version never changes, so a worker need not fetch or re-verify one another agent here has.
 */
const sharedArtifacts = new Map<string, Artifact<unknown>>();

/** A commit sent to Redis, its reply still to come (see AgentWorker.commit). */
interface PendingCommit {
  readonly outcome: Promise<CommitOutcome>;
}

function freshState(): AgentEpisodeState {
  return { consecutiveWork: 0, workUnits: 0, receipts: 0, owed: {}, decisions: [] };
}

/**
 * One agent of a workflow as an independent BullMQ worker. It owns the agent's head: it loads the last snapshot from
 * Redis on start, applies each target exactly once (the snapshot and the effect marker commit together), and hands
 * the artifact on by reference. Mirrors InProcessRuntime's epoch step for step, so the same seeds give the same run.
 */
export class AgentWorker<T> {
  readonly agentId: string;
  readonly stats: AgentWorkerStats = { applied: 0, refused: 0, deferred: 0 };
  private readonly definition: WorkflowDefinition<T>;
  private readonly keys: KeySpace;
  private readonly k: RedisKeys;
  private readonly redis: ReturnType<typeof commitClient>;
  private readonly sinks: readonly DeliveredEventSink[];
  private readonly eventStream: string | undefined;
  private readonly mutex = new Mutex();
  private readonly queues = new Map<string, Queue>();
  private readonly states = new Map<string, string>();
  private readonly scalarWaiters = new Map<string, (() => void)[]>();
  private readonly worker: Worker;
  private head!: HandoffHead;
  private headDirty = true;
  /** The version of the head in memory: the last head commit sent, or the one loaded (see commit.ts). */
  private headVersion = '';
  private readonly versionTag = randomUUID().slice(0, 8);
  private versionSeq = 0;

  private constructor(config: AgentWorkerConfig<T>) {
    const { workflow } = config.definition;
    if (!workflow.agentById.has(config.agentId)) throw new EpisodeError(`workflow "${workflow.name}" has no agent "${config.agentId}"`);
    this.definition = config.definition;
    this.agentId = config.agentId;
    this.keys = config.keys;
    this.k = redisKeys(config.keys);
    this.redis = commitClient(config.redis);
    this.sinks = config.sinks ?? [];
    this.eventStream = config.eventStream;
    this.worker = new Worker(queueName(config.keys, config.agentId), (job, token) => this.process(job, token), {
      connection: config.redis,
      prefix: config.keys.prefix,
      concurrency: config.concurrency ?? 16,
      autorun: false,
      ...(config.timing ?? BATON_WORKER_TIMING),
    });
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('error', () => undefined);
  }

  /** Loads the agent's head (saved snapshot or a fresh one) and starts taking jobs. */
  static async start<T>(config: AgentWorkerConfig<T>): Promise<AgentWorker<T>> {
    const worker = new AgentWorker(config);
    await worker.reloadHead();
    void worker.worker.run();
    await worker.worker.waitUntilReady();
    return worker;
  }

  /** The head as this worker holds it (read-only use: tests, inspection). */
  get currentHead(): HandoffHead {
    return this.head;
  }

  /** Stops taking jobs and waits for the ones in flight (graceful shutdown, e.g. on SIGTERM). */
  async close(): Promise<void> {
    await this.worker.close();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  private async reloadHead(): Promise<void> {
    // Read on the connection the commits use: it runs after every commit already sent.
    const [saved, version] = await this.redis.mget(this.k.head(this.agentId), this.k.headVersion(this.agentId));
    this.head =
      saved === null || saved === undefined
        ? this.definition.createHead(this.agentId)
        : this.definition.loadHead(this.agentId, JSON.parse(saved));
    this.headVersion = version ?? '';
    this.headDirty = false;
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      this.queues.set(name, (q = new Queue(name, { connection: this.redis, prefix: this.keys.prefix })));
      q.on('error', () => undefined);
    }
    return q;
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const data = job.data as AgentJob;
    const effectId = job.id as string;
    switch (data.kind) {
      case 'receive':
      case 'continue':
        return this.epoch(job, token, effectId, data);
      case 'scalar':
        return this.scalar(job, token, effectId, data);
      case 'end':
        return this.end(job, token, effectId, data);
    }
  }

  /**
   * Runs `fn` with the head to itself. If `fn` throws, the head may hold updates no commit carries: it is reloaded
   * from Redis before its next use.
   */
  private withHead<R>(fn: () => Promise<R>): Promise<R> {
    return this.mutex.run(async () => {
      try {
        return await fn();
      } catch (error) {
        this.headDirty = true;
        throw error;
      }
    });
  }

  /** Loads what a job needs in one round trip: whether its effect is already applied, the agent's episode state, an artifact. */
  private async load(
    effectId: string | undefined,
    episodeId: string,
    artifactHash?: string,
    noState = false,
  ): Promise<{ done: boolean; state: AgentEpisodeState; artifact?: Artifact<T> }> {
    const stateKey = this.k.episodeState(this.agentId, episodeId);
    const cachedState = noState ? JSON.stringify(freshState()) : this.states.get(stateKey);
    const cachedArtifact =
      artifactHash === undefined ? undefined : (sharedArtifacts.get(this.k.artifact(artifactHash)) as Artifact<T> | undefined);
    // Separate commands, not a pipeline: they go out back to back all the same, and an ioredis Pipeline copies every
    // script defined on the connection (BullMQ's too) when it is built, which costs more than the round trip.
    const pending: Promise<unknown>[] = [];
    if (effectId !== undefined) pending.push(this.redis.exists(this.k.effect(effectId)));
    if (cachedState === undefined) pending.push(this.redis.get(stateKey));
    if (artifactHash !== undefined && !cachedArtifact) pending.push(this.redis.get(this.k.artifact(artifactHash)));
    const values = pending.length > 0 ? await Promise.all(pending) : [];
    if (effectId === undefined) values.unshift(0);
    let i = 1;
    const stateJson = cachedState ?? (values[i++] as string | null);
    const state = stateJson ? (JSON.parse(stateJson) as AgentEpisodeState) : freshState();
    let artifact = cachedArtifact;
    if (artifactHash !== undefined && !artifact) {
      const json = values[i] as string | null;
      if (json === null)
        throw new EpisodeError(`artifact ${artifactHash} is missing from Redis`, { episodeId, code: 'episode.lost-artifact' });
      const parsed = JSON.parse(json) as Artifact<T>;
      if (!verifyArtifact(parsed) || parsed.hash !== artifactHash) {
        throw new EpisodeError(`artifact ${artifactHash} does not match its hash`, { episodeId, code: 'episode.corrupt-artifact' });
      }
      artifact = parsed;
      this.remember(parsed);
    }
    return { done: values[0] === 1, state, ...(artifact ? { artifact } : {}) };
  }

  /** Takes an artifact that rode inside a job if it is the version named (else it is fetched from Redis as usual). */
  private adopt(artifact: Artifact<T>, hash: string): void {
    if (sharedArtifacts.has(this.k.artifact(hash))) return;
    if (artifact.hash === hash && verifyArtifact(artifact)) this.remember(artifact);
  }

  private remember(artifact: Artifact<T>): void {
    if (sharedArtifacts.size >= ARTIFACT_CACHE) sharedArtifacts.delete(sharedArtifacts.keys().next().value as string);
    sharedArtifacts.set(this.k.artifact(artifact.hash), artifact);
  }

  private async defer(job: Job, token: string | undefined): Promise<never> {
    this.stats.deferred += 1;
    await job.moveToDelayed(Date.now() + DEFER_MS, token);
    throw new DelayedError();
  }

  /** The holder works, reaches its decision epoch, completes the target waiting for it and decides (runtime.ts's loop body). */
  private async epoch(
    job: Job,
    token: string | undefined,
    effectId: string,
    data: Extract<AgentJob, { kind: 'receive' | 'continue' }>,
  ): Promise<void> {
    const wf = this.definition.workflow;
    const ctx = data.ctx;
    const { episodeId, learn, explore } = ctx;
    const holder = this.agentId;
    const agent = wf.agentById.get(holder);
    if (!agent) throw new EpisodeError(`artifact reached unknown agent "${holder}"`, { episodeId });
    // A first delivery cannot have been applied; a retry, a stalled job or a re-added id checks the marker before
    // redoing the work (the commit refuses a duplicate in any case).
    // On its first receipt in an episode an agent has no episode state yet: nothing to read.
    if (ctx.artifact) this.adopt(ctx.artifact as Artifact<T>, ctx.artifactHash);
    const first = firstDelivery(job);
    const fresh = first && data.kind === 'receive' && !ctx.path.slice(0, -1).includes(holder);
    let loaded = await this.load(first ? undefined : effectId, episodeId, ctx.artifactHash, fresh);
    if (loaded.done) return this.replay(effectId);
    // Every scalar owed to this agent must be applied before its head is used again, as in-process. The scalar job
    // was added just before this one, so it is usually being applied right now: wait for it, else come back later.
    if (Object.keys(loaded.state.owed).length > 0) {
      await this.scalarApplied(this.k.episodeState(holder, episodeId), 100);
      loaded = await this.load(undefined, episodeId, ctx.artifactHash);
      if (Object.keys(loaded.state.owed).length > 0) return this.defer(job, token);
    }
    const local = loaded.state;

    const gamma = wf.discount;
    const budget = wf.budget;
    const rng = Rng.fromState(ctx.rng);
    const rand = (): number => rng.next();
    let { time, steps, handoffs, decisions, tokens, costUsd, discounted } = ctx;
    const path = [...ctx.path];
    const skipped = { ...ctx.skipped };
    const rewards = [...ctx.rewards];
    // Events are built only for sinks that will read them.
    const events: BatonEvent[] = [];
    const record = this.sinks.length > 0 || this.eventStream ? (e: BatonEvent): void => void events.push(e) : (): void => undefined;
    const jobs: OutboxJob[] = [];
    if (data.kind === 'receive') {
      local.consecutiveWork = 0;
      local.receipts += 1;
    }
    const localView = (): LocalState => ({
      consecutiveWork: local.consecutiveWork,
      workUnits: local.workUnits,
      receipts: local.receipts,
      stepsLeft: budget.maxSteps - steps,
      handoffsLeft: budget.maxHandoffs - handoffs,
    });

    if (data.kind === 'receive' && !data.from) {
      record({
        type: 'episode-start',
        episodeId,
        time,
        workflow: wf.name,
        entry: holder,
        seed: ctx.seed,
        artifactHash: ctx.artifactHash,
        learn,
        explore,
      });
    }

    // Work.
    const before = loaded.artifact as Artifact<T>;
    let artifact = before;
    record({ type: 'work-start', episodeId, time, agent: holder, artifactHash: before.hash });
    let result;
    try {
      result = await agent.work(artifact, { agentId: holder, episodeId, local: localView(), rng });
    } catch (error) {
      if (this.sinks.length > 0) await this.emit([...events, errorEvent(episodeId, time, holder, error)]);
      if (this.eventStream)
        await this.redis.xadd(this.eventStream, '*', 'event', JSON.stringify(errorEvent(episodeId, time, holder, error)));
      throw error;
    }
    const { reward, tau, usage } = checkedWork(result, holder, episodeId);
    const newArtifacts: Artifact<T>[] = [];
    let newJson: string | undefined;
    if (result.value !== undefined) {
      artifact = reviseArtifact(wf.artifact, artifact, result.value, holder);
      newArtifacts.push(artifact);
      newJson = JSON.stringify(artifact);
    }
    // An unchanged version rides on if it came inline (the sender applied the same size rule).
    const inline = artifact !== before ? inlineArtifact(artifact, newJson) : ctx.artifact ? { artifact: before } : {};
    tokens += usageTokens(usage);
    costUsd += usage.costUsd ?? 0;
    rewards.push({ time, reward });
    discounted += Math.pow(gamma, time) * reward;
    steps += 1;
    local.consecutiveWork += 1;
    local.workUnits += 1;
    record({
      type: 'work-end',
      episodeId,
      time,
      agent: holder,
      artifactHashBefore: before.hash,
      artifactHashAfter: artifact.hash,
      reward,
      duration: tau,
      usage,
      ...(result.notes ? { notes: result.notes } : {}),
    });
    time += tau;

    // Decision epoch: the holder's interface.
    const view: InterfaceView = {
      projection: agent.interface.project(artifact, rand),
      privateState: agent.interface.privateState?.(localView()) ?? {},
    };
    const exhausted = budgetExhausted(budget, steps, tokens, costUsd);
    const legal = exhausted ? [SUBMIT] : legalActionsFor(wf, holder, handoffs, artifact);

    // The head is used and updated under the mutex; the commit is sent before the mutex is released but its reply is
    // awaited outside it, so the agent's next effect overlaps this one's round trip (commit.ts: head versions).
    const sent = await this.withHead(async () => {
      if (this.headDirty) await this.reloadHead();
      const head = this.head;
      // The target waiting for this interface: the scalar owed to the sender, or the holder's own continue.
      if (learn) {
        if (data.kind === 'receive' && data.from) {
          const value = head.value(view, legal);
          const scalar = finite(epochTarget(gamma, reward, tau, value, wf.transferTime), `target for "${data.from.agent}"`, episodeId);
          record({ type: 'scalar-return', episodeId, time, handoffId: data.from.handoffId, from: holder, to: data.from.agent, scalar });
          jobs.push({
            queue: queueName(this.keys, data.from.agent),
            jobId: `${data.from.handoffId}.u`,
            data: { kind: 'scalar', episodeId, handoffId: data.from.handoffId, from: holder, scalar },
          });
        } else if (data.kind === 'continue' && local.own) {
          const value = head.value(view, legal);
          const target = finite(epochTarget(gamma, reward, tau, value, 0), `target for "${holder}"`, episodeId);
          head.learn({ view: local.own.view, action: local.own.action, target, legal: local.own.legal });
        }
      }
      delete local.own;

      const decision = head.decide(view, legal, { rng, explore });
      decisions += 1;
      if (!legal.includes(decision.action)) {
        throw new EpisodeError(`head of "${holder}" chose illegal action ${decision.action}`, {
          episodeId,
          code: 'episode.illegal-action',
        });
      }
      if (learn) local.decisions.push({ time, rewardIndex: rewards.length, view, action: decision.action, legal });
      record({
        type: 'decision',
        episodeId,
        time,
        agent: holder,
        view,
        legal,
        qValues: decision.qValues,
        action: decision.action,
        explored: decision.explored,
        artifactHash: artifact.hash,
      });

      const next = (): EpisodeContext => ({
        episodeId,
        seed: ctx.seed,
        learn,
        explore,
        time,
        steps,
        handoffs,
        decisions,
        tokens,
        costUsd,
        discounted,
        rng: rng.state(),
        artifactHash: artifact.hash,
        ...inline,
        path,
        skipped,
        rewards,
      });
      let closing: Commit['closing'];
      let closedHere = false;
      if (decision.action === SUBMIT) {
        const grade = checkedGrade(await wf.grader(artifact), episodeId);
        const R = grade.reward;
        tokens += usageTokens(grade.usage);
        costUsd += grade.usage?.costUsd ?? 0;
        discounted += Math.pow(gamma, time) * R;
        if (learn) head.learn({ view, action: SUBMIT, target: R, legal });
        record({
          type: 'submit',
          episodeId,
          time,
          agent: holder,
          artifactHash: artifact.hash,
          reward: R,
          forced: exhausted,
          ...gradeFields(grade),
        });
        record({ type: 'episode-end', episodeId, time, return: discounted, terminalReward: R, steps, handoffs, costUsd, tokens });
        const wire: WireResult = {
          episodeId,
          return: discounted,
          terminalReward: R,
          artifactHash: artifact.hash,
          submitter: holder,
          forcedSubmit: exhausted,
          steps,
          handoffs,
          decisions,
          duration: time,
          costUsd,
          tokens,
          path,
          skipped,
        };
        if (learn) {
          // Every agent that decided closes the episode itself (endEpisode); the last one to do so reports the result.
          // The submitter closes at once: all scalars owed to it were applied before this epoch.
          const returnToGo = returnsToGo(rewards, time, R, gamma);
          head.endEpisode?.(
            local.decisions.map((d) => ({ view: d.view, action: d.action, legal: d.legal, returnToGo: returnToGo(d.rewardIndex, d.time) })),
          );
          closedHere = true;
          const others = [...new Set(path)].filter((id) => id !== holder);
          if (others.length > 0) closing = { op: 'set', count: others.length };
          else jobs.push(resultJob(this.keys, { episodeId, result: wire }));
          for (const id of others) {
            jobs.push({
              queue: queueName(this.keys, id),
              jobId: `${episodeId}.end.${id}`,
              data: { kind: 'end', episodeId, rewards, end: time, terminalReward: R, gamma, result: wire },
            });
          }
        } else {
          jobs.push(resultJob(this.keys, { episodeId, result: wire }));
        }
      } else if (decision.action === CONTINUE) {
        local.own = { view, action: CONTINUE, legal };
        jobs.push({ queue: queueName(this.keys, holder), jobId: `${episodeId}.s${steps}`, data: { kind: 'continue', ctx: next() } });
      } else {
        const to = handoffTarget(decision.action) as string;
        const handoffId = `${episodeId}.h${handoffs}`;
        const jumped = skippedBy(wf.order, holder, to);
        for (const id of jumped) skipped[id] = (skipped[id] ?? 0) + 1;
        if (learn) local.owed[handoffId] = { view, action: decision.action, legal };
        handoffs += 1;
        record({ type: 'handoff', episodeId, time, handoffId, from: holder, to, artifactHash: artifact.hash, skipped: jumped });
        time += wf.transferTime;
        path.push(to);
        jobs.push({
          queue: queueName(this.keys, to),
          jobId: handoffId,
          data: { kind: 'receive', ctx: next(), from: { agent: holder, handoffId } },
        });
      }

      const stateJson = JSON.stringify(local);
      const pending = this.commit({
        effectId,
        agentId: holder,
        episodeId,
        ...(learn ? { head: JSON.stringify(head.toJSON()) } : {}),
        episodeState: closedHere ? null : stateJson,
        outbox: JSON.stringify({ events: this.sinks.length > 0 ? events : [], jobs } satisfies Outbox),
        ...(this.eventStream ? { events: { stream: this.eventStream, json: events.map((e) => JSON.stringify(e)) } } : {}),
        ...(closing ? { closing } : {}),
        artifacts: newArtifacts.map((a) => ({ hash: a.hash, json: newJson ?? JSON.stringify(a) })),
      });
      return { pending, stateJson, closedHere };
    });
    const outcome = await sent.pending.outcome;
    if (outcome === 'refused') return this.replay(effectId, true);
    if (sent.closedHere) this.states.delete(this.k.episodeState(holder, episodeId));
    else this.states.set(this.k.episodeState(holder, episodeId), sent.stateJson);
    for (const a of newArtifacts) this.remember(a);
    await this.dispatch(effectId, { events: this.sinks.length > 0 ? events : [], jobs });
  }

  /** The receiver's scalar for one of this agent's handoffs: the target of Q(z, handoff:j). */
  private async scalar(job: Job, token: string | undefined, effectId: string, data: Extract<AgentJob, { kind: 'scalar' }>): Promise<void> {
    void token;
    // Nothing else touches this agent's state for the episode meanwhile: its next epoch waits for this scalar.
    const loaded = await this.load(firstDelivery(job) ? undefined : effectId, data.episodeId);
    if (loaded.done) return this.replay(effectId);
    const state = loaded.state;
    const target = state.owed[data.handoffId];
    // A first delivery skips the marker check; a job id re-added after its job was removed comes back as one.
    if (!target && firstDelivery(job) && (await this.load(effectId, data.episodeId)).done) return this.replay(effectId);
    if (!target)
      throw new EpisodeError(`no target waits for handoff ${data.handoffId}`, { episodeId: data.episodeId, code: 'episode.lost-target' });
    const { [data.handoffId]: _applied, ...stillOwed } = state.owed;
    state.owed = stillOwed;
    const stateJson = JSON.stringify(state);
    const pending = await this.withHead(async () => {
      if (this.headDirty) await this.reloadHead();
      this.head.learn({ view: target.view, action: target.action, target: data.scalar, legal: target.legal });
      return this.commit({
        effectId,
        agentId: this.agentId,
        episodeId: data.episodeId,
        head: JSON.stringify(this.head.toJSON()),
        episodeState: stateJson,
        outbox: '',
      });
    });
    if ((await pending.outcome) === 'refused') return;
    const key = this.k.episodeState(this.agentId, data.episodeId);
    this.states.set(key, stateJson);
    for (const wake of this.scalarWaiters.get(key) ?? []) wake();
    this.scalarWaiters.delete(key);
  }

  /** Resolves when a scalar for this agent's episode state `key` has been applied here, or after `ms`. */
  private scalarApplied(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const list = this.scalarWaiters.get(key) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.scalarWaiters.set(key, list);
    });
  }

  /** The episode is over: this agent's decisions with their returns-to-go go to endEpisode; the last agent reports. */
  private async end(job: Job, token: string | undefined, effectId: string, data: Extract<AgentJob, { kind: 'end' }>): Promise<void> {
    const { done, state } = await this.load(firstDelivery(job) ? undefined : effectId, data.episodeId);
    if (done) return this.replay(effectId);
    if (Object.keys(state.owed).length > 0) return this.defer(job, token);
    const report: Outbox = { events: [], jobs: [resultJob(this.keys, { episodeId: data.episodeId, result: data.result })] };
    const pending = await this.withHead(async () => {
      if (this.headDirty) await this.reloadHead();
      const returnToGo = returnsToGo(data.rewards, data.end, data.terminalReward, data.gamma);
      this.head.endEpisode?.(
        state.decisions.map((d) => ({ view: d.view, action: d.action, legal: d.legal, returnToGo: returnToGo(d.rewardIndex, d.time) })),
      );
      return this.commit({
        effectId,
        agentId: this.agentId,
        episodeId: data.episodeId,
        head: JSON.stringify(this.head.toJSON()),
        episodeState: null,
        outbox: '',
        closing: { op: 'decr', outboxIfLast: JSON.stringify(report) },
      });
    });
    const outcome = await pending.outcome;
    this.states.delete(this.k.episodeState(this.agentId, data.episodeId));
    // The last agent to close reports the result (its outbox holds the report until it is handed on).
    if (outcome === 'last') await this.dispatch(effectId, report);
    else if (outcome === 'refused') await this.replay(effectId, true);
  }

  /**
   * Sends `commit` at once (called under the mutex, so an agent's commits reach Redis in the order its head saw the
   * effects) and returns its reply to await outside the mutex. Every commit names the head version it was computed
   * from; one that writes the head names the next. A refused, stale or lost commit marks the head dirty: it is
   * reloaded from Redis before its next use, and commits sent after it in the meantime are refused as stale.
   */
  private commit(commit: Omit<Commit, 'headVersion'>): PendingCommit {
    const expected = this.headVersion;
    const next = commit.head === undefined ? '' : `${this.versionTag}.${++this.versionSeq}`;
    if (commit.head !== undefined) this.headVersion = next;
    const dropped = (): void => {
      this.headDirty = true;
      this.states.delete(this.k.episodeState(commit.agentId, commit.episodeId));
    };
    const outcome = commitEffect(this.redis, this.k, { ...commit, headVersion: { expected, next } }).then(
      (result) => {
        if (result === 'stale') {
          dropped();
          throw new EpisodeError(`effect ${commit.effectId} was computed from a head that was not committed; retrying`, {
            episodeId: commit.episodeId,
            code: 'episode.stale-head',
          });
        }
        if (result === 'refused') {
          // Another attempt committed first: drop what this one applied in memory.
          this.stats.refused += 1;
          dropped();
        } else this.stats.applied += 1;
        return result;
      },
      (error: unknown) => {
        // The reply was lost: the effect may or may not be in Redis. Reload the head from there before the next use.
        dropped();
        throw error;
      },
    );
    outcome.catch(() => undefined);
    return { outcome };
  }

  /** Hands on what a committed effect left in its outbox (after a crash between commit and dispatch). */
  private async replay(effectId: string, fresh = false): Promise<void> {
    let json: string | null;
    if (fresh) json = await this.redis.get(this.k.outbox(effectId));
    else {
      this.stats.refused += 1;
      const replies = await this.redis.multi().incr(this.k.refusedCount).get(this.k.outbox(effectId)).exec();
      json = (replies?.[1]?.[1] as string | null | undefined) ?? null;
    }
    if (json) await this.dispatch(effectId, JSON.parse(json) as Outbox);
  }

  /** Emits the events, adds the jobs (idempotent by job id), then drops the outbox. */
  private async dispatch(effectId: string, outbox: Outbox): Promise<void> {
    await this.emit(outbox.events, effectId);
    if (outbox.jobs.length > 0) {
      await Promise.all(
        outbox.jobs.map((j) =>
          this.queue(j.queue).add('kind' in j.data ? j.data.kind : 'result', j.data, { ...BATON_JOB_OPTIONS, jobId: j.jobId }),
        ),
      );
    }
    // Not awaited: it follows the adds on the same connection; if it is lost, a replay only re-adds known job ids.
    this.redis.del(this.k.outbox(effectId)).catch(() => undefined);
  }

  private async emit(events: readonly BatonEvent[], effectId?: string): Promise<void> {
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as BatonEvent;
      for (const sink of this.sinks) await sink(event, effectId === undefined ? undefined : { eventId: `${effectId}#${i}` });
    }
  }

  /** A job that ran out of attempts ends its episode with an error the driver reports. */
  private async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const data = job.data as AgentJob;
    const episodeId = 'ctx' in data ? data.ctx.episodeId : data.episodeId;
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'error';
    const report = resultJob(this.keys, { episodeId, error: { code, message: error.message } });
    try {
      await this.queue(report.queue).add('result', report.data, { ...BATON_JOB_OPTIONS, jobId: report.jobId });
    } catch {
      // Redis is gone too; the driver's own timeout reports the episode.
    }
  }
}

/** Whether this is the job's first delivery (not a retry, not a stalled job moved back). */
function firstDelivery(job: Job): boolean {
  return job.attemptsMade === 0 && (job.stalledCounter ?? 0) === 0 && (job.attemptsStarted ?? 1) <= 1;
}

function resultJob(keys: KeySpace, data: ResultJob): OutboxJob {
  return { queue: resultsQueueName(keys), jobId: `${data.episodeId}.result`, data };
}

function errorEvent(episodeId: string, time: number, agent: string, error: unknown): BatonEvent {
  const code = typeof error === 'object' && error && 'code' in error ? String((error as { code: unknown }).code) : 'error';
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'error', episodeId, time, agent, code, message };
}

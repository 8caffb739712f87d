import { SUBMIT } from './action.ts';
import { createArtifact, type Artifact } from './artifact.ts';
import { EpisodeError, UserError } from './errors.ts';
import type { BatonEvent, EventSink } from './events.ts';
import type { HandoffHead } from './head.ts';
import { tablesOf } from './kernel/tables.ts';
import type { AgentOption } from './option.ts';
import { checkedGrade } from './kernel/checks.ts';
import {
  checkAborted,
  decisionEpoch,
  episodeOutcomes,
  newBook,
  newLedger,
  settleSubmit,
  workContext,
  type DecisionRecord,
  type EpisodeRun,
  type Holder,
  type PendingTarget,
} from './kernel/epoch.ts';
import { Rng } from './rng.ts';
import type { Workflow } from './workflow.ts';

/**
 * What runs episodes of a workflow: the in-process runtime here, the BullMQ runtime in `@baton/adapters`. Training
 * loops and the CLI take any Runtime, so a workflow moves between one process and many without other changes.
 */
export interface Runtime<T> {
  readonly workflow: Workflow<T>;
  /** Runs one episode to its submit (or rejects with a typed BatonError: aborted, timed out, a worker's error). */
  runEpisode(options: EpisodeOptions<T>): Promise<EpisodeResult<T>>;
  /** Releases what the runtime holds (connections, listeners); episodes still running are rejected. */
  close(): Promise<void>;
}

export interface RuntimeConfig<T> {
  readonly workflow: Workflow<T>;
  /** One head per agent id; each head only ever sees its own agent's interface. */
  readonly heads: Readonly<Record<string, HandoffHead>>;
  /** Event consumers (audit log, progress, UI), called in order; a returned promise is awaited before the next sink and the next event. */
  readonly sinks?: readonly EventSink[];
}

export interface EpisodeOptions<T> {
  /** Seeds the episode's randomness: same seed, same workflow, same heads -> same episode. */
  readonly seed: number;
  /** The first artifact value. If omitted, the workflow must be able to build one via `input`. */
  readonly input: T;
  /** Apply learning targets (default true). Off for evaluation. */
  readonly learn?: boolean;
  /** Let heads explore (default equals `learn`). */
  readonly explore?: boolean;
  readonly episodeId?: string;
  readonly signal?: AbortSignal;
}

export interface EpisodeResult<T> {
  readonly episodeId: string;
  /** Sum over epochs of gamma^t r_t plus gamma^T R. */
  readonly return: number;
  /** The grader's R. */
  readonly terminalReward: number;
  readonly artifact: Artifact<T>;
  readonly submitter: string;
  /** Whether the budget forced the submit. */
  readonly forcedSubmit: boolean;
  readonly steps: number;
  readonly handoffs: number;
  readonly decisions: number;
  readonly duration: number;
  readonly costUsd: number;
  readonly tokens: number;
  /** Agent ids in the order they held the artifact. */
  readonly path: readonly string[];
  /** How many times each agent was jumped past by a handoff. */
  readonly skipped: Readonly<Record<string, number>>;
}

function isPromiseLike<V>(value: V | PromiseLike<V>): value is PromiseLike<V> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * An episode's recorded events and how many of them the sinks have had. The array is emptied only once it holds
 * RECYCLE_AT events: emptying it drops its storage, so emptying it after every epoch (five events) made a new one each.
 */
interface EventLog {
  readonly events: BatonEvent[];
  sent: number;
}

const RECYCLE_AT = 64;

function sentAll(log: EventLog): void {
  if (log.events.length >= RECYCLE_AT) {
    log.events.length = 0;
    log.sent = 0;
  } else log.sent = log.events.length;
}

/** A holder of the in-process runtime, which also keeps the agent's decisions of the episode for its endEpisode. */
interface EpisodeHolder<T> extends Holder<T> {
  records: DecisionRecord[];
}

/**
 * The embedded runtime: runs episodes in this process by driving the kernel's epoch step (`decisionEpoch`, shared
 * with the BullMQ worker): the holder works, reaches a decision epoch, completes whichever target was waiting for its
 * interface (its own `continue`, or the scalar it owes its sender) and its head decides. Only the scalar crosses from
 * receiver to sender.
 */
export class InProcessRuntime<T> implements Runtime<T> {
  readonly workflow: Workflow<T>;
  private readonly heads: Readonly<Record<string, HandoffHead>>;
  private readonly sinks: readonly EventSink[];
  private episodeCounter = 0;

  constructor(config: RuntimeConfig<T>) {
    this.workflow = config.workflow;
    for (const agent of config.workflow.agents) {
      if (!config.heads[agent.id]) throw new UserError(`no head for agent "${agent.id}"`, { field: `heads.${agent.id}` });
    }
    this.heads = config.heads;
    this.sinks = config.sinks ?? [];
  }

  /** Runs one episode to its submit. */
  async runEpisode(options: EpisodeOptions<T>): Promise<EpisodeResult<T>> {
    const wf = this.workflow;
    const learn = options.learn ?? true;
    const explore = options.explore ?? learn;
    const episodeId = options.episodeId ?? `${wf.name}-${options.seed.toString(16)}-${++this.episodeCounter}`;
    const signal = options.signal;
    const book = newBook();
    // Events of one epoch are recorded synchronously by the kernel, then handed to the sinks in order.
    const log: EventLog = { events: [], sent: 0 };
    const events = log.events;
    const emitting = this.sinks.length > 0;
    const heads = this.heads;
    const rng = new Rng(options.seed);
    const run: EpisodeRun<T> = {
      workflow: wf,
      episodeId,
      rng,
      rand: () => rng.next(),
      learn,
      explore,
      decide: { rng, explore },
      book,
      events: emitting ? events : undefined,
      sendScalar: (to, scalar) => heads[to.agent]?.learn({ view: to.view, action: to.action, target: scalar, legal: to.legal }),
      signal,
    };
    let artifact = createArtifact(wf.artifact, options.input);
    let holderId = wf.entry;
    // One holder (option, head, own counters, own decisions, row of the workflow's tables) per agent that takes part,
    // made when it first gets the artifact; kept by the agent's slot in the tables, and in the order they took part.
    const rows = tablesOf(wf).agents;
    const holders: (EpisodeHolder<T> | undefined)[] = [];
    const participants: EpisodeHolder<T>[] = [];
    const holderOf = (id: string): EpisodeHolder<T> => {
      const table = rows.get(id);
      const found = table && holders[table.slot];
      if (found) return found;
      const head = heads[id];
      if (!table || !head) throw new EpisodeError(`artifact reached unknown agent "${id}"`, { episodeId });
      const holder = { agent: table.agent as AgentOption<T>, head, ledger: newLedger(), records: [], table };
      participants.push((holders[table.slot] = holder));
      return holder;
    };
    let holder = holderOf(holderId);
    holder.ledger.receipts = 1;
    const path = [holderId];
    const skipped: Record<string, number> = {};
    let pending: PendingTarget | undefined;

    if (emitting) {
      events.push({
        type: 'episode-start',
        episodeId,
        time: 0,
        workflow: wf.name,
        entry: holderId,
        seed: options.seed,
        artifactHash: artifact.hash,
        learn,
        explore,
      });
    }
    let sent = emitting ? this.flush(log) : undefined;
    if (sent) await sent;
    for (;;) {
      const agent = holder.agent;
      if (signal?.aborted) checkAborted(signal, episodeId);
      if (emitting) {
        events.push({ type: 'work-start', episodeId, time: book.time, agent: holderId, artifactHash: artifact.hash });
        if ((sent = this.flush(log))) await sent;
      }
      let result;
      try {
        // Work that returns its result (not a promise) costs no trip through the microtask queue.
        const working = agent.work(artifact, workContext(run, holder));
        result = isPromiseLike(working) ? await working : working;
      } catch (error) {
        if (emitting) await this.emitError(episodeId, book.time, holderId, error);
        throw error;
      }
      const epoch = decisionEpoch(run, holder, artifact, result, pending);
      artifact = epoch.artifact;
      // An agent mostly decides once or twice an episode: a one-slot array, not an empty one grown to 17 slots.
      if (learn) {
        if (holder.records.length === 0) holder.records = [epoch.record];
        else holder.records.push(epoch.record);
      }
      if (emitting && (sent = this.flush(log))) await sent;

      if (epoch.decision.action === SUBMIT) {
        const grading = wf.grader(artifact);
        const grade = checkedGrade(isPromiseLike(grading) ? await grading : grading, episodeId);
        const R = settleSubmit(run, holder, epoch, grade);
        if (emitting && (sent = this.flush(log))) await sent;
        if (learn)
          for (const { head, records } of participants)
            if (records.length > 0) head.endEpisode?.(episodeOutcomes(records, book.discounted, wf.discount));
        return {
          episodeId,
          return: book.discounted,
          terminalReward: R,
          artifact,
          submitter: holderId,
          forcedSubmit: epoch.exhausted,
          steps: book.steps,
          handoffs: book.handoffs,
          decisions: book.decisions,
          duration: book.time,
          costUsd: book.costUsd,
          tokens: book.tokens,
          path,
          skipped,
        };
      }
      pending = epoch.pending;
      if (epoch.to === undefined) continue;
      const jumped = epoch.skipped;
      for (let i = 0; i < jumped.length; i++) skipped[jumped[i] as string] = (skipped[jumped[i] as string] ?? 0) + 1;
      holderId = epoch.to;
      path.push(holderId);
      holder = holderOf(holderId);
      holder.ledger.consecutiveWork = 0;
      holder.ledger.receipts += 1;
    }
  }

  /** Nothing to release: sinks belong to the caller. Present so that code written against `Runtime` can close any runtime. */
  async close(): Promise<void> {}

  /**
   * Hands the events recorded since the last flush to every sink in order. Synchronous sinks cost plain calls: a
   * promise is only awaited when a sink returns one, and the remaining calls run after it settles, so order is kept.
   */
  private flush(log: EventLog): Promise<void> | undefined {
    const { events } = log;
    const sinks = this.sinks;
    for (let e = log.sent; e < events.length; e++) {
      for (let s = 0; s < sinks.length; s++) {
        const result = (sinks[s] as EventSink)(events[e] as BatonEvent);
        if (result !== undefined && typeof result.then === 'function') return this.flushRest(log, e, s + 1, result);
      }
    }
    sentAll(log);
    return undefined;
  }

  private async flushRest(log: EventLog, e0: number, s0: number, first: Promise<void>): Promise<void> {
    await first;
    const { events } = log;
    for (let e = e0, s = s0; e < events.length; e++, s = 0)
      for (; s < this.sinks.length; s++) await (this.sinks[s] as EventSink)(events[e] as BatonEvent);
    sentAll(log);
  }

  private async emitError(episodeId: string, time: number, agent: string, error: unknown): Promise<void> {
    const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : 'error';
    const message = error instanceof Error ? error.message : String(error);
    await this.flush({ events: [{ type: 'error', episodeId, time, agent, code, message }], sent: 0 });
  }
}

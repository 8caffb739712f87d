import type { BatonEvent, EpisodeResult, HandoffHead, Workflow } from '@baton/core';
import type { AgentLedger, DecisionRecord, EpisodeBook, PendingTarget } from '@baton/core/internal';

/**
 * What a workflow module gives a worker: the workflow itself and how to build or restore each agent's head.
 * `baton worker --workflow <file|builtin>` loads one of these (a module's default export or `definition`).
 */
export interface WorkflowDefinition<T = unknown> {
  readonly workflow: Workflow<T>;
  /** A fresh head for `agentId` (first start, nothing saved yet). */
  createHead(agentId: string): HandoffHead;
  /** The head `agentId` saved after its last applied update (a restarted worker resumes from it). */
  loadHead(agentId: string, snapshot: unknown): HandoffHead;
  /** The first artifact value of episode `index` (what `baton run` feeds the workflow). */
  readonly input?: (index: number) => T;
}

/** Key layout shared by workers and the episode driver. Every name lives under `<prefix>:<workflowKey>`. */
export interface KeySpace {
  /** BullMQ prefix (BullMQ keys are `<prefix>:<queue>:...`). */
  readonly prefix: string;
  /** Names this deployment of the workflow; two runs with different keys never see each other's jobs. */
  readonly workflowKey: string;
}

export function queueName(keys: KeySpace, agentId: string): string {
  return `${keys.workflowKey}.agent.${agentId}`;
}

export function resultsQueueName(keys: KeySpace): string {
  return `${keys.workflowKey}.results`;
}

/** Redis keys of Baton's own state (artifacts, heads, inboxes, effect markers), beside BullMQ's. */
export function redisKeys(keys: KeySpace) {
  const base = `${keys.prefix}:${keys.workflowKey}`;
  const agent = (id: string) => `${base}:agent:${id}`;
  return {
    base,
    artifact: (hash: string) => `${base}:artifact:${hash}`,
    /** The head's last snapshot, and the operations applied since (deltas: see commit.ts). */
    head: (agentId: string) => `${agent(agentId)}:head`,
    ops: (agentId: string) => `${agent(agentId)}:ops`,
    /** Which commit wrote the head (pipelined commits check it: see commit.ts). */
    headVersion: (agentId: string) => `${agent(agentId)}:head:v`,
    /** The agent's private per-episode state (its counters, targets awaiting a scalar, decision records): a hash by episode id. */
    episodes: (agentId: string) => `${agent(agentId)}:episodes`,
    /** Scalars and episode ends addressed to the agent (a list of `seq|json`), the count ever appended, and the count applied. */
    inbox: (agentId: string) => `${agent(agentId)}:inbox`,
    inboxCount: (agentId: string) => `${agent(agentId)}:inbox:n`,
    inboxApplied: (agentId: string) => `${agent(agentId)}:inbox:applied`,
    /** Pub/sub channel that rings when the inbox gets an entry. */
    bell: (agentId: string) => `${agent(agentId)}:bell`,
    /** Outboxes of the agent's inbox commits still to hand on (replayed when the worker starts). */
    pendingOutboxes: (agentId: string) => `${agent(agentId)}:outboxes`,
    /**
     * Set once, atomically with the effect it guards: a retried job finds it and applies nothing. Its value is the
     * effect's outbox (the jobs and events to hand on), replayed by a retry if the worker died before handing them on.
     */
    effect: (effectId: string) => `${base}:fx:${effectId}`,
    /** The outbox of an inbox drain (no effect marker), until handed on. */
    outbox: (outboxId: string) => `${base}:outbox:${outboxId}`,
    /** Per episode, kept in Redis and read by the driver only: who held the artifact, who was skipped, the result. */
    path: (episodeId: string) => `${base}:ep:${episodeId}:path`,
    skipped: (episodeId: string) => `${base}:ep:${episodeId}:skipped`,
    result: (episodeId: string) => `${base}:ep:${episodeId}:result`,
    /** Agents that still have to close the episode (endEpisode) before the driver hears the result. */
    closing: (episodeId: string) => `${base}:ep:${episodeId}:closing`,
    /** Set by the driver when an episode is aborted; workers also hear it on `abortChannel`. */
    aborted: (episodeId: string) => `${base}:ep:${episodeId}:aborted`,
    abortChannel: `${base}:abort`,
    /** Pub/sub channel on which the last participant to close an episode (apply its end) names it, for the driver. */
    closedChannel: `${base}:closed`,
    appliedCount: `${base}:stats:applied`,
    refusedCount: `${base}:stats:refused`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/**
 * What rides with the artifact from holder to holder: the episode's public bookkeeping (budget counters, time, the
 * discounted return so far, the seeded RNG's state) and the reference (hash) of the current version. No agent's
 * rewards, views, private state or path: those stay with the agent (or, for the path, in Redis for the driver).
 */
export interface EpisodeContext {
  readonly episodeId: string;
  readonly seed: number;
  readonly learn: boolean;
  readonly explore: boolean;
  readonly book: EpisodeBook;
  readonly rng: readonly [number, number, number, number];
  readonly artifactHash: string;
  /**
   * The version itself when its JSON is at most INLINE_ARTIFACT_BYTES: the receiver checks it against `artifactHash`
   * and need not fetch it. Redis holds every version in any case (the commit that made it stores it).
   */
  readonly artifact?: StoredArtifact;
}

/** One agent's private state for one episode; lives only in its worker and under its own key. */
export interface AgentEpisodeState {
  ledger: AgentLedger;
  /** Targets of this agent's handoffs (each names its handoff id), until the receiver's scalar arrives. */
  owed: PendingTarget[];
  /** This agent's continue target, completed at its next decision epoch. */
  own?: PendingTarget;
  decisions: DecisionRecord[];
}

/** Jobs on an agent's queue: the artifact arrives (at the entry, or across handoff `from.handoffId`), or the holder continues. */
export type AgentJob =
  | { readonly kind: 'receive'; readonly ctx: EpisodeContext; readonly from?: { readonly agent: string; readonly handoffId: string } }
  | { readonly kind: 'continue'; readonly ctx: EpisodeContext };

/** What an agent's inbox holds: the scalar a receiver sends back, or the episode's end with its final return. */
export type InboxEntry =
  | { readonly kind: 'scalar'; readonly episodeId: string; readonly handoffId: string; readonly scalar: number }
  | { readonly kind: 'end'; readonly episodeId: string; readonly finalReturn: number };

/** A finished episode's summary as the submitter stores it (path and skips are read from Redis by the driver). */
export type WireResult = Omit<EpisodeResult<unknown>, 'artifact' | 'path' | 'skipped'> & { readonly artifactHash: string };

/** The results queue's job: the episode finished (the driver reads its result from Redis) or an error stopped it. */
export type ResultJob = { readonly episodeId: string; readonly error?: { readonly code: string; readonly message: string } };

/** A job to add once the effect that produced it is committed. `queue` is a queue name. */
export interface OutboxJob {
  readonly queue: string;
  readonly jobId: string;
  readonly data: AgentJob | ResultJob;
}

/** The artifact as stored in Redis (by hash). */
export type StoredArtifact = { readonly hash: string } & Record<string, unknown>;

/** Artifact versions up to this size (JSON characters) also ride inside the job that hands them on. */
export const INLINE_ARTIFACT_BYTES = 8192;

/** `{ artifact }` for a job's context when the version is small enough to ride inline, else nothing. */
export function inlineArtifact(artifact: StoredArtifact, json?: string): { artifact?: StoredArtifact } {
  return (json ?? JSON.stringify(artifact)).length <= INLINE_ARTIFACT_BYTES ? { artifact } : {};
}

/**
 * An event sink as workers call it: core's EventSink plus a delivery record whose `eventId` (effect id + index) is
 * the same on every re-emission, so a sink can drop duplicates. Any core EventSink fits (it ignores the record).
 */
export type DeliveredEventSink = (event: BatonEvent, delivery?: { readonly eventId: string }) => void | Promise<void>;

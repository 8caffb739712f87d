import type { Action, Artifact, BatonEvent, EpisodeResult, HandoffHead, InterfaceView, Workflow } from '@baton/core';
import type { TimedReward } from '@baton/core/internal';

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
  input?(index: number): T;
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

/** Redis keys of Baton's own state (artifacts, heads, effect markers), beside BullMQ's. */
export function redisKeys(keys: KeySpace) {
  const base = `${keys.prefix}:${keys.workflowKey}`;
  return {
    base,
    artifact: (hash: string) => `${base}:artifact:${hash}`,
    head: (agentId: string) => `${base}:agent:${agentId}:head`,
    /** Which commit wrote the head (pipelined commits check it: see commit.ts). */
    headVersion: (agentId: string) => `${base}:agent:${agentId}:head:v`,
    /** The agent's private per-episode state (local counters, targets awaiting a scalar, decision records). */
    episodeState: (agentId: string, episodeId: string) => `${base}:agent:${agentId}:ep:${episodeId}`,
    /** Set once, atomically with the effect it guards: a retried job finds it and applies nothing. */
    effect: (effectId: string) => `${base}:fx:${effectId}`,
    /** Jobs and events an applied effect still has to hand on (replayed if the worker died before doing so). */
    outbox: (effectId: string) => `${base}:outbox:${effectId}`,
    /** Agents that still have to close the episode (endEpisode) before the driver hears the result. */
    closing: (episodeId: string) => `${base}:closing:${episodeId}`,
    result: (episodeId: string) => `${base}:result:${episodeId}`,
    appliedCount: `${base}:stats:applied`,
    refusedCount: `${base}:stats:refused`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/**
 * The episode's public bookkeeping, carried from holder to holder inside the job: budget counters, time, the
 * discounted return so far, the seeded RNG's state and the reference (hash) of the current artifact version.
 * Nothing private to an agent rides here.
 */
export interface EpisodeContext {
  readonly episodeId: string;
  readonly seed: number;
  readonly learn: boolean;
  readonly explore: boolean;
  readonly time: number;
  readonly steps: number;
  readonly handoffs: number;
  readonly decisions: number;
  readonly tokens: number;
  readonly costUsd: number;
  readonly discounted: number;
  readonly rng: [number, number, number, number];
  readonly artifactHash: string;
  /**
   * The version itself when its JSON is at most INLINE_ARTIFACT_BYTES: the receiver checks it against `artifactHash`
   * and need not fetch it. Redis holds every version in any case (the commit that made it stores it).
   */
  readonly artifact?: StoredArtifact;
  readonly path: readonly string[];
  readonly skipped: Readonly<Record<string, number>>;
  /** Rewards with the time their work began; every agent derives its own returns-to-go from them at the end. */
  readonly rewards: readonly TimedReward[];
}

/** A target waiting for the next interface: the holder's own continue, or the scalar a receiver owes. */
export interface PendingTarget {
  readonly view: InterfaceView;
  readonly action: Action;
  readonly legal: readonly Action[];
}

export interface DecisionRecord extends PendingTarget {
  readonly time: number;
  readonly rewardIndex: number;
}

/** One agent's private state for one episode; lives only under that agent's key. */
export interface AgentEpisodeState {
  consecutiveWork: number;
  workUnits: number;
  receipts: number;
  /** Targets of this agent's handoffs, by handoff id, until the receiver's scalar arrives. */
  owed: Record<string, PendingTarget>;
  /** This agent's continue target, completed at its next decision epoch. */
  own?: PendingTarget;
  decisions: DecisionRecord[];
}

/** Jobs on an agent's queue. */
export type AgentJob =
  /** The artifact arrives: at the entry (no `from`), or across handoff `from.handoffId`. */
  | { readonly kind: 'receive'; readonly ctx: EpisodeContext; readonly from?: { readonly agent: string; readonly handoffId: string } }
  /** The holder chose continue and works again. */
  | { readonly kind: 'continue'; readonly ctx: EpisodeContext }
  /** The one scalar u a receiver sends back to its sender. */
  | { readonly kind: 'scalar'; readonly episodeId: string; readonly handoffId: string; readonly from: string; readonly scalar: number }
  /** The episode ended: the agent closes it (endEpisode with its returns-to-go). */
  | {
      readonly kind: 'end';
      readonly episodeId: string;
      readonly rewards: readonly TimedReward[];
      readonly end: number;
      readonly terminalReward: number;
      readonly gamma: number;
      /** Forwarded to the driver by whichever agent closes the episode last. */
      readonly result: WireResult;
    };

/** A finished episode as the driver receives it (the artifact by reference). */
export type WireResult = Omit<EpisodeResult<unknown>, 'artifact'> & { readonly artifactHash: string };

/** The results queue's job: the episode's outcome or the error that stopped it. */
export type ResultJob = {
  readonly episodeId: string;
  readonly result?: WireResult;
  readonly error?: { readonly code: string; readonly message: string };
};

/** A job to add once the effect that produced it is committed. `queue` is a queue name. */
export interface OutboxJob {
  readonly queue: string;
  readonly jobId: string;
  readonly data: AgentJob | ResultJob;
}

/** The artifact as stored in Redis (by hash). */
export type StoredArtifact = Artifact<unknown>;

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

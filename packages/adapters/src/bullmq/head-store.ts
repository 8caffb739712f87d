import type { Action, Decision, DecisionOutcome, DecideContext, HandoffHead, InterfaceView, Transition } from '@baton/core';
import type { Redis } from 'ioredis';
import { BatonError } from '@baton/core';
import type { RedisKeys, WorkflowDefinition } from './protocol.ts';

/**
 * A head's updates as they are stored between snapshots (deltas): every `learn` and `endEpisode`, in the order the
 * head applied them. A head is a deterministic function of its snapshot and these operations, so Redis keeps the last
 * snapshot plus the operations since, and a commit carries only its own few operations, not the whole head.
 */
export type HeadOp = { readonly learn: Transition } | { readonly end: readonly DecisionOutcome[] };

/** A head operation as `AgentWorkerConfig.trace` sees it: updates, and every decision with what it was decided from. */
export type TracedOp =
  | HeadOp
  | {
      readonly decide: {
        readonly view: InterfaceView;
        readonly legal: readonly Action[];
        readonly explore: boolean;
        /** The episode RNG's state before the decision. */
        readonly rng: readonly [number, number, number, number];
        readonly decision: Decision;
      };
    };

/** Whole-head snapshots are written every this many operations (and the stored operations dropped). */
export const SNAPSHOT_EVERY = 256;

/**
 * Wraps the agent's head so that every update is also recorded (as JSON, for the next commit). `decide` and `value`
 * pass straight through.
 */
export class RecordingHead implements HandoffHead {
  readonly kind: string;
  /** Operations applied since the last commit took them. */
  private pending: string[] = [];
  /** Operations since the last snapshot (stored in Redis or pending). */
  sinceSnapshot = 0;

  constructor(
    readonly inner: HandoffHead,
    private readonly trace?: (op: TracedOp) => void,
  ) {
    this.kind = inner.kind;
  }

  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    if (!this.trace) return this.inner.decide(view, legal, ctx);
    const rng = ctx.rng.state();
    const decision = this.inner.decide(view, legal, ctx);
    this.trace({ decide: { view, legal, explore: ctx.explore, rng, decision } });
    return decision;
  }

  value(view: InterfaceView, legal: readonly Action[]): number {
    return this.inner.value(view, legal);
  }

  learn(transition: Transition): void {
    this.inner.learn(transition);
    this.record({ learn: transition });
  }

  endEpisode(outcomes: readonly DecisionOutcome[]): void {
    this.inner.endEpisode?.(outcomes);
    this.record({ end: outcomes });
  }

  toJSON(): unknown {
    return this.inner.toJSON();
  }

  /** Whether operations are waiting for a commit. */
  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The operations to commit now, or a snapshot when enough have piled up since the last one. */
  take(): { ops: string[]; snapshot?: string } {
    const ops = this.pending;
    this.pending = [];
    if (this.sinceSnapshot < SNAPSHOT_EVERY) return { ops };
    this.sinceSnapshot = 0;
    return { ops: [], snapshot: JSON.stringify(this.inner.toJSON()) };
  }

  private record(op: HeadOp): void {
    this.trace?.(op);
    this.pending.push(JSON.stringify(op));
    this.sinceSnapshot += 1;
  }
}

/** Rebuilds a head from its snapshot (or a fresh head) and the operations stored since. */
export function restoreHead(
  fresh: () => HandoffHead,
  load: (snapshot: unknown) => HandoffHead,
  snapshot: string | null,
  ops: readonly string[],
  trace?: (op: TracedOp) => void,
): RecordingHead {
  let head: HandoffHead;
  try {
    head = snapshot === null ? fresh() : load(JSON.parse(snapshot));
  } catch (cause) {
    throw new BatonError(
      'head.corrupt',
      `the stored head snapshot cannot be loaded: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  for (const json of ops) {
    const op = JSON.parse(json) as HeadOp;
    if ('learn' in op) head.learn(op.learn);
    else head.endEpisode?.(op.end);
  }
  const recording = new RecordingHead(head, trace);
  recording.sinceSnapshot = ops.length;
  return recording;
}

/** The head an agent's worker would resume from: its stored snapshot plus the operations since (inspection, tests, benches). */
export async function loadStoredHead<T>(
  redis: Redis,
  keys: RedisKeys,
  definition: WorkflowDefinition<T>,
  agentId: string,
): Promise<HandoffHead> {
  const [snapshot, ops] = await Promise.all([redis.get(keys.head(agentId)), redis.lrange(keys.ops(agentId), 0, -1)]);
  return restoreHead(
    () => definition.createHead(agentId),
    (s) => definition.loadHead(agentId, s),
    snapshot,
    ops,
  ).inner;
}

import type { Action } from './action.ts';
import type { InterfaceView } from './interface.ts';
import type { Usage } from './option.ts';

interface EventBase {
  readonly episodeId: string;
  /** Workflow time (sum of work durations) when the event happened. */
  readonly time: number;
}

/**
 * Everything the runtime emits, as a discriminated union on `type` (noun-action). Sinks (audit log, progress,
 * the playground) switch on it exhaustively.
 */
export type BatonEvent =
  | (EventBase & {
      readonly type: 'episode-start';
      readonly workflow: string;
      readonly entry: string;
      readonly seed: number;
      readonly artifactHash: string;
      /** Whether learning targets (and so scalar-returns) are produced; absent in logs written before it existed. */
      readonly learn?: boolean;
      readonly explore?: boolean;
    })
  | (EventBase & { readonly type: 'work-start'; readonly agent: string; readonly artifactHash: string })
  | (EventBase & {
      readonly type: 'work-end';
      readonly agent: string;
      readonly artifactHashBefore: string;
      readonly artifactHashAfter: string;
      readonly reward: number;
      readonly duration: number;
      readonly usage: Usage;
      readonly notes?: Readonly<Record<string, unknown>>;
    })
  | (EventBase & {
      readonly type: 'decision';
      readonly agent: string;
      readonly view: InterfaceView;
      readonly legal: readonly Action[];
      readonly qValues: Readonly<Partial<Record<Action, number>>>;
      readonly action: Action;
      readonly explored: boolean;
      readonly artifactHash: string;
    })
  | (EventBase & {
      readonly type: 'handoff';
      readonly handoffId: string;
      readonly from: string;
      readonly to: string;
      readonly artifactHash: string;
      readonly skipped: readonly string[];
    })
  | (EventBase & {
      readonly type: 'scalar-return';
      readonly handoffId: string;
      readonly from: string;
      readonly to: string;
      readonly scalar: number;
    })
  | (EventBase & {
      readonly type: 'submit';
      readonly agent: string;
      readonly artifactHash: string;
      readonly reward: number;
      readonly forced: boolean;
      /** What grading cost, when the grader reported it (a judge panel); counted in the episode's cost. */
      readonly usage?: Usage;
      /** Why the grader gave this reward (e.g. a panel's verdict), when it said. */
      readonly notes?: Readonly<Record<string, unknown>>;
    })
  | (EventBase & {
      readonly type: 'episode-end';
      readonly return: number;
      readonly terminalReward: number;
      readonly steps: number;
      readonly handoffs: number;
      readonly costUsd: number;
      readonly tokens?: number;
    })
  | (EventBase & { readonly type: 'error'; readonly agent?: string; readonly code: string; readonly message: string });

export type BatonEventType = BatonEvent['type'];

/** Anything that consumes events. May be async; the runtime awaits it so a sink can guarantee durability. */
export type EventSink = (event: BatonEvent) => void | Promise<void>;

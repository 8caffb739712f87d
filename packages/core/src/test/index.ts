/**
 * Test doubles for users' own workflows (`@baton/core/test`): deterministic heads and options, so a workflow can be
 * tested without a model or a learner.
 */
import type { Action } from '../action.ts';
import { UserError } from '../errors.ts';
import type { Decision, DecideContext, HandoffHead, Transition } from '../head.ts';
import type { InterfaceView } from '../interface.ts';
import type { AgentOption, WorkContext, WorkResult } from '../option.ts';
import type { Artifact } from '../artifact.ts';

/** A head that plays a fixed script of actions (falling back to the first legal one) and records what it learned. */
export class ScriptedHead implements HandoffHead {
  readonly kind = 'scripted';
  readonly learned: Transition[] = [];
  private cursor = 0;

  constructor(
    private readonly script: readonly Action[] = [],
    /** The scalar this head sends back when it receives a handoff. */
    private readonly scalar = 0,
  ) {}

  decide(_view: InterfaceView, legal: readonly Action[], _ctx: DecideContext): Decision {
    if (legal.length === 0) throw new UserError('no legal action to decide between', { field: 'legal' });
    const wanted = this.script[this.cursor++];
    const action = wanted !== undefined && legal.includes(wanted) ? wanted : (legal[0] as Action);
    return { action, qValues: {}, explored: false };
  }

  value(): number {
    return this.scalar;
  }

  learn(transition: Transition): void {
    this.learned.push(transition);
  }

  toJSON(): unknown {
    return { kind: this.kind, script: this.script, scalar: this.scalar };
  }
}

/** An option whose work is a pure function: handy for tiny workflows in tests. */
export function scriptedOption<T>(config: {
  id: string;
  work: (artifact: Artifact<T>, ctx: WorkContext) => WorkResult<T>;
  project?: (artifact: Artifact<T>) => Record<string, number>;
  canSubmit?: boolean;
  canContinue?: boolean;
}): AgentOption<T> {
  const project = config.project ?? (() => ({}));
  return {
    id: config.id,
    interface: { projectionKeys: [], project: (artifact) => project(artifact) },
    work: (artifact, ctx) => config.work(artifact, ctx),
    ...(config.canSubmit === undefined ? {} : { canSubmit: config.canSubmit }),
    ...(config.canContinue === undefined ? {} : { canContinue: config.canContinue }),
  };
}
export { ScriptedModel, type ScriptedReply } from './scripted-model.ts';
export { relayInput, relayRuntime, relayWorkflow, SeededRandomHead, type RelayDraft } from './relay-workflow.ts';

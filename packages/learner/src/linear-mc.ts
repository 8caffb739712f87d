import {
  UserError,
  type Action,
  type Decision,
  type DecideContext,
  type DecisionOutcome,
  type HandoffHead,
  type InterfaceView,
  type Transition,
} from '@baton/core';
import { LinearIcqHead, type LinearIcqHeadConfig } from './linear.ts';

/**
 * The no-scalar baseline with IC-Q's own representation: the same linear Q per action over the same interface, fitted
 * the same way, but to each decision's Monte Carlo return-to-go at the episode's end instead of the receiver's scalar.
 * It sends no scalar (value 0) and ignores the ones it is sent, so the comparison with LinearIcqHead isolates what
 * the one returned scalar buys.
 */
export class LinearMonteCarloHead implements HandoffHead {
  readonly kind = 'independent-mc-linear';
  private readonly q: LinearIcqHead;

  constructor(config: LinearIcqHeadConfig, q?: LinearIcqHead) {
    this.q = q ?? new LinearIcqHead({ targetSyncEvery: 1, ...config });
  }

  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    return this.q.decide(view, legal, ctx);
  }

  value(_view?: InterfaceView, _legal?: readonly Action[]): number {
    return 0; // sends no scalar
  }

  learn(_transition?: Transition): void {
    // Bootstrap targets are ignored on purpose: only returns-to-go are learned (endEpisode).
  }

  endEpisode(outcomes: readonly DecisionOutcome[]): void {
    for (const o of outcomes) {
      if (!Number.isFinite(o.returnToGo)) throw new UserError('non-finite return', { field: 'outcome.returnToGo' });
      this.q.learn({ view: o.view, action: o.action, target: o.returnToGo, legal: o.legal });
    }
    this.q.endEpisode();
  }

  toJSON(): unknown {
    return { kind: this.kind, q: this.q.toJSON() };
  }

  static fromJSON(json: unknown): LinearMonteCarloHead {
    const q = (json as { q?: unknown } | null)?.q;
    if (q === undefined) throw new UserError('expected { kind, q }', { field: 'head' });
    const inner = LinearIcqHead.fromJSON(q);
    return new LinearMonteCarloHead({ actions: ['submit'], projectionKeys: [] }, inner);
  }
}

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

/**
 * One sub-head per value of one projection feature (the gate), e.g. per position in a cascade: the first drafter's
 * question (submit alone?) and the third's (two drafts disagree: whom to ask?) are different problems, and a linear Q
 * shared between them underfits both. Each sub-head is made on first use by `make(gateValue)`; decisions, values,
 * targets and episode outcomes go to the sub-head of the view they concern.
 * @example
 * const head = new GatedHead('position', () => new LinearIcqHead({ actions, projectionKeys }));
 */
export class GatedHead implements HandoffHead {
  readonly kind: string;
  private readonly heads = new Map<number, HandoffHead>();

  constructor(
    /** The projection feature whose value picks the sub-head. */
    readonly gate: string,
    private readonly make: (gateValue: number) => HandoffHead,
    kind = 'gated',
  ) {
    this.kind = kind;
  }

  /** The sub-head for a view (made on first use). */
  headFor(view: InterfaceView): HandoffHead {
    const value = view.projection[this.gate];
    if (value === undefined) throw new UserError(`the view has no gate feature "${this.gate}"`, { field: 'projection' });
    let head = this.heads.get(value);
    if (head === undefined) {
      head = this.make(value);
      this.heads.set(value, head);
    }
    return head;
  }

  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    return this.headFor(view).decide(view, legal, ctx);
  }

  value(view: InterfaceView, legal: readonly Action[]): number {
    return this.headFor(view).value(view, legal);
  }

  learn(transition: Transition): void {
    this.headFor(transition.view).learn(transition);
  }

  endEpisode(outcomes: readonly DecisionOutcome[]): void {
    const byHead = new Map<HandoffHead, DecisionOutcome[]>();
    for (const o of outcomes) {
      const head = this.headFor(o.view);
      const list = byHead.get(head) ?? [];
      list.push(o);
      byHead.set(head, list);
    }
    // Every sub-head sees the episode end (schedules such as epsilon decay run per episode), with its own outcomes.
    for (const head of this.heads.values()) head.endEpisode?.(byHead.get(head) ?? []);
  }

  toJSON(): { kind: string; gate: string; heads: Record<string, unknown> } {
    const heads: Record<string, unknown> = {};
    for (const [value, head] of [...this.heads].sort((a, b) => a[0] - b[0])) heads[String(value)] = head.toJSON();
    return { kind: this.kind, gate: this.gate, heads };
  }

  /** Rebuilds a gated head from `toJSON()`, each sub-head by `load`; gate values not in the snapshot are made by `make`. */
  static fromJSON(json: unknown, load: (sub: unknown) => HandoffHead, make: (gateValue: number) => HandoffHead): GatedHead {
    if (typeof json !== 'object' || json === null) throw new UserError('expected a gated head object', { field: 'head' });
    const { kind, gate, heads } = json as { kind?: unknown; gate?: unknown; heads?: unknown };
    if (typeof gate !== 'string') throw new UserError('expected a string', { field: 'head.gate' });
    if (typeof heads !== 'object' || heads === null) throw new UserError('expected an object', { field: 'head.heads' });
    const out = new GatedHead(gate, make, typeof kind === 'string' ? kind : 'gated');
    for (const [key, sub] of Object.entries(heads)) {
      const value = Number(key);
      if (!Number.isFinite(value)) throw new UserError(`gate value "${key}" is not a number`, { field: 'head.heads' });
      out.heads.set(value, load(sub));
    }
    return out;
  }
}

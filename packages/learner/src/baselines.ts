import {
  UserError,
  handoff,
  type Action,
  type Decision,
  type DecideContext,
  type DecisionOutcome,
  type HandoffHead,
  type InterfaceView,
  type Transition,
} from '@baton/core';
import { argmax, assertLegal, qValuesOf } from './exploration.ts';
import { QTable, tabularKey } from './qtable.ts';
import { TabularIcqHead, parseSerialized, type TabularIcqConfig } from './tabular.ts';

/**
 * No-scalar independent learners: each agent learns Q(z, o) from the episode's Monte Carlo return-to-go after its
 * decision, and ignores the bootstrap scalar. This is how AgensFlow backs up its reward.
 */
export class IndependentMcHead extends TabularIcqHead {
  override readonly kind = 'independent-mc';

  constructor(config: TabularIcqConfig = {}, table?: QTable) {
    super({ stepSize: { c: 1, n0: 1, omega: 0.8 }, targetSyncEvery: 1, ...config }, table);
  }

  override value(): number {
    return 0; // sends no useful scalar
  }

  override learn(transition: Transition): void {
    if (!Number.isFinite(transition.target)) throw new UserError('non-finite target', { field: 'transition.target' });
    // Bootstrap targets are ignored on purpose: only the final return is used (endEpisode).
  }

  override endEpisode(outcomes: readonly DecisionOutcome[]): void {
    for (const o of outcomes) {
      if (!Number.isFinite(o.returnToGo)) throw new UserError('non-finite return', { field: 'outcome.returnToGo' });
      this.table.update(this.keyOf(o.view), o.action, o.returnToGo, this.stepSize);
    }
    this.table.syncTarget();
    this.episodes += 1;
  }

  static override fromJSON(data: unknown): IndependentMcHead {
    const parsed = parseSerialized(data, 'independent-mc');
    const head = new IndependentMcHead(parsed.config, QTable.fromJSON(parsed.table, parsed.config.initialQ));
    head.episodes = parsed.episodes;
    return head;
  }
}

/**
 * UCB1 contextual bandit per signature (AgensFlow's policy-graph rule): each interface signature is a bandit over
 * its legal actions, rewarded with the episode's return-to-go from that decision.
 */
export class UcbBanditHead implements HandoffHead {
  readonly kind = 'ucb-bandit';
  private readonly stats = new QTable(0);
  private readonly pulls = new Map<string, number>();

  /** `c` scales the exploration bonus; returns are in reward units, so c should match their spread. */
  constructor(private readonly c = 0.5) {}

  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    assertLegal(legal);
    const sig = tabularKey(view);
    const means = legal.map((a) => this.stats.q(sig, a));
    const greedy = argmax(means, ctx.rng);
    if (!ctx.explore) return { action: legal[greedy] as Action, qValues: qValuesOf(legal, means), explored: false };
    const total = this.pulls.get(sig) ?? 0;
    const untried = legal.findIndex((a) => (this.stats.peek(sig, a)?.n ?? 0) === 0);
    const scores = legal.map(
      (a, i) =>
        (means[i] as number) + this.c * Math.sqrt((2 * Math.log(Math.max(total, 1))) / Math.max(this.stats.peek(sig, a)?.n ?? 0, 1)),
    );
    const index = untried >= 0 ? untried : argmax(scores, ctx.rng);
    return { action: legal[index] as Action, qValues: qValuesOf(legal, means), explored: index !== greedy };
  }

  value(): number {
    return 0;
  }

  learn(): void {}

  endEpisode(outcomes: readonly DecisionOutcome[]): void {
    for (const o of outcomes) {
      const sig = tabularKey(o.view);
      this.pulls.set(sig, (this.pulls.get(sig) ?? 0) + 1);
      this.stats.update(sig, o.action, o.returnToGo, (n) => 1 / n); // running mean
    }
  }

  toJSON(): unknown {
    return { kind: this.kind, format: 1, c: this.c, stats: this.stats.toJSON(), pulls: [...this.pulls] };
  }
}

/** Uniformly random legal actions: the floor of the normalised score. */
export class RandomHead implements HandoffHead {
  readonly kind = 'random';

  decide(_view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    assertLegal(legal);
    return { action: ctx.rng.pick(legal), qValues: {}, explored: true };
  }

  value(): number {
    return 0;
  }

  learn(): void {}

  toJSON(): unknown {
    return { kind: this.kind, format: 1 };
  }
}

/**
 * One stage of a fixed pipeline: this agent works `units` times, then hands to `next` (or submits when `next` is
 * undefined). The head counts its own decisions, so it needs nothing from the interface.
 */
export class FixedPipelineHead implements HandoffHead {
  readonly kind = 'fixed-pipeline';
  private count = 0;

  constructor(
    private readonly units: number,
    private readonly next: string | undefined,
  ) {
    if (!(Number.isInteger(units) && units >= 1)) throw new UserError('must be a positive integer', { field: 'units' });
  }

  decide(_view: InterfaceView, legal: readonly Action[]): Decision {
    assertLegal(legal);
    this.count += 1;
    const wanted: Action = this.count < this.units ? 'continue' : this.next ? handoff(this.next) : 'submit';
    const action = legal.includes(wanted) ? wanted : legal.includes('submit') ? 'submit' : (legal[0] as Action);
    if (action !== 'continue') this.count = 0;
    return { action, qValues: {}, explored: false };
  }

  value(): number {
    return 0;
  }

  learn(): void {}

  toJSON(): unknown {
    return { kind: this.kind, format: 1, units: this.units, next: this.next ?? null };
  }
}

/**
 * A fixed pipeline: stages in order, each `[agent, units]`; the last stage submits. Agents of the workflow that are
 * not in the pipeline get a head that submits at once (they never receive the artifact).
 */
export function fixedPipelineHeads(
  stages: readonly (readonly [string, number])[],
  agents: readonly string[] = [],
): Record<string, HandoffHead> {
  const heads: Record<string, HandoffHead> = {};
  for (const agent of agents) heads[agent] = new FixedPipelineHead(1, undefined);
  stages.forEach(([agent, units], i) => (heads[agent] = new FixedPipelineHead(units, stages[i + 1]?.[0])));
  return heads;
}

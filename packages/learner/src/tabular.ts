import { z } from 'zod';
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
import { assertLegal, checkExploration, DEFAULT_EXPLORATION, explore, qValuesOf, type Exploration } from './exploration.ts';
import { QTable, tabularKey } from './qtable.ts';

/** Step size alpha = c / (n(z,o) + n0)^omega, omega in (0.5, 1] (Robbins-Monro). */
export interface StepSize {
  readonly c: number;
  readonly n0: number;
  readonly omega: number;
}

export interface TabularIcqConfig {
  /** Default { c: 1, n0: 1, omega: 0.6 }. */
  readonly stepSize?: StepSize;
  readonly exploration?: Exploration;
  /** Copy Q into the target Qbar every this many updates (1 = no lag). Default 20. */
  readonly targetSyncEvery?: number;
  /** Value of unseen (z, o) cells. Default 0. */
  readonly initialQ?: number;
  /** Maps a view to its table key; the default uses every feature's exact value. */
  readonly discretise?: (view: InterfaceView) => string;
}

const DEFAULT_STEP: StepSize = { c: 1, n0: 1, omega: 0.6 };

function checkStep(step: StepSize): StepSize {
  if (!(step.c > 0)) throw new UserError('must be > 0', { field: 'stepSize.c' });
  if (!(step.n0 >= 0)) throw new UserError('must be >= 0', { field: 'stepSize.n0' });
  if (!(step.omega > 0.5 && step.omega <= 1)) throw new UserError('must be in (0.5, 1]', { field: 'stepSize.omega' });
  return step;
}

function finiteTarget(t: Transition): number {
  if (!Number.isFinite(t.target))
    throw new UserError(`target for ${t.action} is ${t.target}; refusing to learn from a non-finite target`, {
      field: 'transition.target',
    });
  return t.target;
}

/**
 * IC-Q with a table: Q_i(z, o) over the agent's own discretised interface, a lagged target copy Qbar_i, a decaying
 * exploration schedule and action masking. Targets arrive from the runtime exactly as ICQ.md's table says.
 * @example
 * const head = new TabularIcqHead({ exploration: { type: 'epsilon', start: 0.3, end: 0.02, halfLife: 400 } });
 */
export class TabularIcqHead implements HandoffHead {
  readonly kind: string = 'icq-tabular';
  readonly table: QTable;
  protected readonly step: StepSize;
  protected readonly exploration: Exploration;
  protected readonly syncEvery: number;
  protected readonly initialQ: number;
  protected readonly key: (view: InterfaceView) => string;
  protected readonly stepSize: (n: number) => number;
  episodes = 0;
  updates = 0;

  constructor(config: TabularIcqConfig = {}, table?: QTable) {
    this.step = checkStep(config.stepSize ?? DEFAULT_STEP);
    this.exploration = checkExploration(config.exploration ?? DEFAULT_EXPLORATION);
    this.syncEvery = config.targetSyncEvery ?? 20;
    if (!(Number.isInteger(this.syncEvery) && this.syncEvery >= 1))
      throw new UserError('must be a positive integer', { field: 'targetSyncEvery' });
    this.initialQ = config.initialQ ?? 0;
    this.key = config.discretise ?? tabularKey;
    this.table = table ?? new QTable(this.initialQ);
    const { c, n0, omega } = this.step;
    this.stepSize = (n) => c / Math.pow(n + n0, omega);
  }

  // (assertLegal only runs for an empty legal set, where it throws: the check costs no call on the hot path.)
  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    if (legal.length === 0) assertLegal(legal);
    const q = this.table.qs(this.keyOf(view), legal);
    const { index, explored } = explore(this.exploration, this.episodes, q, ctx.rng, ctx.explore);
    return { action: legal[index] as Action, qValues: qValuesOf(legal, q), explored };
  }

  value(view: InterfaceView, legal: readonly Action[]): number {
    if (legal.length === 0) assertLegal(legal);
    return this.table.maxQbar(this.keyOf(view), legal);
  }

  learn(transition: Transition): void {
    const target = transition.target;
    if (!Number.isFinite(target)) finiteTarget(transition);
    this.table.update(this.keyOf(transition.view), transition.action, target, this.stepSize);
    if (++this.updates % this.syncEvery === 0) this.table.syncTarget();
  }

  endEpisode(_outcomes: readonly DecisionOutcome[]): void {
    this.episodes += 1;
  }

  // The keys of the last two views asked about. At a decision epoch the head is asked value(z') and decide(z') for the
  // same view, and learns for the view it decided at before; views are immutable, so their identity is enough.
  private lastView: InterfaceView | undefined;
  private lastKey = '';
  private olderView: InterfaceView | undefined;
  private olderKey = '';

  /** `key(view)`, remembered for the last two views (building a key string is most of a lookup's cost). */
  protected keyOf(view: InterfaceView): string {
    if (view === this.lastView) return this.lastKey;
    if (view === this.olderView) return this.olderKey;
    const key = this.key(view);
    this.olderView = this.lastView;
    this.olderKey = this.lastKey;
    this.lastView = view;
    this.lastKey = key;
    return key;
  }

  toJSON(): SerializedTabularHead {
    return {
      kind: this.kind,
      format: 1,
      config: { stepSize: this.step, exploration: this.exploration, targetSyncEvery: this.syncEvery, initialQ: this.initialQ },
      episodes: this.episodes,
      updates: this.updates,
      table: this.table.toJSON(),
    };
  }

  /** Restores a saved head (warm start). `overrides` may change schedules, e.g. to keep exploring less. */
  static fromJSON(data: unknown, overrides: Partial<TabularIcqConfig> = {}): TabularIcqHead {
    const parsed = parseSerialized(data, 'icq-tabular');
    const head = new TabularIcqHead({ ...parsed.config, ...overrides }, QTable.fromJSON(parsed.table, parsed.config.initialQ));
    head.episodes = parsed.episodes;
    head.updates = parsed.updates;
    return head;
  }
}

const explorationSchema = z.object({ type: z.enum(['epsilon', 'boltzmann']), start: z.number(), end: z.number(), halfLife: z.number() });
const serializedSchema = z.object({
  kind: z.string(),
  format: z.literal(1),
  config: z.object({
    stepSize: z.object({ c: z.number(), n0: z.number(), omega: z.number() }),
    exploration: explorationSchema,
    targetSyncEvery: z.number().int().positive(),
    initialQ: z.number(),
  }),
  episodes: z.number().int().nonnegative(),
  updates: z.number().int().nonnegative(),
  table: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.number(), z.number(), z.number()]))])),
});

export type SerializedTabularHead = z.infer<typeof serializedSchema>;

export function parseSerialized(data: unknown, kind: string): SerializedTabularHead {
  const parsed = serializedSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(issue?.message ?? 'invalid head', { field: `head.${issue?.path.join('.') ?? ''}` });
  }
  if (parsed.data.kind !== kind) throw new UserError(`expected a ${kind} head, got ${parsed.data.kind}`, { field: 'head.kind' });
  return parsed.data;
}

import {
  flattenView,
  parseAction,
  UserError,
  type Action,
  type Decision,
  type DecideContext,
  type HandoffHead,
  type InterfaceView,
  type Transition,
} from '@baton/core';
import { z } from 'zod';

/** alpha_n = c / (n + n0)^omega per action (ICQ.md), applied as a normalised LMS step. */
export interface StepSize {
  readonly c: number;
  readonly n0: number;
  /** In (0.5, 1]. */
  readonly omega: number;
}

export interface LinearIcqHeadConfig {
  /** Every action this head may ever be offered; Q has one weight vector per action. */
  readonly actions: readonly Action[];
  /** The interface's projection keys, in order (features missing from a view count as 0). */
  readonly projectionKeys: readonly string[];
  readonly privateKeys?: readonly string[];
  /** Default { c: 1, n0: 10, omega: 0.6 }. */
  readonly stepSize?: StepSize;
  /** epsilon-greedy: epsilon = max(min, start * decay^episodes). Default { start: 0.3, decay: 1, min: 0.3 }. */
  readonly epsilon?: { readonly start: number; readonly decay: number; readonly min: number };
  /** Copy Q into the target Qbar every this many updates (default 200). */
  readonly targetSyncEvery?: number;
  /** Initial bias of every action's Q (default 0). */
  readonly initialQ?: number;
  /**
   * How Q moves towards a target: `nlms` (default) is a normalised LMS step of size `stepSize`; `rls` is recursive
   * least squares, the exact ridge fit of all targets seen so far, discounted by `forgetting` per update so that
   * bootstrapped targets which drift as other heads learn are tracked.
   */
  readonly optimizer?: 'nlms' | 'rls';
  /**
   * RLS settings. Default { forgetting: 0.9999, ridge: 1 }. With `growth` g, an action's n-th update forgets by
   * max(forgetting, 1 - g / n) instead: a fixed memory of about 1 / (1 - forgetting) updates while targets drift
   * early, then a memory that grows with n (about n / (g + 1) updates), so the fit settles instead of tracking the
   * noise of its last few hundred targets.
   */
  readonly rls?: RlsConfig;
}

/** Recursive least squares settings (`LinearIcqHeadConfig.rls`). */
export interface RlsConfig {
  readonly forgetting: number;
  readonly ridge: number;
  readonly growth?: number;
}

const stateSchema = z.object({
  kind: z.literal('icq-linear'),
  version: z.literal(1),
  actions: z.array(z.string()),
  projectionKeys: z.array(z.string()),
  privateKeys: z.array(z.string()),
  stepSize: z.object({ c: z.number().positive(), n0: z.number().nonnegative(), omega: z.number().gt(0.5).max(1) }),
  epsilon: z.object({ start: z.number().min(0).max(1), decay: z.number().positive().max(1), min: z.number().min(0).max(1) }),
  targetSyncEvery: z.number().int().positive(),
  optimizer: z.enum(['nlms', 'rls']).default('nlms'),
  rls: z
    .object({ forgetting: z.number().gt(0).max(1), ridge: z.number().positive(), growth: z.number().positive().optional() })
    .default({ forgetting: 0.9999, ridge: 1 }),
  precision: z.record(z.string(), z.array(z.number())).default({}),
  weights: z.record(z.string(), z.array(z.number())),
  target: z.record(z.string(), z.array(z.number())),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  episodes: z.number().int().nonnegative(),
  updates: z.number().int().nonnegative(),
});

/** The JSON form of a LinearIcqHead (plain numbers; no code). */
export type LinearIcqHeadState = z.infer<typeof stateSchema>;

/**
 * IC-Q with a linear Q per action over the flattened interface (projection keys, then private keys, then a bias):
 * Q(z, o) = w_o . [x(z), 1]. `learn` moves Q(z, o) towards the runtime's target (R for submit, the receiver's scalar
 * for a handoff, r + gamma^tau max Qbar for continue); `value` answers from the target copy Qbar, refreshed every
 * `targetSyncEvery` updates. Generalises across continuous features where a table cannot.
 * @example
 * const head = new LinearIcqHead({ actions: ['submit', 'handoff:gpt4'], projectionKeys: ['hasAnswer', 'length'] });
 */
export class LinearIcqHead implements HandoffHead {
  readonly kind = 'icq-linear';
  private readonly actions: readonly Action[];
  private readonly projectionKeys: readonly string[];
  private readonly privateKeys: readonly string[];
  private readonly stepSize: StepSize;
  private readonly epsilonConfig: { start: number; decay: number; min: number };
  private readonly targetSyncEvery: number;
  private readonly weights = new Map<Action, Float64Array>();
  private readonly target = new Map<Action, Float64Array>();
  private readonly counts = new Map<Action, number>();
  private readonly optimizer: 'nlms' | 'rls';
  private readonly rls: RlsConfig;
  /** RLS: the inverse (discounted) Gram matrix per action, row-major dim x dim. */
  private readonly precision = new Map<Action, Float64Array>();
  private readonly px: Float64Array;
  private readonly x: Float32Array<ArrayBuffer>;
  private episodes = 0;
  private updates = 0;

  constructor(config: LinearIcqHeadConfig) {
    if (!config.actions.length) throw new UserError('at least one action is required', { field: 'actions' });
    this.actions = config.actions.map((a, i) => parseAction(a, `actions[${i}]`));
    this.projectionKeys = [...config.projectionKeys];
    this.privateKeys = [...(config.privateKeys ?? [])];
    this.stepSize = config.stepSize ?? { c: 1, n0: 10, omega: 0.6 };
    if (!(this.stepSize.omega > 0.5 && this.stepSize.omega <= 1))
      throw new UserError(`must be in (0.5, 1], got ${this.stepSize.omega}`, { field: 'stepSize.omega' });
    if (!(this.stepSize.c > 0)) throw new UserError(`must be > 0, got ${this.stepSize.c}`, { field: 'stepSize.c' });
    this.epsilonConfig = { ...(config.epsilon ?? { start: 0.3, decay: 1, min: 0.3 }) };
    this.targetSyncEvery = config.targetSyncEvery ?? 200;
    this.optimizer = config.optimizer ?? 'nlms';
    this.rls = { ...(config.rls ?? { forgetting: 0.9999, ridge: 1 }) };
    if (!(this.rls.forgetting > 0 && this.rls.forgetting <= 1))
      throw new UserError(`must be in (0, 1], got ${this.rls.forgetting}`, { field: 'rls.forgetting' });
    if (this.rls.growth !== undefined && !(this.rls.growth > 0))
      throw new UserError(`must be > 0, got ${this.rls.growth}`, { field: 'rls.growth' });
    const dim = this.projectionKeys.length + this.privateKeys.length + 1;
    this.x = new Float32Array(dim - 1);
    this.px = new Float64Array(dim);
    for (const action of this.actions) {
      const w = new Float64Array(dim);
      w[dim - 1] = config.initialQ ?? 0;
      this.weights.set(action, w);
      this.target.set(action, w.slice());
      this.counts.set(action, 0);
      if (this.optimizer === 'rls') {
        const p = new Float64Array(dim * dim);
        for (let i = 0; i < dim; i++) p[i * dim + i] = 1 / this.rls.ridge;
        this.precision.set(action, p);
      }
    }
  }

  /** Rebuilds a head from `toJSON()` output; a malformed snapshot is a UserError naming the field. */
  static fromJSON(json: unknown): LinearIcqHead {
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(issue?.message ?? 'invalid head', { field: `head.${issue?.path.join('.') ?? ''}`, code: 'user.invalid-head' });
    }
    const s = parsed.data;
    const head = new LinearIcqHead({
      actions: s.actions.map((a, i) => parseAction(a, `head.actions[${i}]`)),
      projectionKeys: s.projectionKeys,
      privateKeys: s.privateKeys,
      stepSize: s.stepSize,
      epsilon: s.epsilon,
      targetSyncEvery: s.targetSyncEvery,
      optimizer: s.optimizer,
      rls: s.rls.growth === undefined ? { forgetting: s.rls.forgetting, ridge: s.rls.ridge } : { ...s.rls, growth: s.rls.growth },
    });
    const dim = s.projectionKeys.length + s.privateKeys.length + 1;
    for (const action of head.actions) {
      for (const [table, into] of [
        [s.weights, head.weights],
        [s.target, head.target],
      ] as const) {
        const w = table[action];
        if (!w || w.length !== dim)
          throw new UserError(`needs ${dim} weights`, { field: `head.weights.${action}`, code: 'user.invalid-head' });
        into.set(action, Float64Array.from(w));
      }
      head.counts.set(action, s.counts[action] ?? 0);
      const p = s.precision[action];
      if (head.optimizer === 'rls' && p) {
        if (p.length !== dim * dim)
          throw new UserError(`needs ${dim * dim} numbers`, { field: `head.precision.${action}`, code: 'user.invalid-head' });
        head.precision.set(action, Float64Array.from(p));
      }
    }
    head.episodes = s.episodes;
    head.updates = s.updates;
    return head;
  }

  /** The current exploration rate. */
  get epsilon(): number {
    const { start, decay, min } = this.epsilonConfig;
    return Math.max(min, start * decay ** this.episodes);
  }

  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    if (legal.length === 0) throw new UserError('no legal action to decide between', { field: 'legal' });
    const x = this.features(view);
    const qValues = Object.create(null) as Partial<Record<Action, number>>; // no prototype: see qValuesOf
    let best: Action = legal[0] as Action;
    let bestQ = -Infinity;
    for (const action of legal) {
      const q = this.q(this.weightsOf(action), x);
      qValues[action] = q;
      if (q > bestQ) {
        bestQ = q;
        best = action;
      }
    }
    if (ctx.explore && legal.length > 1 && ctx.rng.next() < this.epsilon) {
      return { action: ctx.rng.pick(legal), qValues, explored: true };
    }
    return { action: best, qValues, explored: false };
  }

  value(view: InterfaceView, legal: readonly Action[]): number {
    const x = this.features(view);
    let best = -Infinity;
    for (const action of legal) best = Math.max(best, this.q(this.target.get(action) ?? this.weightsOf(action), x));
    return best;
  }

  learn(transition: Transition): void {
    if (!Number.isFinite(transition.target))
      throw new UserError(`target must be finite, got ${transition.target}`, { field: 'transition.target' });
    const w = this.weightsOf(transition.action);
    const x = this.features(transition.view);
    const n = this.counts.get(transition.action) ?? 0;
    this.counts.set(transition.action, n + 1);
    if (this.optimizer === 'rls') {
      this.rlsStep(transition.action, w, x, transition.target, n + 1);
      if (++this.updates % this.targetSyncEvery === 0) this.syncTarget();
      return;
    }
    const { c, n0, omega } = this.stepSize;
    const alpha = c / (n + 1 + n0) ** omega;
    const error = transition.target - this.q(w, x);
    let norm = 1;
    for (let i = 0; i < x.length; i++) norm += (x[i] as number) ** 2;
    const step = (alpha * error) / norm;
    for (let i = 0; i < x.length; i++) w[i] = (w[i] as number) + step * (x[i] as number);
    w[x.length] = (w[x.length] as number) + step;
    if (++this.updates % this.targetSyncEvery === 0) this.syncTarget();
  }

  endEpisode(): void {
    this.episodes += 1;
  }

  /** Copies Q into the target Qbar now (also done every `targetSyncEvery` updates). */
  syncTarget(): void {
    for (const [action, w] of this.weights) this.target.set(action, w.slice());
  }

  /** Q(view, action) from the online weights (for reports and audits). */
  q(weightsOrView: Float64Array | InterfaceView, x?: Float32Array | Action): number {
    if (!(weightsOrView instanceof Float64Array)) return this.q(this.weightsOf(x as Action), this.features(weightsOrView));
    const w = weightsOrView;
    const f = x as Float32Array;
    let s = w[f.length] as number;
    for (let i = 0; i < f.length; i++) s += (w[i] as number) * (f[i] as number);
    return s;
  }

  /** The weight of each feature for `action` (bias under `bias`), for reports. */
  weightsFor(action: Action): Record<string, number> {
    const w = this.weightsOf(action);
    const out: Record<string, number> = {};
    [...this.projectionKeys, ...this.privateKeys].forEach((k, i) => (out[k] = w[i] as number));
    out.bias = w[w.length - 1] as number;
    return out;
  }

  toJSON(): LinearIcqHeadState {
    const table = (m: Map<Action, Float64Array>): Record<string, number[]> =>
      Object.fromEntries([...m].map(([a, w]) => [a, Array.from(w)]));
    return {
      kind: 'icq-linear',
      version: 1,
      actions: [...this.actions],
      projectionKeys: [...this.projectionKeys],
      privateKeys: [...this.privateKeys],
      stepSize: { ...this.stepSize },
      epsilon: { ...this.epsilonConfig },
      targetSyncEvery: this.targetSyncEvery,
      optimizer: this.optimizer,
      rls: { ...this.rls },
      precision: table(this.precision),
      weights: table(this.weights),
      target: table(this.target),
      counts: Object.fromEntries(this.counts),
      episodes: this.episodes,
      updates: this.updates,
    };
  }

  /** The `n`-th recursive-least-squares update of `action`'s `w` (features x plus the bias 1) towards `target`. */
  private rlsStep(action: Action, w: Float64Array, x: Float32Array, target: number, n: number): void {
    const p = this.precision.get(action) as Float64Array;
    const dim = w.length;
    const { forgetting, growth } = this.rls;
    const lambda = growth === undefined ? forgetting : Math.max(forgetting, 1 - growth / n);
    const xi = (i: number): number => (i === dim - 1 ? 1 : (x[i] as number));
    let denom = lambda;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (p[i * dim + j] as number) * xi(j);
      this.px[i] = s;
      denom += xi(i) * s;
    }
    const error = target - this.q(w, x);
    for (let i = 0; i < dim; i++) w[i] = (w[i] as number) + ((this.px[i] as number) / denom) * error;
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++)
        p[i * dim + j] = ((p[i * dim + j] as number) - ((this.px[i] as number) * (this.px[j] as number)) / denom) / lambda;
    }
  }

  private weightsOf(action: Action): Float64Array {
    const w = this.weights.get(action);
    if (!w) throw new UserError(`action "${action}" is not one of this head's actions (${this.actions.join(', ')})`, { field: 'action' });
    return w;
  }

  private features(view: InterfaceView): Float32Array<ArrayBuffer> {
    flattenView(view, this.projectionKeys, this.privateKeys, this.x);
    return this.x;
  }
}

/**
 * A head that decides as `head` does after lowering the Q of some actions by a fixed amount: the decision-time form
 * of a cost weight (raising the weight on a model's dollars lowers the Q of handing to it). Learning passes through.
 */
export function withActionOffsets(head: HandoffHead, offsets: Readonly<Partial<Record<Action, number>>>): HandoffHead {
  return {
    kind: `${head.kind}+offsets`,
    decide(view, legal, ctx) {
      const inner = head.decide(view, legal, { ...ctx, explore: false });
      let best: Action = legal[0] as Action;
      let bestQ = -Infinity;
      for (const action of legal) {
        const q = (inner.qValues[action] ?? -Infinity) - (offsets[action] ?? 0);
        if (q > bestQ) {
          bestQ = q;
          best = action;
        }
      }
      return { action: best, qValues: inner.qValues, explored: false };
    },
    value: (view, legal) => head.value(view, legal),
    learn: (t) => head.learn(t),
    toJSON: () => head.toJSON(),
  };
}

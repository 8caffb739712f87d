import { z } from 'zod';
import {
  Rng,
  UserError,
  parseAction,
  type Action,
  type Decision,
  type DecideContext,
  type DecisionOutcome,
  type HandoffHead,
  type InterfaceView,
  type Transition,
} from '@baton/core';
import { encodedSize, encodeView, featureSpecSchema, type FeatureSpec } from './encoder.ts';
import { assertLegal, checkExploration, DEFAULT_EXPLORATION, explore, qValuesOf, type Exploration } from './exploration.ts';
import { Mlp, type MlpWeights } from './mlp.ts';
import { ensureTfBackend } from './tf.ts';

export interface NeuralIcqConfig {
  /** This agent's full option set O_i, fixing the output layer: continue, handoff:j..., submit. */
  readonly actions: readonly Action[];
  /** How the interface view is encoded. */
  readonly features: readonly FeatureSpec[];
  /** Hidden layer widths (the function-approximation knob). Default [32]. */
  readonly hidden?: readonly number[];
  readonly learningRate?: number;
  readonly batchSize?: number;
  /** One gradient step per this many new transitions. Default 8. */
  readonly trainEvery?: number;
  /** Local replay buffer. Replayed handoff scalars are stale (they were the receiver's estimate then). Default on. */
  readonly replay?: boolean;
  /**
   * How a `continue` target is formed when it is trained on: `recompute` (default) keeps its ingredients (reward,
   * gamma^tau, the next interface and its legal set) and recomputes r + gamma^tau max Qbar(z') with the current
   * target network, so replayed bootstrap targets are never stale; `stored` trains on the value computed when the
   * transition happened. Handoff scalars are always stored: only the receiver could recompute them.
   */
  readonly replayTargets?: 'recompute' | 'stored';
  readonly replayCapacity?: number;
  /** Copy the online network into the target network every this many gradient steps. Default 25. */
  readonly targetSyncEvery?: number;
  readonly huberDelta?: number;
  /** Initial output bias: optimistic values (R_max) make early greedy play explore. Default 0. */
  readonly initialQ?: number;
  readonly exploration?: Exploration;
  /** Seeds weight initialisation and replay sampling. */
  readonly seed?: number;
}

type Resolved = Required<Omit<NeuralIcqConfig, 'seed'>> & { seed: number };

/**
 * IC-Q with a small MLP per agent (tfjs): Q_i(z, .) over the encoded interface, Huber loss, Adam, a target network
 * copied periodically, an optional local replay buffer, and masking of illegal actions. Inference runs on a
 * plain-JS copy of the weights (refreshed after every gradient step) so that a decision costs microseconds;
 * every gradient step runs in tfjs.
 */
export class NeuralIcqHead implements HandoffHead {
  readonly kind = 'icq-neural';
  readonly config: Resolved;
  private readonly net: Mlp;
  private readonly actionIndex: Map<Action, number>;
  private readonly rng: Rng;
  private readonly x: Float32Array;
  private readonly bufX: Float32Array;
  private readonly bufA: Int32Array;
  private readonly bufY: Float32Array;
  /** Continue ingredients per slot: reward, gamma^tau (NaN when the slot has none), next input, next legal mask. */
  private readonly bufR: Float32Array;
  private readonly bufD: Float32Array;
  private readonly bufNextX: Float32Array;
  private readonly bufNextLegal: Uint8Array;
  private bufLen = 0;
  private bufNext = 0;
  private fresh = 0;
  episodes = 0;
  steps = 0;

  constructor(config: NeuralIcqConfig, weights?: MlpWeights) {
    // Checked as plain JS or a JSON file may give it: either list can be missing.
    if (!(config.actions as NeuralIcqConfig['actions'] | undefined)?.length)
      throw new UserError('at least one action is required', { field: 'actions' });
    if (!(config.features as NeuralIcqConfig['features'] | undefined)?.length)
      throw new UserError('at least one feature is required', { field: 'features' });
    this.config = {
      actions: config.actions,
      features: config.features,
      hidden: config.hidden ?? [32],
      learningRate: config.learningRate ?? 0.01,
      batchSize: config.batchSize ?? 64,
      trainEvery: config.trainEvery ?? 8,
      replay: config.replay ?? true,
      replayTargets: config.replayTargets ?? 'recompute',
      replayCapacity: config.replayCapacity ?? 4096,
      targetSyncEvery: config.targetSyncEvery ?? 25,
      huberDelta: config.huberDelta ?? 1,
      initialQ: config.initialQ ?? 0,
      exploration: checkExploration(config.exploration ?? DEFAULT_EXPLORATION),
      seed: config.seed ?? 1,
    };
    const c = this.config;
    if (c.hidden.some((h) => !(Number.isInteger(h) && h >= 1)))
      throw new UserError('widths must be positive integers', { field: 'hidden' });
    for (const [key, v] of [
      ['batchSize', c.batchSize],
      ['trainEvery', c.trainEvery],
      ['replayCapacity', c.replayCapacity],
      ['targetSyncEvery', c.targetSyncEvery],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new UserError('must be a positive integer', { field: key });
    }
    if (!(c.learningRate > 0)) throw new UserError('must be > 0', { field: 'learningRate' });
    this.actionIndex = new Map(c.actions.map((a, i) => [a, i]));
    this.rng = new Rng(c.seed);
    const inputs = encodedSize(c.features);
    this.net = new Mlp(
      {
        inputs,
        hidden: c.hidden,
        outputs: c.actions.length,
        learningRate: c.learningRate,
        huberDelta: c.huberDelta,
        initialBias: c.initialQ,
        rng: this.rng,
      },
      weights,
    );
    this.x = new Float32Array(inputs);
    const cap = c.replay ? c.replayCapacity : c.trainEvery;
    this.bufX = new Float32Array(cap * inputs);
    this.bufA = new Int32Array(cap);
    this.bufY = new Float32Array(cap);
    this.bufR = new Float32Array(cap);
    this.bufD = new Float32Array(cap);
    this.bufNextX = new Float32Array(cap * inputs);
    this.bufNextLegal = new Uint8Array(cap * c.actions.length);
  }

  private indices(legal: readonly Action[]): number[] {
    return legal.map((a) => {
      const i = this.actionIndex.get(a);
      if (i === undefined) throw new UserError(`action ${a} is not in this head's option set`, { field: 'legal' });
      return i;
    });
  }

  decide(view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    assertLegal(legal);
    const idx = this.indices(legal);
    const all = this.net.predict(encodeView(this.config.features, view, this.x), false);
    const q = idx.map((i) => all[i] as number);
    const { index, explored } = explore(this.config.exploration, this.episodes, q, ctx.rng, ctx.explore);
    return { action: legal[index] as Action, qValues: qValuesOf(legal, q), explored };
  }

  value(view: InterfaceView, legal: readonly Action[]): number {
    assertLegal(legal);
    const all = this.net.predict(encodeView(this.config.features, view, this.x), true);
    let best = -Infinity;
    for (const i of this.indices(legal)) best = Math.max(best, all[i] as number);
    return best;
  }

  learn(t: Transition): void {
    if (!Number.isFinite(t.target))
      throw new UserError(`target for ${t.action} is ${t.target}; refusing to learn from a non-finite target`, {
        field: 'transition.target',
      });
    const [a] = this.indices([t.action]);
    const n = this.x.length;
    const slot = this.bufNext;
    this.bufX.set(encodeView(this.config.features, t.view, this.x), slot * n);
    this.bufA[slot] = a as number;
    this.bufY[slot] = t.target;
    const b = t.bootstrap;
    this.bufD[slot] = b && this.config.replayTargets === 'recompute' ? b.discount : Number.NaN;
    if (b && this.config.replayTargets === 'recompute') {
      this.bufR[slot] = b.reward;
      this.bufNextX.set(encodeView(this.config.features, b.view, this.x), slot * n);
      const k = this.config.actions.length;
      this.bufNextLegal.fill(0, slot * k, (slot + 1) * k);
      for (const i of this.indices(b.legal)) this.bufNextLegal[slot * k + i] = 1;
    }
    this.bufNext = (slot + 1) % this.bufA.length;
    this.bufLen = Math.min(this.bufLen + 1, this.bufA.length);
    if (++this.fresh >= this.config.trainEvery) this.trainStep();
  }

  private trainStep(): void {
    this.fresh = 0;
    const n = this.x.length;
    const size = this.config.replay ? Math.min(this.config.batchSize, this.bufLen) : this.bufLen;
    const xs = new Float32Array(size * n);
    const as = new Int32Array(size);
    const ys = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      const j = this.config.replay ? this.rng.int(this.bufLen) : k;
      xs.set(this.bufX.subarray(j * n, (j + 1) * n), k * n);
      as[k] = this.bufA[j] as number;
      ys[k] = this.targetOf(j);
    }
    if (!this.config.replay) this.bufLen = this.bufNext = 0;
    this.net.train(xs, as, ys, size);
    if (++this.steps % this.config.targetSyncEvery === 0) this.net.syncTarget();
  }

  /** Slot j's target: recomputed from its ingredients with the current target network, or as stored. */
  private targetOf(j: number): number {
    const d = this.bufD[j] as number;
    if (Number.isNaN(d)) return this.bufY[j] as number;
    const n = this.x.length;
    const k = this.config.actions.length;
    const q = this.net.predict(this.bufNextX.subarray(j * n, (j + 1) * n), true);
    let best = -Infinity;
    for (let i = 0; i < k; i++) if (this.bufNextLegal[j * k + i]) best = Math.max(best, q[i] as number);
    return (this.bufR[j] as number) + d * best;
  }

  endEpisode(_outcomes: readonly DecisionOutcome[]): void {
    this.episodes += 1;
  }

  /** Initialises the tfjs backend (once per process), then builds the head. */
  static async create(config: NeuralIcqConfig): Promise<NeuralIcqHead> {
    await ensureTfBackend();
    return new NeuralIcqHead(config);
  }

  /** Frees the tfjs tensors. The head cannot learn afterwards. */
  dispose(): void {
    this.net.dispose();
  }

  toJSON(): SerializedNeuralHead {
    const c = this.config;
    return {
      kind: 'icq-neural',
      format: 1,
      config: {
        ...c,
        actions: [...c.actions],
        features: c.features.map((f) => ({ ...f })),
        hidden: [...c.hidden],
        exploration: { ...c.exploration },
      },
      episodes: this.episodes,
      steps: this.steps,
      weights: this.net.weights(),
    };
  }

  /** Restores a saved head (warm start): same weights, same target network, schedules continue from `episodes`. */
  static fromJSON(data: unknown, overrides: Partial<NeuralIcqConfig> = {}): NeuralIcqHead {
    const parsed = serializedSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(issue?.message ?? 'invalid head', { field: `head.${issue?.path.join('.') ?? ''}` });
    }
    const { config, weights, episodes, steps } = parsed.data;
    const actions = config.actions.map((a, i) => parseAction(a, `head.config.actions[${i}]`));
    const head = new NeuralIcqHead({ ...config, actions, ...overrides }, weights);
    head.episodes = episodes;
    head.steps = steps;
    return head;
  }
}

const layerSchema = z.object({ w: z.array(z.number()), b: z.array(z.number()) });
const serializedSchema = z.object({
  kind: z.literal('icq-neural'),
  format: z.literal(1),
  config: z.object({
    actions: z.array(z.string()),
    features: z.array(featureSpecSchema),
    hidden: z.array(z.number().int().positive()),
    learningRate: z.number(),
    batchSize: z.number().int(),
    trainEvery: z.number().int(),
    replay: z.boolean(),
    replayTargets: z.enum(['recompute', 'stored']).default('recompute'),
    replayCapacity: z.number().int(),
    targetSyncEvery: z.number().int(),
    huberDelta: z.number(),
    initialQ: z.number(),
    exploration: z.object({ type: z.enum(['epsilon', 'boltzmann']), start: z.number(), end: z.number(), halfLife: z.number() }),
    seed: z.number(),
  }),
  episodes: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  weights: z.object({ online: z.array(layerSchema), target: z.array(layerSchema) }),
});

export type SerializedNeuralHead = z.infer<typeof serializedSchema>;

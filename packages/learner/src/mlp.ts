import { UserError, type Rng } from '@baton/core';
import { isTfReady, tfModule, type Tf } from './tf.ts';

export interface Layer {
  readonly w: number[];
  readonly b: number[];
}
export interface MlpWeights {
  readonly online: readonly Layer[];
  readonly target: readonly Layer[];
}

interface MirrorLayer {
  w: Float32Array;
  b: Float32Array;
  readonly inputs: number;
  readonly outputs: number;
}

export interface MlpConfig {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
  readonly learningRate: number;
  readonly huberDelta: number;
  readonly initialBias: number;
  readonly rng: Rng;
}

/**
 * A ReLU MLP trained in tfjs (Adam, Huber loss on the chosen action's output) with plain-JS mirrors of the online and
 * target weights for fast single-example inference.
 */
export class Mlp {
  private readonly vars: Tf.Variable[] = [];
  private readonly optimizer: Tf.Optimizer;
  private readonly tf: typeof Tf;
  private online: MirrorLayer[];
  private target: MirrorLayer[];
  private readonly scratch: Float32Array[];

  constructor(
    private readonly config: MlpConfig,
    weights?: MlpWeights,
  ) {
    if (!isTfReady())
      throw new UserError('tfjs is not initialised: call `await ensureTfBackend()` (or use NeuralIcqHead.create) first', {
        field: 'backend',
      });
    const tf = (this.tf = tfModule());
    const sizes = [config.inputs, ...config.hidden, config.outputs];
    const init: Layer[] = weights?.online.map((l) => ({ w: [...l.w], b: [...l.b] })) ?? [];
    if (!weights) {
      for (let l = 0; l + 1 < sizes.length; l++) {
        const fanIn = sizes[l] as number;
        const fanOut = sizes[l + 1] as number;
        const limit = Math.sqrt(6 / (fanIn + fanOut)); // Glorot uniform, from the head's seeded Rng
        const w = Array.from({ length: fanIn * fanOut }, () => (config.rng.next() * 2 - 1) * limit);
        const last = l + 2 === sizes.length;
        init.push({ w, b: new Array<number>(fanOut).fill(last ? config.initialBias : 0) });
      }
    }
    if (init.length !== sizes.length - 1) throw new UserError('saved weights do not match the layer sizes', { field: 'weights' });
    init.forEach((layer, l) => {
      const [i, o] = [sizes[l] as number, sizes[l + 1] as number];
      if (layer.w.length !== i * o || layer.b.length !== o)
        throw new UserError(`layer ${l} has the wrong shape`, { field: `weights.online[${l}]` });
      this.vars.push(tf.variable(tf.tensor2d(layer.w, [i, o])), tf.variable(tf.tensor1d(layer.b)));
    });
    this.online = init.map((layer, l) => ({
      w: Float32Array.from(layer.w),
      b: Float32Array.from(layer.b),
      inputs: sizes[l] as number,
      outputs: sizes[l + 1] as number,
    }));
    const targetInit = weights?.target ?? init;
    this.target = targetInit.map((layer, l) => ({
      w: Float32Array.from(layer.w),
      b: Float32Array.from(layer.b),
      inputs: sizes[l] as number,
      outputs: sizes[l + 1] as number,
    }));
    this.scratch = sizes.slice(1).map((n) => new Float32Array(n));
    this.optimizer = tf.train.adam(config.learningRate);
  }

  /** Q-values for one input, from the online or the target network. The returned array is reused. */
  predict(x: Float32Array, useTarget: boolean): Float32Array {
    const layers = useTarget ? this.target : this.online;
    let input = x;
    for (let l = 0; l < layers.length; l++) {
      const { w, b, inputs, outputs } = layers[l] as MirrorLayer;
      const out = this.scratch[l] as Float32Array;
      for (let j = 0; j < outputs; j++) out[j] = b[j] as number;
      for (let i = 0; i < inputs; i++) {
        const xi = input[i] as number;
        if (xi === 0) continue;
        const row = i * outputs;
        for (let j = 0; j < outputs; j++) out[j] = (out[j] as number) + xi * (w[row + j] as number);
      }
      if (l + 1 < layers.length) for (let j = 0; j < outputs; j++) if ((out[j] as number) < 0) out[j] = 0;
      input = out;
    }
    return input;
  }

  /** One Adam step on the Huber loss of the chosen actions' outputs against their targets. */
  train(xs: Float32Array, actions: Int32Array, targets: Float32Array, size: number): void {
    const { inputs, outputs, huberDelta } = this.config;
    const tf = this.tf;
    tf.tidy(() => {
      const x = tf.tensor2d(xs, [size, inputs]);
      const y = tf.tensor1d(targets);
      const mask = tf.oneHot(tf.tensor1d(actions, 'int32'), outputs).toFloat();
      this.optimizer.minimize(
        () => {
          let h: Tf.Tensor = x;
          for (let l = 0; l < this.vars.length; l += 2) {
            h = tf.add(tf.matMul(h, this.vars[l] as Tf.Variable), this.vars[l + 1] as Tf.Variable);
            if (l + 2 < this.vars.length) h = tf.relu(h);
          }
          return tf.losses.huberLoss<Tf.Tensor, Tf.Scalar>(y, tf.sum(tf.mul(h, mask), 1), undefined, huberDelta);
        },
        false,
        this.vars,
      );
    });
    this.online.forEach((layer, l) => {
      layer.w = (this.vars[2 * l] as Tf.Variable).dataSync() as Float32Array;
      layer.b = (this.vars[2 * l + 1] as Tf.Variable).dataSync() as Float32Array;
    });
  }

  syncTarget(): void {
    this.target = this.online.map((l) => ({ ...l, w: Float32Array.from(l.w), b: Float32Array.from(l.b) }));
  }

  weights(): { online: Layer[]; target: Layer[] } {
    const dump = (layers: MirrorLayer[]) => layers.map((l) => ({ w: Array.from(l.w), b: Array.from(l.b) }));
    return { online: dump(this.online), target: dump(this.target) };
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
    this.optimizer.dispose();
  }
}

import type * as Tf from '@tensorflow/tfjs';
import { UserError } from '@baton/core';

export type TfBackend = 'tensorflow' | 'wasm' | 'cpu';

let ready: Promise<TfBackend> | undefined;
let loaded: typeof Tf | undefined;

/** True once `ensureTfBackend` has finished. */
export function isTfReady(): boolean {
  return loaded !== undefined;
}

/** The tfjs module, once `ensureTfBackend` has loaded it (tfjs is only loaded by users of neural heads). */
export function tfModule(): typeof Tf {
  if (!loaded) throw new Error('tfjs is not loaded: call `await ensureTfBackend()` first');
  return loaded;
}

/**
 * Picks the fastest tfjs backend available, once per process: @tensorflow/tfjs-node when the user has installed it
 * (native TensorFlow), else the WebAssembly backend (about 3x the plain-JS `cpu` backend for small MLPs), else cpu.
 * `BATON_TF_BACKEND=cpu|wasm|tensorflow` forces one.
 */
export function ensureTfBackend(): Promise<TfBackend> {
  ready ??= pick();
  // A failed load (tfjs missing) is tried again next time, once it is installed.
  ready.catch(() => (ready = undefined));
  return ready;
}

/** What to install for neural heads: tfjs is an optional peer, so tabular and linear heads never pull it in. */
const TF_INSTALL = 'npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm';

async function pick(): Promise<TfBackend> {
  const tf = await import('@tensorflow/tfjs').catch((cause: unknown) => {
    if ((cause as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw cause;
    throw new UserError(`neural heads need @tensorflow/tfjs, an optional peer of @baton/learner: ${TF_INSTALL}`, {
      code: 'learner.tfjs-missing',
      cause,
    });
  });
  const forced = process.env.BATON_TF_BACKEND as TfBackend | undefined;
  if (!forced || forced === 'tensorflow') {
    let native = false;
    try {
      // Optional: not a dependency of Baton. Installed by users who want native speed. Named through a variable so
      // the compiler does not look for its types.
      const tfNode: string = '@tensorflow/tfjs-node';
      await import(/* @vite-ignore */ tfNode);
      native = await tf.setBackend('tensorflow');
    } catch {
      if (forced) throw new Error('BATON_TF_BACKEND=tensorflow but @tensorflow/tfjs-node is not installed');
    }
    if (native) return finish('tensorflow');
  }
  if (!forced || forced === 'wasm') {
    let ok = false;
    try {
      // In Node the emscripten loader reads the .wasm files beside its own script; no paths to set. It also installs
      // process-wide uncaughtException/unhandledRejection handlers that dump its whole source on any error: remove them.
      const before = {
        uncaughtException: process.listeners('uncaughtException'),
        unhandledRejection: process.listeners('unhandledRejection'),
      };
      await import('@tensorflow/tfjs-backend-wasm');
      ok = await tf.setBackend('wasm');
      for (const listener of process.listeners('uncaughtException'))
        if (!before.uncaughtException.includes(listener)) process.removeListener('uncaughtException', listener);
      for (const listener of process.listeners('unhandledRejection'))
        if (!before.unhandledRejection.includes(listener)) process.removeListener('unhandledRejection', listener);
    } catch (error) {
      if (forced) throw error;
    }
    if (ok) return finish('wasm');
  }
  await tf.setBackend('cpu');
  return finish('cpu');

  async function finish(backend: TfBackend): Promise<TfBackend> {
    await tf.ready();
    loaded = tf;
    return backend;
  }
}

export type { Tf };

import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/**
 * The export condition under which the workspace resolves `@baton/*` to TypeScript sources (docs/decisions/0013).
 * Installed packages never see it: they resolve `import` to the built JavaScript in dist/.
 */
export const SOURCE_CONDITION = '@baton/source';

/**
 * Starts a worker thread on the module `name` next to the caller (`from` is the caller's `import.meta.url`).
 *
 * Built packages (dist/*.js) start the module itself. Inside the workspace the caller is a `.ts` source: the worker
 * then registers tsx and resolves `@baton/*` through the source condition before loading `name.ts`, so tests and
 * `pnpm baton` run the same module from source. tsx is a workspace dev dependency, never needed by an install.
 */
export function startModuleWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  const entry = new URL(`./${name}.ts`, from).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const execArgv = [...(options.execArgv ?? process.execArgv)];
  if (!execArgv.includes(`--conditions=${SOURCE_CONDITION}`)) execArgv.push(`--conditions=${SOURCE_CONDITION}`);
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv });
}

/**
 * Node arguments that run the module `name` next to the caller in a child process (`from` is the caller's
 * `import.meta.url`): the built `name.js` as it is, or in the workspace `name.ts` through tsx and the source condition.
 */
export function moduleProcessArgs(from: string, name: string): string[] {
  if (!from.endsWith('.ts')) return [fileURLToPath(new URL(`./${name}.js`, from))];
  return [`--conditions=${SOURCE_CONDITION}`, '--import', 'tsx', fileURLToPath(new URL(`./${name}.ts`, from))];
}

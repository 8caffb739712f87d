import { resolve } from 'node:path';

/**
 * The folder the user typed the command in. `pnpm baton` runs the root script from the workspace root and leaves
 * the user's folder in INIT_CWD; anywhere else (an installed `baton` bin, `npx baton`) it is the working directory.
 */
export function userCwd(): string {
  const init = process.env['INIT_CWD'];
  return process.env['npm_lifecycle_event'] === 'baton' && init ? init : process.cwd();
}

/** A path given on the command line, resolved from the user's folder (not the workspace root `pnpm baton` runs in). */
export function userPath(path: string): string {
  return resolve(userCwd(), path);
}

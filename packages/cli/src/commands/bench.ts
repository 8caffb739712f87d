import { BatonError } from '@baton/core';
import type { Command } from 'commander';
import { topCommand } from './top.ts';

/** The shared `bench` parent command; each benchmark attaches itself as a subcommand. */
export function benchCommand(program: Command): Command {
  return topCommand(program, 'bench');
}

/**
 * Loads a workspace-only package (bench/*, apps/playground) when `baton <command>` runs: they carry peer frameworks,
 * test servers and the web client as dependencies, so they are not published and an installed CLI does not have them.
 * That package (or one of its dependencies) not found is a BatonError saying where the command runs; any other failure
 * to load is the package's own and is thrown as it is.
 */
export async function loadWorkspacePackage<M>(command: string, dir: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (cause) {
    if ((cause as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw cause;
    const missing = (cause as Error).message.split('\n')[0] ?? '';
    throw new BatonError(
      'cli.workspace-only',
      `baton ${command} runs ${dir}, which is not published with the CLI: run it in a checkout of the Baton repository ` +
        `(pnpm install, then pnpm baton ${command}). ${missing}`,
      { cause },
    );
  }
}

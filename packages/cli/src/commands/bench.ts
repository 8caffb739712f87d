import { BatonError } from '@baton/core';
import type { Command } from 'commander';
import { topCommand } from './top.ts';

/** The shared `bench` parent command; each benchmark attaches itself as a subcommand. */
export function benchCommand(program: Command): Command {
  return topCommand(program, 'bench');
}

/**
 * Loads a workspace-only package (bench/*, apps/playground) when its command runs: they carry peer frameworks, test
 * servers and the web client as dependencies that an installed CLI does not have.
 */
export async function loadWorkspacePackage<M>(name: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (cause) {
    throw new BatonError(
      'bench.unavailable',
      `this command needs the Baton workspace checkout (${name} and its dependencies): run pnpm install there`,
      {
        cause,
      },
    );
  }
}

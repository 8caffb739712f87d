import { BatonError } from '@baton/core';
import type { Command } from 'commander';

/** The shared `bench` parent command; each benchmark attaches itself as a subcommand. */
export function benchCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'bench');
  if (existing) return existing;
  return program.command('bench').description('Benchmarks: scripts that print figures (and write JSON with --json). Not timed tests.');
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

import { BatonError } from '@baton/core';
import type { Command } from 'commander';

/** The shared `bench` parent command; each benchmark attaches itself as a subcommand. */
export function benchCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'bench');
  if (existing) return existing;
  return program.command('bench').description('Benchmarks: scripts that print figures (and write JSON with --json). Not timed tests.');
}

/**
 * Loads a bench package of the workspace (bench/*) when its command runs: they carry peer frameworks and test
 * servers as dependencies that an installed CLI does not have.
 */
export async function loadWorkspaceBench<M>(name: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (cause) {
    throw new BatonError('bench.unavailable', `this bench needs the workspace checkout (${name} and its dependencies): run pnpm install`, {
      cause,
    });
  }
}

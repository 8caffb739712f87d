import type { Command } from 'commander';

/** The shared `bench` parent command; each benchmark attaches itself as a subcommand. */
export function benchCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'bench');
  if (existing) return existing;
  return program.command('bench').description('Benchmarks: scripts that print figures (and write JSON with --json). Not timed tests.');
}

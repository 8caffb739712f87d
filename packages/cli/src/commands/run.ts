import type { Command } from 'commander';

/**
 * The shared `baton run` parent command: returns it if another command module already created it, else creates
 * it. Workflow commands attach themselves as subcommands (`baton run patch`, `baton run math`, ...).
 */
export function runCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'run');
  if (existing) return existing;
  return program.command('run').description('run a workflow (one subcommand per built-in workflow)');
}

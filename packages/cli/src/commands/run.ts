import type { Command } from 'commander';

/**
 * The shared `baton run` parent command: returns it if another command module already created it, else creates
 * it. Workflow commands attach themselves as subcommands (`baton run patch`, `baton run math`, ...); its own options
 * (`--config`) come before any subcommand, so they never take a subcommand's flag of the same name.
 */
export function runCommand(program: Command): Command {
  return parentCommand(program, 'run', 'run a workflow: a config file (--config), or one subcommand per built-in workflow');
}

/** The shared `baton train` parent command (`baton train --config F`, `baton train math`, ...). */
export function trainCommand(program: Command): Command {
  return parentCommand(program, 'train', 'Train handoff heads: a config-file workflow (--config), or the cascades on recorded outputs.');
}

function parentCommand(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((c) => c.name() === name);
  if (existing) return existing;
  return program.command(name).description(description).enablePositionalOptions();
}

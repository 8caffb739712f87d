import type { Command } from 'commander';
import { topCommand } from './top.ts';

/**
 * The shared `baton run` parent command. Workflow commands attach themselves as subcommands (`baton run patch`,
 * `baton run math`, ...); its own options (`--config`) come before any subcommand.
 */
export function runCommand(program: Command): Command {
  return topCommand(program, 'run');
}

/** The shared `baton train` parent command (`baton train --config F`, `baton train math`, ...). */
export function trainCommand(program: Command): Command {
  return topCommand(program, 'train');
}

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { BatonError, UserError } from '@baton/core';
import { registerCommands } from './commands/index.ts';

/** Exit codes: 0 ok, 1 failure (or a check that failed), 2 usage error (bad flag, bad value, bad input). */
export const EXIT_USAGE = 2;

/** Builds the `baton` program with every command registered. */
export function createProgram(): Command {
  const program = new Command('baton')
    .description('Baton: multi-LLM agent workflows whose handoffs are learned (IC-Q).')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Parses a positive integer option, or fails with a message naming the flag. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** Parses a number option, or fails with a message naming the flag. */
export function finiteNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number, got "${value}"`);
    return n;
  };
}

/** Runs the program on argv and returns the process exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander reports is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return 0;
      return EXIT_USAGE;
    }
    if (error instanceof UserError) {
      console.error(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof BatonError) {
      console.error(`error (${error.code}): ${error.message}`);
      return 1;
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}

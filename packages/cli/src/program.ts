import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { BatonError, UserError } from '@baton/core';
import { registerCommands } from './commands/index.ts';
import { terminalSafe } from './terminal.ts';

export { finiteNumber, intChoice, outputFile, port, positiveInt, STRONG_CALL_PENALTY, type NumberRange } from './options.ts';

/** Exit codes: 0 ok, 1 failure (or a check that failed), 2 usage error (bad flag, bad value, bad input). */
export const EXIT_USAGE = 2;

/** The CLI's version, from its package.json (beside src/ in the workspace, beside dist/ when installed). */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Builds the `baton` program. With `argv`, only the command modules that command line may run are loaded (the
 * others are listed by name for `--help`); without, every command is registered.
 */
export async function createProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('baton')
    .version(VERSION, '-V, --version', 'print the version')
    .description('Baton: multi-LLM agent workflows whose handoffs are learned (IC-Q).')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
    // Commander echoes the offending argument; it may hold bytes from anywhere.
    .configureOutput({ outputError: (text, write) => write(terminalSafe(text)) })
    // Lets `baton run --config` and `baton run math --heads` each keep their own flags.
    .enablePositionalOptions()
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

/** Runs the program on argv and returns the process exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await createProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander reports is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return 0;
      return EXIT_USAGE;
    }
    // Messages quote the user's input (a CSV cell, a file name): print them terminal-safe.
    if (error instanceof UserError) {
      console.error(`error: ${terminalSafe(error.message)}`);
      return EXIT_USAGE;
    }
    if (error instanceof BatonError) {
      console.error(`error (${error.code}): ${terminalSafe(error.message)}`);
      return 1;
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}

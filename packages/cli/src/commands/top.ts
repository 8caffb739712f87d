import type { Command } from 'commander';

/**
 * What each top-level command is for: `baton --help` lists these without loading any command module. A new top-level
 * command adds its line here and its module to `COMMANDS` (index.ts).
 */
export const TOP_LEVEL: Readonly<Record<string, string>> = {
  audit: 'Check and read audit logs: integrity, timeline, replay, costs.',
  bench: 'Benchmarks: scripts that print figures (and write JSON with --json). Not timed tests.',
  config: 'Workflow config files: print the JSON Schema, check a file.',
  demo:
    'Train every method on the synthetic IC-SMDP (3 agents, hidden artifact parts, random durations) over several seeds ' +
    'and compare with the exact optimum. Normalized return: random = 0, optimum = 1. No API keys, no Redis.',
  queue: "The BullMQ runtime's Redis keys: count them by kind, remove what finished episodes left (clean).",
  record: 'run live models over a task file and record their answers, scores and dollars as a wide CSV',
  run: 'run a workflow: a config file (--config), or one subcommand per built-in workflow',
  serve:
    'Start the playground web app: train a workflow, watch the baton move live, compare learning curves, ' +
    'browse and verify audit logs. Binds to 127.0.0.1; any other host needs an access token. Runs in a checkout of ' +
    'the repository (the playground is not published).',
  train: 'Train handoff heads: a config-file workflow (--config), or the cascades on recorded outputs.',
  worker: 'run one agent of a workflow as a BullMQ worker (Redis from REDIS_URL); SIGTERM drains in-flight work',
};

/**
 * The top-level command `name`: the one already on the program (several modules attach subcommands to `bench`,
 * `run` and `train`), else a new one with its `TOP_LEVEL` description. `run` and `train` keep their own options
 * (`--config`) before any subcommand, so they never take a subcommand's flag of the same name.
 */
export function topCommand(program: Command, name: string): Command {
  const command = program.commands.find((c) => c.name() === name) ?? program.command(name).description(TOP_LEVEL[name] ?? '');
  return name === 'run' || name === 'train' ? command.enablePositionalOptions() : command;
}

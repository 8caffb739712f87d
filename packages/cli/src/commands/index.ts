import type { Command } from 'commander';
import { TOP_LEVEL } from './top.ts';

interface CommandModule {
  register(program: Command): void;
}

/**
 * Every `baton` command module, by the command words it registers (keep sorted). Modules load only when the
 * command line names one of their words (`baton audit verify` loads audit.ts alone, no model SDK); a path that stops
 * early (`['run']`) is loaded for every command under it. A new command adds a line here (and a top-level one its
 * description to `TOP_LEVEL`).
 */
export const COMMANDS: readonly { readonly paths: readonly (readonly string[])[]; readonly load: () => Promise<CommandModule> }[] = [
  { paths: [['audit']], load: () => import('./audit.ts') },
  { paths: [['bench', 'audit']], load: () => import('./bench-audit.ts') },
  { paths: [['bench', 'faults']], load: () => import('./bench-faults.ts') },
  { paths: [['bench', 'gsm8k']], load: () => import('./bench-gsm8k.ts') },
  { paths: [['bench', 'overhead']], load: () => import('./bench-overhead.ts') },
  { paths: [['bench', 'queue']], load: () => import('./bench-queue.ts') },
  { paths: [['bench', 'route']], load: () => import('./bench-route.ts') },
  { paths: [['bench', 'synthetic']], load: () => import('./bench-synthetic.ts') },
  { paths: [['config'], ['run'], ['train']], load: () => import('./config.ts') },
  { paths: [['demo']], load: () => import('./demo.ts') },
  { paths: [['queue']], load: () => import('./queue.ts') },
  { paths: [['record']], load: () => import('./record.ts') },
  { paths: [['run', 'math']], load: () => import('./run-math.ts') },
  { paths: [['run', 'patch']], load: () => import('./run-patch.ts') },
  { paths: [['run', 'proof']], load: () => import('./run-proof.ts') },
  { paths: [['run', 'route']], load: () => import('./run-route.ts') },
  { paths: [['run']], load: () => import('./run-workflow.ts') },
  { paths: [['serve']], load: () => import('./serve.ts') },
  { paths: [['train', 'math']], load: () => import('./train.ts') },
  { paths: [['train', 'route']], load: () => import('./train-route.ts') },
  { paths: [['worker']], load: () => import('./worker.ts') },
];

/** The command words at the front of argv (`help x y` asks about `x y`). */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words[0] === 'help' ? words.slice(1) : words;
}

/** Whether the command line may be asking for a command of `path`: they agree word for word as far as both go. */
const concerns = (path: readonly string[], words: readonly string[]): boolean =>
  words.length > 0 && path.every((word, i) => i >= words.length || words[i] === word);

/**
 * Registers the commands `argv` may run (every command when `argv` is undefined); the other top-level commands
 * appear by name and description only, enough for `baton --help`.
 */
export async function registerCommands(program: Command, argv?: readonly string[]): Promise<void> {
  const words = argv === undefined ? undefined : commandWords(argv);
  const wanted = COMMANDS.filter((c) => words === undefined || c.paths.some((path) => concerns(path, words)));
  for (const module of await Promise.all(wanted.map((c) => c.load()))) module.register(program);
  for (const [name, description] of Object.entries(TOP_LEVEL)) {
    if (!program.commands.some((c) => c.name() === name)) program.command(name).description(description);
  }
}

import { writeFile } from 'node:fs/promises';
import { loadWorkflowConfig, workflowConfigJsonSchema } from '@baton/adapters';
import { UserError, type BatonEvent } from '@baton/core';
import type { Command } from 'commander';
import { topCommand } from './top.ts';
import {
  checkWritable,
  describeAgents,
  prepareConfig,
  runEpisodes,
  saveHeads,
  startingHeads,
  summarize,
  type ConfigFlags,
} from '../config-runner.ts';
import { API_KEY_HELP } from '../help.ts';
import { userPath } from '../paths.ts';
import { outputFile, positiveInt } from '../program.ts';
import { runCommand, trainCommand } from './run.ts';

const FORMAT_HELP = `
The config file (JSON, or YAML for .yaml/.yml) is described in docs/config.md; its JSON Schema is printed by
\`baton config schema\`. Paths inside it are relative to the file; paths on the command line to your folder.`;

interface RunConfigFlags extends ConfigFlags {
  readonly episodes?: number;
  readonly learn: boolean;
  readonly json?: string;
}

interface TrainConfigFlags extends ConfigFlags {
  readonly epochs: number;
}

function configOptions(command: Command): Command {
  return command
    .option('--config <file>', 'workflow config file (JSON or YAML)')
    .option('--heads <file>', 'saved heads to start from (default: heads.load in the config)')
    .option('--problems <file>', 'GSM8K-style JSONL of problems (default: problems in the config)')
    .option('--limit <n>', 'use only the first n problems', positiveInt('--limit'))
    .option('--seed <n>', 'seed of the first episode (episode i uses seed + i)', positiveInt('--seed'), 1)
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .addHelpText('after', `${FORMAT_HELP}\n${API_KEY_HELP}`);
}

/** `baton run --config F`: evaluate trained heads on the config's problems, or on one `--problem`. */
async function runConfig(flags: RunConfigFlags): Promise<void> {
  if (flags.out !== undefined && !flags.learn)
    throw new UserError('saves heads learned with --learn; add --learn or drop it', { field: '--out' });
  const prepared = prepareConfig(flags);
  if (flags.learn && prepared.headsOut !== undefined) checkWritable(prepared.headsOut);
  const heads = startingHeads(prepared, false);
  console.log(`${prepared.definition.workflow.name} from ${flags.config}:`);
  for (const line of describeAgents(prepared.loaded.config)) console.log(line);
  const decisions: string[] = [];
  const sink = (e: BatonEvent): void => {
    if (e.type === 'decision') {
      const q = Object.entries(e.qValues).map(([a, v]) => `${a}=${(v ?? 0).toFixed(3)}`);
      decisions.push(`${e.agent}: ${e.action}  (Q ${q.join(' ')})`);
    }
  };
  const count = flags.problem !== undefined ? 1 : (flags.episodes ?? prepared.problems.length);
  const series = await runEpisodes(prepared, heads, {
    count,
    seed: flags.seed,
    learn: flags.learn,
    ...(flags.progress ? { progress: true } : {}),
    ...(flags.problem !== undefined ? { sink } : {}),
  });
  if (flags.problem !== undefined) {
    for (const line of decisions) console.log(line);
    const value = series.results[0]?.artifact.value as { attempts?: { answer: number | null; model: string }[] } | undefined;
    const last = value?.attempts?.at(-1);
    console.log(`answer: ${last?.answer ?? '(none)'} by ${last?.model ?? '-'}`);
  }
  for (const line of summarize(series, flags.problem === undefined)) console.log(line);
  if (flags.learn && prepared.headsOut !== undefined) {
    saveHeads(prepared, heads, prepared.headsOut);
    console.log(`heads saved to ${prepared.headsOut}`);
  }
  if (flags.json) {
    const rows = series.results.map(({ artifact, ...r }) => ({ ...r, artifactHash: artifact.hash }));
    await writeFile(
      userPath(flags.json),
      `${JSON.stringify({ config: flags.config, seconds: series.seconds, episodes: rows }, null, 2)}\n`,
    );
  }
}

/** `baton train --config F`: learn the heads on the config's problems for some epochs, then save them. */
async function trainConfig(flags: TrainConfigFlags): Promise<void> {
  const prepared = prepareConfig(flags);
  if (prepared.headsOut === undefined)
    throw new UserError('nowhere to save the trained heads: pass --out, or set heads.save in the config', { field: '--out' });
  checkWritable(prepared.headsOut);
  const heads = startingHeads(prepared, true);
  console.log(
    `training ${prepared.definition.workflow.name} from ${flags.config} on ${prepared.problems.length} problems x ${flags.epochs} epochs` +
      (prepared.headsIn ? `, starting from ${prepared.headsIn}` : ''),
  );
  for (const line of describeAgents(prepared.loaded.config)) console.log(line);
  const series = await runEpisodes(prepared, heads, {
    count: prepared.problems.length * flags.epochs,
    seed: flags.seed,
    learn: true,
    ...(flags.progress ? { progress: true } : {}),
  });
  for (const line of summarize(series, true)) console.log(line);
  saveHeads(prepared, heads, prepared.headsOut);
  console.log(`heads saved to ${prepared.headsOut}`);
}

export function register(program: Command): void {
  configOptions(runCommand(program))
    .option('--problem <text>', 'run one problem (no gold answer) and print each decision')
    .option('--episodes <n>', 'episodes to run (default: one per problem)', positiveInt('--episodes'))
    .option('--learn', 'keep learning while running (saved to --out / heads.save)', false)
    .option('--out <file>', 'with --learn: where to save the heads', outputFile('--out'))
    .option('--json <file>', 'write the results as JSON', outputFile('--json'))
    .action(async (flags: RunConfigFlags, command: Command) => {
      // commander leaves the flag out when --config is not given
      if ((flags.config as string | undefined) === undefined) command.help({ error: true });
      await runConfig(flags);
    });
  configOptions(trainCommand(program))
    .option('--out <file>', 'where to save the trained heads (default: heads.save in the config)', outputFile('--out'))
    .option('--epochs <n>', 'passes over the problems', positiveInt('--epochs'), 3)
    .action(async (flags: TrainConfigFlags, command: Command) => {
      // commander leaves the flag out when --config is not given
      if ((flags.config as string | undefined) === undefined) command.help({ error: true });
      await trainConfig(flags);
    });

  const config = topCommand(program, 'config');
  config
    .command('schema')
    .description('print the JSON Schema of the workflow config format (generated from the zod schema Baton checks with)')
    .option('--out <file>', 'write it to a file instead', outputFile('--out'))
    .action(async (flags: { out?: string }) => {
      const text = `${JSON.stringify(workflowConfigJsonSchema(), null, 2)}\n`;
      if (flags.out) await writeFile(userPath(flags.out), text);
      else process.stdout.write(text);
    });
  config
    .command('check')
    .description(
      'check a config file: every problem with its line, then the agents and where each key goes (nothing is called or read but the file)',
    )
    .argument('<file>', 'the config file')
    .addHelpText('after', API_KEY_HELP)
    .action((file: string) => {
      const { config: parsed } = loadWorkflowConfig(userPath(file));
      console.log(`${file}: a valid ${parsed.workflow} workflow "${parsed.name ?? parsed.workflow}"`);
      for (const line of describeAgents(parsed)) console.log(line);
    });
}

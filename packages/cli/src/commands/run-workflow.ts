import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { runCommand } from './run.ts';
import { BullmqRuntime } from '@baton/adapters';
import { InProcessRuntime, UserError, type EpisodeResult } from '@baton/core';
import { outputFile, positiveInt } from '../program.ts';
import { connectChecked } from '../redis.ts';
import { builtinWorkflowNames, loadWorkflowDefinition } from '../workflows.ts';

interface RunFlags {
  runtime: 'inprocess' | 'bullmq';
  episodes: number;
  seed: number;
  learn: boolean;
  key?: string;
  prefix: string;
  json?: string;
}

/**
 * `baton run <relay|chain|synthetic> [--runtime bullmq]` and `baton run file <module>`: drive episodes of a workflow
 * in-process or across BullMQ workers started with `baton worker` (same workflow, same --key).
 */
export function register(program: Command): void {
  const parent = runCommand(program);
  for (const name of builtinWorkflowNames())
    addRun(parent.command(name).description(`run the built-in ${name} workflow (in-process or on BullMQ workers)`), () => name);
  addRun(
    parent
      .command('file')
      .description('run the workflow a module exports (in-process or on BullMQ workers)')
      .argument('<module>', 'workflow module file'),
    (arg) => arg ?? '',
  );
}

function addRun(command: Command, specOf: (arg: string | undefined) => string): void {
  command
    .addOption(new Option('--runtime <runtime>', 'where agents run').choices(['inprocess', 'bullmq']).default('inprocess'))
    .option('--episodes <n>', 'episodes to run', positiveInt('--episodes'), 10)
    .option('--seed <n>', 'seed of the first episode (episode i uses seed + i)', positiveInt('--seed'), 1)
    .option('--no-learn', 'evaluate: no learning targets, no exploration')
    .option('--key <name>', 'workflow key shared with the workers (default: the workflow name)')
    .option('--prefix <prefix>', 'Redis key prefix', 'baton')
    .option('--json <file>', 'write the results as JSON', outputFile('--json'))
    .action(async (...args: unknown[]) => {
      const arg = typeof args[0] === 'string' ? args[0] : undefined;
      const flags = (arg === undefined ? args[0] : args[1]) as RunFlags;
      const definition = await loadWorkflowDefinition(specOf(arg));
      const { workflow } = definition;
      const input = definition.input;
      if (!input) throw new UserError(`workflow "${workflow.name}" defines no input; cannot start episodes`, { field: 'workflow' });
      let results: EpisodeResult<unknown>[];
      const started = Date.now();
      if (flags.runtime === 'bullmq') {
        const redis = await connectChecked();
        const runtime = await BullmqRuntime.start({
          workflow,
          redis,
          keys: { prefix: flags.prefix, workflowKey: flags.key ?? workflow.name },
        });
        try {
          results = await runtime.runEpisodes({ count: flags.episodes, seed: flags.seed, input, learn: flags.learn });
        } finally {
          await runtime.close();
          redis.disconnect();
        }
      } else {
        const heads = Object.fromEntries(workflow.agents.map((a) => [a.id, definition.createHead(a.id)]));
        const runtime = new InProcessRuntime({ workflow, heads });
        results = [];
        for (let i = 0; i < flags.episodes; i++)
          results.push(await runtime.runEpisode({ seed: flags.seed + i, input: input(i), learn: flags.learn }));
      }
      const seconds = (Date.now() - started) / 1000;
      const mean = results.reduce((s, r) => s + r.return, 0) / results.length;
      const handoffs = results.reduce((s, r) => s + r.handoffs, 0);
      console.log(
        `${results.length} episodes of ${workflow.name} (${flags.runtime}) in ${seconds.toFixed(2)} s: mean return ${mean.toFixed(4)}, ${handoffs} handoffs`,
      );
      if (flags.json) {
        const rows = results.map(({ artifact, ...r }) => ({ ...r, artifactHash: artifact.hash }));
        await writeFile(
          flags.json,
          `${JSON.stringify({ workflow: workflow.name, runtime: flags.runtime, seconds, meanReturn: mean, episodes: rows }, null, 2)}\n`,
        );
      }
    });
}

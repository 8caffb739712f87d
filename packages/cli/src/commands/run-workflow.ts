import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { runCommand } from './run.ts';
import { BullmqRuntime, loadHeadsFor, saveHeadsFile, type connectRedis } from '@baton/adapters';
import { InProcessRuntime, UserError, type EpisodeResult, type HandoffHead, type Runtime } from '@baton/core';
import { outputFile, positiveInt } from '../program.ts';
import { createProgress } from '../progress.ts';
import { connectChecked } from '../redis.ts';
import { userPath } from '../paths.ts';
import { builtinWorkflowNames, loadWorkflowDefinition, MODULE_SHAPE } from '../workflows.ts';

interface RunFlags {
  runtime: 'inprocess' | 'bullmq';
  episodes: number;
  seed: number;
  learn: boolean;
  key?: string;
  prefix: string;
  json?: string;
  episodeTimeout: number;
  heads?: string;
  out?: string;
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
      .argument('<module>', 'workflow module file (.ts or .js), resolved from your folder')
      .addHelpText(
        'after',
        `\nThe module's default export (or its \`definition\` export) is\n  ${MODULE_SHAPE}.\nExample: packages/adapters/src/test/example-workflows.ts (relayDefinition).`,
      ),
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
    .option(
      '--episode-timeout <seconds>',
      'bullmq: fail an episode that has not finished after this long',
      positiveInt('--episode-timeout'),
      300,
    )
    .option('--heads <file>', 'in-process: start from saved heads (a heads file of this workflow)')
    .option('--out <file>', 'in-process: save the heads after the run', outputFile('--out'))
    .action(async (...args: unknown[]) => {
      const arg = typeof args[0] === 'string' ? args[0] : undefined;
      const flags = (arg === undefined ? args[0] : args[1]) as RunFlags;
      const definition = await loadWorkflowDefinition(specOf(arg));
      const { workflow } = definition;
      const input = definition.input;
      if (!input) throw new UserError(`workflow "${workflow.name}" defines no input; cannot start episodes`, { field: 'workflow' });
      const results: EpisodeResult<unknown>[] = [];
      const started = Date.now();
      if (flags.runtime === 'bullmq' && (flags.heads !== undefined || flags.out !== undefined))
        throw new UserError('applies to --runtime inprocess only: BullMQ workers keep and save their own heads', {
          field: flags.heads !== undefined ? '--heads' : '--out',
        });
      let runtime: Runtime<unknown>;
      let redis: ReturnType<typeof connectRedis> | undefined;
      let heads: Record<string, HandoffHead> | undefined;
      if (flags.runtime === 'bullmq') {
        redis = await connectChecked();
        try {
          // Fails at once (runtime.no-workers, exit 1) with the `baton worker` commands to run if an agent has none.
          runtime = await BullmqRuntime.start({
            workflow,
            redis,
            keys: { prefix: flags.prefix, workflowKey: flags.key ?? workflow.name },
            workflowSpec: specOf(arg),
            episodeTimeoutMs: flags.episodeTimeout * 1000,
          });
        } catch (error) {
          redis.disconnect();
          throw error;
        }
      } else {
        heads =
          flags.heads === undefined
            ? Object.fromEntries(workflow.agents.map((a) => [a.id, definition.createHead(a.id)]))
            : loadHeadsFor(definition, userPath(flags.heads));
        runtime = new InProcessRuntime({ workflow, heads });
      }
      const progress = createProgress(`run ${workflow.name}`);
      try {
        for (let i = 0; i < flags.episodes; i++) {
          results.push(await runtime.runEpisode({ seed: flags.seed + i, input: input(i), learn: flags.learn }));
          progress.update(i + 1, flags.episodes, 'episodes');
        }
        progress.stop();
      } finally {
        await runtime.close();
        redis?.disconnect();
      }
      if (heads !== undefined && flags.out !== undefined) {
        saveHeadsFile(flags.out, workflow.name, heads);
        console.log(`heads saved to ${flags.out}`);
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
          userPath(flags.json),
          `${JSON.stringify({ workflow: workflow.name, runtime: flags.runtime, seconds, meanReturn: mean, episodes: rows }, null, 2)}\n`,
        );
      }
    });
}

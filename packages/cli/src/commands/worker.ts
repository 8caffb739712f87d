import type { Command } from 'commander';
import { topCommand } from './top.ts';
import { AgentWorker, redactRedisUrl } from '@baton/adapters';
import { UserError } from '@baton/core';
import { positiveInt } from '../program.ts';
import { connectChecked, redisUrl } from '../redis.ts';
import { loadWorkflowDefinition } from '../workflows.ts';

interface WorkerFlags {
  workflow: string;
  agent: string;
  key?: string;
  prefix: string;
  concurrency: number;
  auditStream?: string;
}

/**
 * `baton worker`: runs one agent of a workflow as an independent BullMQ worker until SIGTERM/SIGINT. Exit codes: 0
 * after a drain on SIGTERM/SIGINT, 1 when Redis cannot be reached, 2 for a usage error (unknown workflow or agent).
 */
export function register(program: Command): void {
  topCommand(program, 'worker')
    .requiredOption('--workflow <file|builtin>', 'workflow module file or built-in name (relay, chain)')
    .requiredOption('--agent <id>', 'the agent this worker runs')
    .option('--key <name>', 'workflow key: queues and state live under <prefix>:<key> (default: the workflow name)')
    .option('--prefix <prefix>', 'Redis key prefix', 'baton')
    .option('--concurrency <n>', 'jobs processed at once', positiveInt('--concurrency'), 16)
    .option('--audit-stream <stream>', "append every event to this Redis stream, exactly once, inside each effect's commit")
    .action(async (flags: WorkerFlags) => {
      const definition = await loadWorkflowDefinition(flags.workflow);
      const ids = definition.workflow.agents.map((a) => a.id);
      // Checked before connecting: a wrong id is a usage error (exit 2) that lists the right ones, at once.
      if (!ids.includes(flags.agent))
        throw new UserError(`workflow "${definition.workflow.name}" has no agent "${flags.agent}" (its agents: ${ids.join(', ')})`, {
          field: '--agent',
        });
      const url = redisUrl();
      const redis = await connectChecked(url);
      const keys = { prefix: flags.prefix, workflowKey: flags.key ?? definition.workflow.name };
      let worker: AgentWorker<unknown>;
      try {
        worker = await AgentWorker.start({
          definition,
          agentId: flags.agent,
          keys,
          redis,
          concurrency: flags.concurrency,
          ...(flags.auditStream ? { eventStream: flags.auditStream } : {}),
        });
      } catch (error) {
        redis.disconnect();
        throw error;
      }
      console.error(
        `worker ${flags.agent} of ${definition.workflow.name} ready on ${redactRedisUrl(url)} (${keys.prefix}:${keys.workflowKey})`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          console.error(`worker ${flags.agent}: draining in-flight jobs`);
          void worker.close().then(() => resolve());
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      redis.disconnect();
    });
}

import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { outputFile, positiveInt } from '../program.ts';
import { benchCommand, loadWorkspacePackage } from './bench.ts';

interface FaultsFlags {
  json?: string;
  episodes: number;
  inFlight: number;
  killEvery: number;
  auditChain: boolean;
}

/** `baton bench faults`: episodes across worker processes while workers are SIGKILLed and Redis restarts once. */
export function register(program: Command): void {
  benchCommand(program)
    .command('faults')
    .description('1,000 episodes on BullMQ workers while a worker is SIGKILLed every 100 episodes and a private Redis (AOF) restarts once')
    .option('--json <file>', 'write the figures as JSON', outputFile('--json'))
    .option('--episodes <n>', 'episodes to run', positiveInt('--episodes'), 1000)
    .option('--in-flight <n>', 'episodes in flight at once', positiveInt('--in-flight'), 16)
    .option('--kill-every <episodes>', 'SIGKILL a worker every this many completed episodes', positiveInt('--kill-every'), 100)
    .option('--audit-chain', 'also write and verify the hash-chained audit log (createRedisStreamAuditSink) from the workers', false)
    .action(async (flags: FaultsFlags) => {
      const { runFaultsBench } = await loadWorkspacePackage('bench faults', 'bench/bullmq', () => import('@baton/bench-bullmq'));
      const result = await runFaultsBench({
        episodes: flags.episodes,
        inFlight: flags.inFlight,
        killEveryEpisodes: flags.killEvery,
        auditChain: flags.auditChain,
        progress: (m) => console.error(m),
      });
      console.log(JSON.stringify(result, null, 2));
      if (flags.json) await writeFile(flags.json, `${JSON.stringify(result, null, 2)}\n`);
      const ok =
        result.completed === result.episodes &&
        result.duplicateUpdates === 0 &&
        result.lostArtifacts === 0 &&
        result.lostUpdates === 0 &&
        result.auditVerified &&
        result.workerKills > 0 &&
        result.redisRestarts > 0;
      if (!ok) process.exitCode = 1;
    });
}
